"""RandomSaturation: scale the saturation of each image by a random factor while training."""

from __future__ import annotations

from lamina import config
from lamina.backend import core as backend
from lamina.backend import image as kernels
from lamina.backend import ops
from lamina.layers.preprocessing.image_preprocessing.base_image_layer import (
    BaseImagePreprocessingLayer,
)
from lamina.layers.preprocessing.image_preprocessing.random_contrast import check_value_range


class RandomSaturation(BaseImagePreprocessingLayer):
    """Multiplies the HSV saturation by ``f / (1 - f)``, ``f`` drawn from ``factor``: 0.5
    keeps the image, 0 (or less) greys it, 1 saturates it fully. As in Keras 3 a number
    ``f`` means ``[-f, f]``, so about half the draws grey the image; give a pair such as
    ``(0.3, 0.7)`` for milder changes.

    >>> import numpy as np, lamina
    >>> layer = lamina.layers.RandomSaturation(0.5)
    >>> x = np.array([[[[200.0, 100.0, 50.0]]]], "float32")
    >>> grey = {"factor": np.zeros((1,), "float32")}
    >>> layer.transform_images(x, grey).ravel().tolist()
    [200.0, 200.0, 200.0]
    """

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(factor=factor, data_format=data_format, **kwargs)
        self.value_range = sorted(check_value_range(value_range, "RandomSaturation"))
        self.seed = seed

    def get_random_transformation(self, data, training=True, seed=None):
        images = data["images"] if isinstance(data, dict) else data
        f = self._uniform((images.shape[0],), self.factor[0], self.factor[1])
        return {"factor": f / (1.0 - f + config.epsilon())}

    def transform_images(self, images, transformation=None, training=True):
        images = backend.convert_to_tensor(images)
        if not training:
            return images
        factor = ops.reshape(backend.convert_to_tensor(transformation["factor"],
                                                       self.compute_dtype), (-1, 1, 1))
        hsv = kernels.rgb_to_hsv(images, data_format=self.data_format)
        axis = 1 if self.data_format == "channels_first" else -1
        hue, sat, val = ops.unstack(hsv, axis=axis)
        # Keras clips the scaled saturation to value_range (not to [0, 1])
        sat = ops.clip(sat * factor, self.value_range[0], self.value_range[1])
        return kernels.hsv_to_rgb(ops.stack([hue, sat, val], axis=axis),
                                  data_format=self.data_format)

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        return bounding_boxes

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        return segmentation_masks

    def get_config(self):
        cfg = super().get_config()
        cfg.update({"factor": self.factor, "value_range": self.value_range, "seed": self.seed})
        return cfg
