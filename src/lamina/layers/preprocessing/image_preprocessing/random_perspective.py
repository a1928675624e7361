"""RandomPerspective: move the image corners by random amounts (a projective warp)."""

from __future__ import annotations

from lamina.backend import core as backend
from lamina.backend import image as kernels
from lamina.backend import ops
from lamina.layers.preprocessing.image_preprocessing import bounding_boxes as boxes_lib
from lamina.layers.preprocessing.image_preprocessing.base_affine_layer import INTERPOLATIONS
from lamina.layers.preprocessing.image_preprocessing.base_image_layer import (
    BaseImagePreprocessingLayer,
)


class RandomPerspective(BaseImagePreprocessingLayer):
    """With probability ``p`` (drawn from ``factor``) moves each corner of an image by up to
    ``scale / 2`` of its coordinates and warps the image to match; pixels from outside are
    ``fill_value``.

    >>> import numpy as np, lamina
    >>> layer = lamina.layers.RandomPerspective(scale=0.2, seed=1)
    >>> tuple(layer(np.ones((2, 6, 6, 3), "float32")).shape)
    (2, 6, 6, 3)
    """

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor=1.0, scale=1.0, interpolation="bilinear", fill_value=0.0,
                 seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.factor = self._check_factor(factor)
        if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not 0 <= scale <= 1:
            raise ValueError(f"RandomPerspective: `scale` must be a number in [0, 1]; "
                             f"received scale={scale!r}")
        self.scale = scale
        self.interpolation = self._check_choice("RandomPerspective", "interpolation",
                                                interpolation, INTERPOLATIONS)
        self.fill_value = fill_value
        self.seed = seed

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        images = data["images"] if isinstance(data, dict) else data
        n = images.shape[0]
        height, width = self._hw(images.shape)
        probability = self._uniform((n,), *self.factor)
        apply = self._uniform((n,)) < probability
        moves = self._uniform((n, 4, 2), -0.5 * self.scale, 0.5 * self.scale,
                              dtype=self.compute_dtype)
        corners = [[0.0, 0.0], [width - 1.0, 0.0], [0.0, height - 1.0],
                   [width - 1.0, height - 1.0]]
        start = ops.broadcast_to(backend.convert_to_tensor([corners], self.compute_dtype),
                                 (n, 4, 2))
        return {"apply_perspective": apply, "start_points": start,
                "end_points": start + start * moves, "input_shape": tuple(images.shape)}

    def _warp(self, images, transformation, interpolation):
        warped = kernels.perspective_transform(
            images, backend.convert_to_tensor(transformation["start_points"], "float32"),
            backend.convert_to_tensor(transformation["end_points"], "float32"),
            interpolation=interpolation, fill_value=self.fill_value,
            data_format=self.data_format)
        apply = ops.reshape(backend.convert_to_tensor(transformation["apply_perspective"]),
                            (-1, 1, 1, 1))
        return ops.where(apply, warped, images)

    def transform_images(self, images, transformation, training=True):
        images = backend.cast(backend.convert_to_tensor(images), self.compute_dtype)
        if not training or transformation is None:
            return images
        return self._warp(images, transformation, self.interpolation)

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        masks = backend.convert_to_tensor(segmentation_masks)
        if not training or transformation is None:
            return masks
        return self._warp(masks, transformation, "nearest")

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        if not training or transformation is None:
            return bounding_boxes
        height, width = self._hw(transformation["input_shape"])
        boxes = self._boxes_to_xyxy(bounding_boxes, height, width)
        maps = kernels.compute_homography_matrix(
            backend.convert_to_tensor(transformation["start_points"], "float32"),
            backend.convert_to_tensor(transformation["end_points"], "float32"))
        moved = boxes_lib.warp_boxes(boxes["boxes"], maps)
        # only the images that were warped move their boxes
        apply = ops.reshape(backend.convert_to_tensor(transformation["apply_perspective"]),
                            (-1, 1, 1))
        boxes["boxes"] = ops.where(apply, moved, boxes["boxes"])
        return self._boxes_from_xyxy(boxes, height, width)

    def get_config(self):
        cfg = super().get_config()
        cfg.update({"factor": self.factor, "scale": self.scale,
                    "interpolation": self.interpolation, "fill_value": self.fill_value,
                    "seed": self.seed})
        return cfg
