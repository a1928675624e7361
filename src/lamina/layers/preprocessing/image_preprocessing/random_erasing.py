"""RandomErasing: overwrite a random rectangle of a random share of images while training."""

from __future__ import annotations

import numbers

from lamina.backend import core as backend
from lamina.backend import ops
from lamina.backend import random as engine_random
from lamina.layers.preprocessing.image_preprocessing.base_image_layer import (
    BaseImagePreprocessingLayer,
)


class RandomErasing(BaseImagePreprocessingLayer):
    """With probability ``p`` (drawn from ``factor``) fills one rectangle per image with
    ``fill_value`` (a number, one per channel, or None for Gaussian noise scaled by
    ``value_range[1]``). Each side is ``sqrt(s)`` of the image's, ``s`` drawn from ``scale``.

    >>> import numpy as np, lamina
    >>> layer = lamina.layers.RandomErasing((1, 1), scale=(0.25, 0.25), fill_value=0, seed=0)
    >>> out = layer(np.full((1, 8, 8, 1), 9.0, "float32"))   # a 4 x 4 square erased
    >>> int((out == 0).sum())
    16
    """

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor=1.0, scale=(0.02, 0.33), fill_value=None, value_range=(0, 255),
                 seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.factor = self._check_factor(factor)
        self.scale = self._check_factor(scale, "scale")
        if fill_value is not None and not (
                isinstance(fill_value, numbers.Number)
                or (isinstance(fill_value, (tuple, list)) and len(fill_value) == 3)):
            raise ValueError("RandomErasing: `fill_value` must be None, a number or three "
                             f"numbers (one per channel); received fill_value={fill_value!r}")
        self.fill_value = fill_value
        self.value_range = value_range
        self.seed = seed

    def _span(self, n, length, ratio):
        size = ratio * length
        start = self._uniform((n,), dtype=self.compute_dtype) * (length - size)
        return start, start + size

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        images = data["images"] if isinstance(data, dict) else data
        shape = tuple(images.shape)
        n = shape[0]
        height, width = self._hw(shape)
        sides = ops.sqrt(self._uniform((n, 2), *self.scale, dtype=self.compute_dtype))
        x0, x1 = self._span(n, width, sides[:, 0])
        y0, y1 = self._span(n, height, sides[:, 1])
        rows = ops.arange(height, dtype=self.compute_dtype)
        cols = ops.arange(width, dtype=self.compute_dtype)
        first = self.data_format == "channels_first"
        rows = ops.reshape(rows, (1, 1, height, 1) if first else (1, height, 1, 1))
        cols = ops.reshape(cols, (1, 1, 1, width) if first else (1, 1, width, 1))
        corner = [ops.reshape(v, (-1, 1, 1, 1)) for v in (x0, x1, y0, y1)]
        masks = (cols >= corner[0]) & (cols < corner[1]) & (rows >= corner[2]) & (rows < corner[3])
        masks = ops.broadcast_to(masks, shape)
        probability = self._uniform((n,), *self.factor)
        apply = self._uniform((n,)) < probability
        return {"apply_erasing": apply, "batch_masks": masks, "fill_value": self._fill(shape)}

    def _fill(self, shape):
        if self.fill_value is None:
            fill = engine_random.normal(shape, dtype=self.compute_dtype,
                                        seed=self._rng()) * self.value_range[1]
        elif isinstance(self.fill_value, (tuple, list)):
            values = backend.convert_to_tensor(list(self.fill_value), self.compute_dtype)
            if self.data_format == "channels_first":
                values = ops.reshape(values, (3, 1, 1))
            fill = ops.broadcast_to(values, shape)
        else:
            fill = ops.full(shape, float(self.fill_value), dtype=self.compute_dtype)
        return ops.clip(fill, self.value_range[0], self.value_range[1])

    def transform_images(self, images, transformation=None, training=True):
        images = backend.cast(backend.convert_to_tensor(images), self.compute_dtype)
        if not training or transformation is None:
            return images
        masks = backend.convert_to_tensor(transformation["batch_masks"])
        fill = backend.convert_to_tensor(transformation["fill_value"], self.compute_dtype)
        apply = ops.reshape(backend.convert_to_tensor(transformation["apply_erasing"]),
                            (-1, 1, 1, 1))
        return ops.where(apply & masks, fill, images)

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        return bounding_boxes

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        return segmentation_masks

    def get_config(self):
        cfg = super().get_config()
        cfg.update({"factor": self.factor, "scale": self.scale, "fill_value": self.fill_value,
                    "value_range": self.value_range, "seed": self.seed})
        return cfg
