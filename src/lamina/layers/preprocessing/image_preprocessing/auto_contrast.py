"""AutoContrast: stretch each image's channels to span the whole value range."""

from __future__ import annotations

from lamina.backend import core as backend
from lamina.backend import ops
from lamina.layers.preprocessing.image_preprocessing.base_image_layer import (
    BaseImagePreprocessingLayer,
)
from lamina.layers.preprocessing.image_preprocessing.random_contrast import check_value_range


class AutoContrast(BaseImagePreprocessingLayer):
    """Maps each image's per-channel minimum to ``value_range[0]`` and maximum to
    ``value_range[1]`` linearly (in training and inference alike); a flat channel is kept.

    >>> import numpy as np, lamina
    >>> x = np.array([50.0, 100.0, 150.0], "float32").reshape(1, 1, 3, 1)
    >>> lamina.layers.AutoContrast()(x).ravel().tolist()
    [0.0, 127.5, 255.0]
    """

    _USE_BASE_FACTOR = False

    def __init__(self, value_range=(0, 255), **kwargs):
        super().__init__(**kwargs)
        self.value_range = sorted(check_value_range(value_range, "AutoContrast"))

    def transform_images(self, images, transformation=None, training=True):
        original = backend.convert_to_tensor(images)
        x = backend.cast(self._to_range(original, self.value_range, (0, 255)),
                         self.compute_dtype)
        axes = (-2, -1) if self.data_format == "channels_first" else (-3, -2)
        low = ops.amin(x, axis=axes, keepdims=True)
        high = ops.amax(x, axis=axes, keepdims=True)
        scale = 255.0 / (high - low)
        out = ops.clip(x * scale - low * scale, 0.0, 255.0)
        out = self._to_range(out, (0, 255), self.value_range)
        # a flat channel divides by zero: it is returned as it came
        return ops.where(ops.isnan(out), backend.cast(original, self.compute_dtype), out)

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        return bounding_boxes

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        return segmentation_masks

    def get_config(self):
        cfg = super().get_config()
        cfg["value_range"] = self.value_range
        return cfg
