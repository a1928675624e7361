"""RandomFlip: mirror images left-right and/or upside down while training."""

from __future__ import annotations

from lamina.backend import core as backend
from lamina.backend import ops
from lamina.layers.preprocessing.image_preprocessing.base_image_layer import (
    BaseImagePreprocessingLayer,
)

HORIZONTAL = "horizontal"
VERTICAL = "vertical"
HORIZONTAL_AND_VERTICAL = "horizontal_and_vertical"


class RandomFlip(BaseImagePreprocessingLayer):
    """Flips each image with probability 1/2 in training (``mode`` says which way).

    With ``"horizontal_and_vertical"`` one coin per image decides both flips, as in Keras.

    >>> import numpy as np, lamina
    >>> layer = lamina.layers.RandomFlip("horizontal")
    >>> x = np.arange(4, dtype="float32").reshape(1, 1, 4, 1)
    >>> layer.transform_images(x, {"flips": np.ones((1, 1, 1, 1), bool)}).ravel().tolist()
    [3.0, 2.0, 1.0, 0.0]
    """

    _USE_BASE_FACTOR = False

    def __init__(self, mode=HORIZONTAL_AND_VERTICAL, seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.mode = self._check_choice("RandomFlip", "mode", mode,
                                       (HORIZONTAL, VERTICAL, HORIZONTAL_AND_VERTICAL))
        self.seed = seed

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        images = data["images"] if isinstance(data, dict) else data
        shape = tuple(images.shape)
        flips = self._uniform((shape[0], 1, 1, 1)) <= 0.5
        return {"flips": flips, "input_shape": shape}

    def transform_images(self, images, transformation, training=True):
        images = backend.cast(backend.convert_to_tensor(images), self.compute_dtype)
        if not training or transformation is None:
            return images
        flips = backend.convert_to_tensor(transformation["flips"])
        first = self.data_format == "channels_first"
        out = images
        if self.mode in (HORIZONTAL, HORIZONTAL_AND_VERTICAL):
            out = ops.where(flips, ops.flip(out, axis=-1 if first else -2), out)
        if self.mode in (VERTICAL, HORIZONTAL_AND_VERTICAL):
            out = ops.where(flips, ops.flip(out, axis=-2 if first else -3), out)
        return out

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        if not training or transformation is None:
            return bounding_boxes
        height, width = self._hw(transformation["input_shape"])
        boxes = self._boxes_to_xyxy(bounding_boxes, height, width)
        flips = ops.reshape(backend.convert_to_tensor(transformation["flips"]), (-1, 1))
        x1, y1, x2, y2 = ops.unstack(boxes["boxes"], axis=-1)
        if self.mode in (HORIZONTAL, HORIZONTAL_AND_VERTICAL):
            x1, x2 = ops.where(flips, width - x2, x1), ops.where(flips, width - x1, x2)
        if self.mode in (VERTICAL, HORIZONTAL_AND_VERTICAL):
            y1, y2 = ops.where(flips, height - y2, y1), ops.where(flips, height - y1, y2)
        boxes["boxes"] = ops.stack([x1, y1, x2, y2], axis=-1)
        return self._boxes_from_xyxy(boxes, height, width)

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        return self.transform_images(segmentation_masks, transformation, training)

    def get_config(self):
        cfg = super().get_config()
        cfg.update({"seed": self.seed, "mode": self.mode})
        return cfg
