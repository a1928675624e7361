"""RandomHue: rotate the hue of each image by a random amount while training."""

from __future__ import annotations

from lamina.backend import core as backend
from lamina.backend import image as kernels
from lamina.backend import ops
from lamina.layers.preprocessing.image_preprocessing.base_image_layer import (
    BaseImagePreprocessingLayer,
)


class RandomHue(BaseImagePreprocessingLayer):
    """Shifts the hue of each image by ``±f / 2`` of the colour wheel, ``f`` drawn from
    ``factor`` (in [0, 1]; a number ``f`` means [0, f]) and the sign by a fair coin.

    >>> import numpy as np, lamina
    >>> layer = lamina.layers.RandomHue(1.0, value_range=(0, 1))
    >>> red = np.array([[[[1.0, 0.0, 0.0]]]], "float32")
    >>> third = {"factor": np.array([1 / 3], "float32")}
    >>> [round(v, 4) for v in layer.transform_images(red, third).ravel().tolist()]
    [0.0, 1.0, 0.0]
    """

    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(factor=factor, data_format=data_format, **kwargs)
        self.value_range = list(_value_range(value_range, "RandomHue"))
        self.seed = seed

    def get_random_transformation(self, data, training=True, seed=None):
        images = data["images"] if isinstance(data, dict) else data
        n = images.shape[0]
        sign = ops.where(self._uniform((n,)) > 0.5, -1.0, 1.0)
        return {"factor": sign * self._uniform((n,), self.factor[0], self.factor[1]) * 0.5}

    def transform_images(self, images, transformation=None, training=True):
        images = backend.convert_to_tensor(images)
        if not training:
            return images
        x = self._to_range(backend.cast(images, self.compute_dtype), self.value_range, (0, 1))
        shift = ops.reshape(backend.convert_to_tensor(transformation["factor"], "float32"),
                            (-1, 1, 1))
        hsv = kernels.rgb_to_hsv(x, data_format=self.data_format)
        axis = 1 if self.data_format == "channels_first" else -1
        hue, sat, val = ops.unstack(hsv, axis=axis)
        hue = hue + shift
        # one turn of the wheel at most, so one wrap is enough
        hue = ops.where(hue > 1.0, hue - 1.0, hue)
        hue = ops.where(hue < 0.0, hue + 1.0, hue)
        rgb = kernels.hsv_to_rgb(ops.stack([hue, sat, val], axis=axis),
                                 data_format=self.data_format)
        out = self._to_range(ops.clip(rgb, 0.0, 1.0), (0, 1), self.value_range)
        return backend.cast(out, self.compute_dtype)

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        return bounding_boxes

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        return segmentation_masks

    def get_config(self):
        cfg = super().get_config()
        cfg.update({"factor": self.factor, "value_range": self.value_range, "seed": self.seed})
        return cfg


def _value_range(value_range, layer):
    if not isinstance(value_range, (tuple, list)) or len(value_range) != 2:
        raise ValueError(f"{layer}: `value_range` must be a pair of numbers (low, high); "
                         f"received value_range={value_range!r}")
    return value_range
