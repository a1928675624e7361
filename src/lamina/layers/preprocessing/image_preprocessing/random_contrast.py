"""RandomContrast: scale each image's deviation from its mean by a random factor."""

from __future__ import annotations

from lamina.backend import core as backend
from lamina.backend import ops
from lamina.layers.preprocessing.image_preprocessing.base_image_layer import (
    BaseImagePreprocessingLayer,
)


def check_value_range(value_range, layer):
    if not isinstance(value_range, (tuple, list)) or len(value_range) != 2:
        raise ValueError(f"{layer}: `value_range` must be a pair of numbers (low, high); "
                         f"received value_range={value_range!r}")
    return list(value_range)


class RandomContrast(BaseImagePreprocessingLayer):
    """``(x - mean) * c + mean`` per image and channel, ``c`` drawn from
    ``[1 - lower, 1 + upper]`` in training, the result clipped to ``value_range``.

    As in Keras 3, ``factor=f`` means ``(lower, upper) = (0, f)``: the contrast only grows;
    give a pair, ``factor=(f, f)``, for ``[1 - f, 1 + f]``.

    >>> import numpy as np, lamina
    >>> layer = lamina.layers.RandomContrast(0.5, value_range=(0, 1))
    >>> x = np.array([0.2, 0.4, 0.6], "float32").reshape(1, 1, 3, 1)
    >>> c = {"contrast_factor": np.full((1, 1, 1, 1), 2.0, "float32")}
    >>> [round(v, 4) for v in layer.transform_images(x, c).ravel().tolist()]
    [0.0, 0.4, 0.8]
    """

    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(factor=factor, **kwargs)
        self.value_range = check_value_range(value_range, "RandomContrast")
        self.seed = seed

    def get_random_transformation(self, data, training=True, seed=None):
        images = data["images"] if isinstance(data, dict) else data
        shape = (images.shape[0], 1, 1, 1)
        if not training:
            return {"contrast_factor": ops.zeros(shape)}
        factor = self._uniform(shape, 1.0 - self.factor[0], 1.0 + self.factor[1],
                               dtype=self.compute_dtype)
        return {"contrast_factor": factor}

    def transform_images(self, images, transformation, training=True):
        images = backend.convert_to_tensor(images)
        if not training:
            return images
        images = backend.cast(images, self.compute_dtype)
        factor = backend.convert_to_tensor(transformation["contrast_factor"], self.compute_dtype)
        axes = (-2, -1) if self.data_format == "channels_first" else (-3, -2)
        mean = ops.mean(images, axis=axes, keepdims=True)
        out = (images - mean) * factor + mean
        return ops.clip(out, self.value_range[0], self.value_range[1])

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        return bounding_boxes

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        return segmentation_masks

    def get_config(self):
        cfg = super().get_config()
        cfg.update({"factor": self.factor, "value_range": self.value_range, "seed": self.seed})
        return cfg
