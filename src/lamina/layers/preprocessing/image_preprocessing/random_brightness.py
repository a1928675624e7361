"""RandomBrightness: add a random offset to every pixel of an image while training."""

from __future__ import annotations

from lamina.backend import core as backend
from lamina.backend import ops
from lamina.layers.preprocessing.image_preprocessing.base_image_layer import (
    BaseImagePreprocessingLayer,
)
from lamina.layers.preprocessing.image_preprocessing.random_contrast import check_value_range


class RandomBrightness(BaseImagePreprocessingLayer):
    """Adds ``delta * (high - low)`` to each image, ``delta`` drawn from ``factor`` (in
    [-1, 1]; a number ``f`` means ``[-f, f]``), clipping to ``value_range = (low, high)``.

    >>> import numpy as np, lamina
    >>> layer = lamina.layers.RandomBrightness(0.5, value_range=(0, 1))
    >>> x = np.array([0.2, 0.9], "float32").reshape(1, 1, 2, 1)
    >>> d = {"rgb_delta": np.full((1, 1, 1, 1), 0.25, "float32")}
    >>> [round(v, 4) for v in layer.transform_images(x, d).ravel().tolist()]
    [0.45, 1.0]
    """

    def __init__(self, factor, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(factor=factor, **kwargs)
        self.value_range = sorted(check_value_range(value_range, "RandomBrightness"))
        self.seed = seed

    def get_random_transformation(self, data, training=True, seed=None):
        images = data["images"] if isinstance(data, dict) else data
        shape = (images.shape[0], 1, 1, 1)
        if not training:
            return {"rgb_delta": ops.zeros(shape)}
        delta = self._uniform(shape, self.factor[0], self.factor[1])
        return {"rgb_delta": delta * (self.value_range[1] - self.value_range[0])}

    def transform_images(self, images, transformation, training=True):
        images = backend.convert_to_tensor(images)
        if not training:
            return images
        if not backend.float_dtype_like(images):
            images = backend.cast(images, self.compute_dtype)
        delta = backend.cast(backend.convert_to_tensor(transformation["rgb_delta"]),
                             backend.dtype_of(images))
        return ops.clip(images + delta, self.value_range[0], self.value_range[1])

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        return bounding_boxes

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        return segmentation_masks

    def get_config(self):
        cfg = super().get_config()
        cfg.update({"factor": self.factor, "value_range": self.value_range, "seed": self.seed})
        return cfg
