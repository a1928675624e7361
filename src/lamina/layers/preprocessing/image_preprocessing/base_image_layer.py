"""The base of the image preprocessing layers: Keras' draw-then-transform protocol.

A layer draws one transformation per call (``get_random_transformation``) and applies it to
the images and, in the dict form ``{"images", "labels", "bounding_boxes",
"segmentation_masks"}``, to the other entries, so a flip moves the boxes and masks with the
pixels. Subclasses implement ``transform_images`` (and the others where they move things);
images reach them batched, ``(N, H, W, C)`` or ``(N, C, H, W)``: an unbatched image is given a
batch axis of one here and loses it after.
"""

from __future__ import annotations

import math

from lamina import config
from lamina.backend import core as backend
from lamina.backend import ops
from lamina.backend import random as engine_random
from lamina.layers.layer import Layer
from lamina.layers.preprocessing.image_preprocessing import bounding_boxes as boxes_lib


class BaseImagePreprocessingLayer(Layer):
    """Shared call logic, factor checks, seeds and value ranges of the image layers.

    ``call(data, training=None)``: ``training`` left unset means True, as in Keras, so a random
    layer augments when called directly on data; ``fit`` passes True and ``predict`` /
    ``evaluate`` pass False, where the random layers return their inputs.
    """

    _USE_BASE_FACTOR = True
    _FACTOR_BOUNDS = (-1, 1)

    def __init__(self, factor=None, bounding_box_format=None, data_format=None, **kwargs):
        super().__init__(**kwargs)
        if bounding_box_format is not None:
            boxes_lib.check_format(type(self).__name__, bounding_box_format)
        self.bounding_box_format = bounding_box_format
        self.data_format = config.standardize_data_format(data_format)
        if self._USE_BASE_FACTOR:
            self.factor = self._check_factor(factor or 0.0)
        elif factor is not None:
            raise ValueError(f"{type(self).__name__}: does not take a `factor` argument; "
                             f"received factor={factor!r}")
        self._generator = None
        self.built = True

    # -- arguments ------------------------------------------------------------------------

    def _check_factor(self, factor, name="factor", bounds=None):
        """``(lower, upper)`` from a number ``f`` (``(-f, f)`` clipped to the bounds) or a pair."""
        lo_bound, hi_bound = bounds or self._FACTOR_BOUNDS
        error = ValueError(
            f"{type(self).__name__}: `{name}` must be a number or a pair of numbers in "
            f"[{lo_bound}, {hi_bound}]; received {name}={factor!r}")
        if isinstance(factor, (tuple, list)):
            if len(factor) != 2:
                raise error
            if factor[0] > hi_bound or factor[1] < lo_bound:
                raise error
            return tuple(sorted(factor))
        if isinstance(factor, (int, float)) and not isinstance(factor, bool):
            if factor < lo_bound or factor > hi_bound:
                raise error
            factor = abs(factor)
            return (max(-factor, lo_bound), factor)
        raise error

    @staticmethod
    def _check_choice(layer, name, value, allowed):
        if value not in allowed:
            raise ValueError(f"{layer}: `{name}` must be one of {list(allowed)}; "
                             f"received {name}={value!r}")
        return value

    # -- randomness -----------------------------------------------------------------------

    def _rng(self):
        """The layer's generator: seeded layers repeat their draws from the first call on."""
        if self._generator is None:
            self._generator = engine_random.make_generator(getattr(self, "seed", None))
        return self._generator

    def _uniform(self, shape, minval=0.0, maxval=1.0, dtype="float32"):
        return engine_random.uniform(shape, float(minval), float(maxval), dtype=dtype,
                                     seed=self._rng())

    # -- shapes ---------------------------------------------------------------------------

    def _hw(self, shape):
        """Height and width of an image or batch of images of ``shape``."""
        if self.data_format == "channels_first":
            return int(shape[-2]), int(shape[-1])
        return int(shape[-3]), int(shape[-2])

    def _check_rank(self, images):
        rank = len(images.shape)
        if rank not in (3, 4):
            raise ValueError(
                f"{type(self).__name__}: expected images of rank 3 (one image) or 4 (a batch); "
                f"received shape {tuple(images.shape)}")
        return rank == 4

    # -- the protocol (Keras' names) ------------------------------------------------------

    def get_random_transformation(self, data, training=True, seed=None):
        return None

    def transform_images(self, images, transformation, training=True):
        raise NotImplementedError

    def transform_labels(self, labels, transformation, training=True):
        return labels

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        raise NotImplementedError(
            f"{type(self).__name__}: bounding boxes are not supported by this layer yet")

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        raise NotImplementedError(
            f"{type(self).__name__}: segmentation masks are not supported by this layer yet")

    def call(self, data, training=None):
        training = True if training is None else bool(training)
        if isinstance(data, dict):
            return self._call_dict(dict(data), training)
        images = backend.convert_to_tensor(data)
        batched = self._check_rank(images)
        if not batched:
            images = ops.expand_dims(images, 0)
        transformation = self.get_random_transformation(images, training=training)
        out = self.transform_images(images, transformation, training=training)
        return out if batched else ops.squeeze(out, 0)

    def _call_dict(self, data, training):
        if "images" not in data:
            raise ValueError(f"{type(self).__name__}: a dict input needs an 'images' entry; "
                             f"received keys {sorted(data)}")
        images = backend.convert_to_tensor(data["images"])
        batched = self._check_rank(images)

        def batch(x):
            x = backend.convert_to_tensor(x)
            return x if batched else ops.expand_dims(x, 0)

        def unbatch(x):
            return x if batched else ops.squeeze(x, 0)

        images = batch(images)
        transformation = self.get_random_transformation({**data, "images": images},
                                                        training=training)
        data["images"] = unbatch(self.transform_images(images, transformation, training))
        if "labels" in data:
            data["labels"] = unbatch(self.transform_labels(batch(data["labels"]),
                                                           transformation, training))
        if "bounding_boxes" in data:
            if not self.bounding_box_format:
                raise ValueError(
                    f"{type(self).__name__}: the input has 'bounding_boxes' but the layer has "
                    "no `bounding_box_format`; pass one, e.g. bounding_box_format='xyxy'")
            boxes = {k: batch(v) for k, v in data["bounding_boxes"].items()}
            boxes = self.transform_bounding_boxes(boxes, transformation, training)
            data["bounding_boxes"] = {k: unbatch(v) for k, v in boxes.items()}
        if "segmentation_masks" in data:
            data["segmentation_masks"] = unbatch(self.transform_segmentation_masks(
                batch(data["segmentation_masks"]), transformation, training))
        return data

    def compute_output_shape(self, input_shape):
        return input_shape

    def _boxes_to_xyxy(self, bounding_boxes, height, width):
        out = dict(bounding_boxes)
        out["boxes"] = boxes_lib.to_xyxy(bounding_boxes["boxes"], self.bounding_box_format,
                                         height, width)
        return out

    def _boxes_from_xyxy(self, bounding_boxes, height, width):
        """Clip ``xyxy`` boxes to a ``height x width`` image and return them in the layer's
        format (boxes left empty get label -1)."""
        out = boxes_lib.clip_to_image(bounding_boxes, height, width)
        out["boxes"] = boxes_lib.from_xyxy(out["boxes"], self.bounding_box_format, height, width)
        return out

    def _shifted_and_scaled_boxes(self, bounding_boxes, in_hw, left, top, window_hw, out_hw):
        """Boxes of an image cut to the ``window_hw`` window at ``(top, left)`` and resized to
        ``out_hw``: what crops and resizes do to boxes."""
        boxes = self._boxes_to_xyxy(bounding_boxes, *in_hw)
        x1, y1, x2, y2 = ops.unstack(boxes["boxes"], axis=-1)
        x1, x2 = ops.clip(x1 - left, 0, window_hw[1]), ops.clip(x2 - left, 0, window_hw[1])
        y1, y2 = ops.clip(y1 - top, 0, window_hw[0]), ops.clip(y2 - top, 0, window_hw[0])
        sx, sy = out_hw[1] / window_hw[1], out_hw[0] / window_hw[0]
        boxes["boxes"] = ops.stack([x1 * sx, y1 * sy, x2 * sx, y2 * sy], axis=-1)
        return self._boxes_from_xyxy(boxes, *out_hw)

    def get_config(self):
        cfg = super().get_config()
        cfg["data_format"] = self.data_format
        if self.bounding_box_format is not None:
            cfg["bounding_box_format"] = self.bounding_box_format
        return cfg

    # -- helpers for the colour and geometry layers ----------------------------------------

    @staticmethod
    def _to_range(images, source, target):
        """Map values linearly from the ``source`` range to the ``target`` range."""
        if tuple(source) == tuple(target):
            return images
        images = backend.cast(images, "float32")
        unit = (images - float(source[0])) / (float(source[1]) - float(source[0]))
        return unit * (float(target[1]) - float(target[0])) + float(target[0])

    @staticmethod
    def _affine_matrix(height, width, angle=None, translate_x=None, translate_y=None,
                       scale=None, shear_x=None, shear_y=None, center=(0.5, 0.5)):
        """Per-image ``(N, 8)`` affine transforms (output -> input points), Keras' composition
        of scale, shear (degrees) and rotation (degrees) about ``center`` (fractions of the
        image), then a shift; any argument left None is the identity's."""
        given = next(v for v in (angle, translate_x, translate_y, scale, shear_x, shear_y)
                     if v is not None)
        zeros = ops.zeros_like(given)
        angle, tx, ty, shx, shy = (zeros if v is None else v
                                   for v in (angle, translate_x, translate_y, shear_x, shear_y))
        scale = ops.ones_like(given) if scale is None else scale
        radians = math.pi / 180.0
        cos, sin = ops.cos(angle * radians), ops.sin(angle * radians)
        shx, shy = ops.tan(shx * radians), ops.tan(shy * radians)
        cx, cy = center[0] * (width - 1), center[1] * (height - 1)
        a0 = scale * (cos + shx * sin)
        a1 = scale * (-sin + shx * cos)
        a2 = tx + cx - cx * a0 - cy * a1
        b0 = scale * (shy * cos + sin)
        b1 = scale * (shy * -sin + cos)
        b2 = ty + cy - cx * b0 - cy * b1
        return ops.stack([a0, a1, a2, b0, b1, b2, zeros, zeros], axis=1)
