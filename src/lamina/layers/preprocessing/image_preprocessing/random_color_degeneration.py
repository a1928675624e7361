"""RandomColorDegeneration: blend each image towards its grey version while training."""

from __future__ import annotations

from lamina.backend import core as backend
from lamina.backend import image as kernels
from lamina.backend import ops
from lamina.layers.preprocessing.image_preprocessing.base_image_layer import (
    BaseImagePreprocessingLayer,
)
from lamina.layers.preprocessing.image_preprocessing.random_contrast import check_value_range


class RandomColorDegeneration(BaseImagePreprocessingLayer):
    """``x + f * (grey(x) - x)`` per image, ``f`` drawn from ``factor`` (a number ``f``
    means ``[-f, f]``), clipped to ``value_range``.

    >>> import numpy as np, lamina
    >>> layer = lamina.layers.RandomColorDegeneration(1.0)
    >>> x = np.array([[[[200.0, 100.0, 0.0]]]], "float32")
    >>> half = {"factor": np.full((1, 1, 1, 1), 0.5, "float32")}
    >>> [round(v, 2) for v in layer.transform_images(x, half).ravel().tolist()]
    [159.24, 109.24, 59.24]
    """

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(factor=factor, data_format=data_format, **kwargs)
        self.value_range = sorted(check_value_range(value_range, "RandomColorDegeneration"))
        self.seed = seed

    def get_random_transformation(self, data, training=True, seed=None):
        images = data["images"] if isinstance(data, dict) else data
        return {"factor": self._uniform((images.shape[0], 1, 1, 1), *self.factor)}

    def transform_images(self, images, transformation=None, training=True):
        images = backend.convert_to_tensor(images)
        if not training:
            return images
        images = backend.cast(images, self.compute_dtype)
        factor = backend.convert_to_tensor(transformation["factor"], self.compute_dtype)
        grey = kernels.rgb_to_grayscale(images, data_format=self.data_format)
        return ops.clip(images + factor * (grey - images), *self.value_range)

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        return bounding_boxes

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        return segmentation_masks

    def get_config(self):
        cfg = super().get_config()
        cfg.update({"factor": self.factor, "value_range": self.value_range, "seed": self.seed})
        return cfg
