"""Equalization: spread each channel's histogram evenly over the value range."""

from __future__ import annotations

from lamina.backend import core as backend
from lamina.backend import ops
from lamina.layers.preprocessing.image_preprocessing.base_image_layer import (
    BaseImagePreprocessingLayer,
)
from lamina.layers.preprocessing.image_preprocessing.random_contrast import check_value_range


class Equalization(BaseImagePreprocessingLayer):
    """Histogram equalisation with ``bins`` bins per channel, the histogram taken over the
    whole batch (as Keras). Like Keras, it acts when ``training`` is true (the default for a
    direct call) and passes images through at inference.

    >>> import numpy as np, lamina
    >>> x = np.array([10.0, 10.0, 20.0, 30.0], "float32").reshape(1, 2, 2, 1)
    >>> lamina.layers.Equalization()(x).ravel().tolist()
    [0.0, 0.0, 128.0, 255.0]
    """

    _USE_BASE_FACTOR = False

    def __init__(self, value_range=(0, 255), bins=256, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        if isinstance(bins, bool) or not isinstance(bins, int) or bins < 2:
            raise ValueError(f"Equalization: `bins` must be an integer >= 2; received bins={bins!r}")
        self.bins = bins
        self.value_range = sorted(check_value_range(value_range, "Equalization"))

    def _equalize(self, channel):
        channel = self._to_range(channel, self.value_range, (0, 255))
        index = ops.clip(backend.cast(channel * (self.bins - 1) / 255.0, "int32"), 0,
                         self.bins - 1)
        hist = ops.bincount(ops.reshape(index, (-1,)), minlength=self.bins)
        if int(ops.count_nonzero(hist)) <= 1:
            out = channel
        else:
            cdf = ops.cumsum(hist)
            cdf_min = cdf[ops.nonzero(cdf)[0][0]]
            denominator = cdf[-1] - cdf_min
            denominator = ops.where(denominator == 0, ops.ones_like(denominator), denominator)
            table = ops.clip(ops.round((cdf - cdf_min) * 255 / denominator), 0, 255)
            lookup = backend.cast(ops.clip(channel / 255.0 * (self.bins - 1), 0,
                                           self.bins - 1), "int32")
            out = ops.take(table, lookup)
        return self._to_range(backend.cast(out, self.compute_dtype), (0, 255), self.value_range)

    def transform_images(self, images, transformation=None, training=True):
        images = backend.cast(backend.convert_to_tensor(images), self.compute_dtype)
        if not training:
            return images
        axis = -3 if self.data_format == "channels_first" else -1
        channels = ops.unstack(images, axis=axis)
        return backend.cast(ops.stack([self._equalize(c) for c in channels], axis=axis),
                            self.compute_dtype)

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        return bounding_boxes

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        return segmentation_masks

    def get_config(self):
        cfg = super().get_config()
        cfg.update({"bins": self.bins, "value_range": self.value_range})
        return cfg
