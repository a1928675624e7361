"""RandomPosterization: keep only a random number of bits per colour channel while training."""

from __future__ import annotations

from lamina.backend import core as backend
from lamina.backend import ops
from lamina.backend import random as engine_random
from lamina.layers.preprocessing.image_preprocessing.base_image_layer import (
    BaseImagePreprocessingLayer,
)
from lamina.layers.preprocessing.image_preprocessing.random_contrast import check_value_range


class RandomPosterization(BaseImagePreprocessingLayer):
    """Reduces each image to ``b`` bits per channel, ``b`` drawn per image from
    ``[low, high)`` of ``factor`` (in [1, 8]; a number ``f`` means ``[1, f)``).

    >>> import numpy as np, lamina
    >>> layer = lamina.layers.RandomPosterization(4)
    >>> x = np.array([[[[255.0, 100.0, 15.0]]]], "float32")
    >>> keep_2_bits = {"shift_factor": np.array([6], "uint8")}
    >>> layer.transform_images(x, keep_2_bits).ravel().tolist()
    [192.0, 64.0, 0.0]
    """

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (1, 8)

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.factor = self._check_factor(factor)
        self.value_range = sorted(check_value_range(value_range, "RandomPosterization"))
        self.seed = seed

    def get_random_transformation(self, data, training=True, seed=None):
        images = data["images"] if isinstance(data, dict) else data
        n = images.shape[0]
        low, high = int(self.factor[0]), int(self.factor[1])
        if low != high:
            bits = engine_random.randint((n,), low, high, dtype="uint8", seed=self._rng())
        else:
            bits = ops.full((n,), low, dtype="uint8")
        return {"shift_factor": 8 - bits}

    def transform_images(self, images, transformation=None, training=True):
        images = backend.convert_to_tensor(images)
        if not training:
            return images
        shift = ops.reshape(backend.convert_to_tensor(transformation["shift_factor"], "uint8"),
                            (-1, 1, 1, 1))
        x = self._to_range(backend.cast(images, self.compute_dtype), self.value_range, (0, 255))
        x = backend.cast(x, "uint8")
        x = ops.left_shift(ops.right_shift(x, shift), shift)
        return self._to_range(backend.cast(x, self.compute_dtype), (0, 255), self.value_range)

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        return bounding_boxes

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        return segmentation_masks

    def get_config(self):
        cfg = super().get_config()
        cfg.update({"factor": self.factor, "value_range": self.value_range, "seed": self.seed})
        return cfg
