"""Solarization: invert the pixels above a threshold (with a random threshold and offset)."""

from __future__ import annotations

from lamina.backend import core as backend
from lamina.backend import ops
from lamina.layers.preprocessing.image_preprocessing.base_image_layer import (
    BaseImagePreprocessingLayer,
)
from lamina.layers.preprocessing.image_preprocessing.random_contrast import check_value_range


def _unit_factor(factor, name):
    pair = isinstance(factor, (tuple, list))
    values = list(factor) if pair else [factor]
    if (pair and len(values) != 2) or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v <= 1
            for v in values):
        raise ValueError(f"Solarization: `{name}` must be a number or a pair of numbers in "
                         f"[0, 1]; received {name}={factor!r}")
    return tuple(sorted(values)) if pair else (0, factor)


class Solarization(BaseImagePreprocessingLayer):
    """On the [0, 255] scale: ``y = clip(x + a, 0, 255)``, then ``255 - y`` where
    ``y >= t``. With the default factors (0) every pixel is inverted; a factor ``f`` draws
    ``a`` (or ``t``) per image from ``[low, f * 255]`` (Keras' bounds, ``low`` unscaled).

    >>> import numpy as np, lamina
    >>> x = np.array([[[[0.0, 100.0, 255.0]]]], "float32")
    >>> lamina.layers.Solarization()(x).ravel().tolist()
    [255.0, 155.0, 0.0]
    """

    _USE_BASE_FACTOR = False

    def __init__(self, addition_factor=0.0, threshold_factor=0.0, value_range=(0, 255),
                 seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.addition_factor = _unit_factor(addition_factor, "addition_factor")
        self.threshold_factor = _unit_factor(threshold_factor, "threshold_factor")
        self.value_range = sorted(check_value_range(value_range, "Solarization"))

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        images = data["images"] if isinstance(data, dict) else data
        shape = (images.shape[0], 1, 1, 1)
        return {
            "additions": self._uniform(shape, self.addition_factor[0],
                                       self.addition_factor[1] * 255, self.compute_dtype),
            "thresholds": self._uniform(shape, self.threshold_factor[0],
                                        self.threshold_factor[1] * 255, self.compute_dtype),
        }

    def transform_images(self, images, transformation, training=True):
        images = backend.cast(backend.convert_to_tensor(images), self.compute_dtype)
        if not training or transformation is None:
            return images
        thresholds = backend.convert_to_tensor(transformation["thresholds"], self.compute_dtype)
        additions = backend.convert_to_tensor(transformation["additions"], self.compute_dtype)
        x = self._to_range(images, self.value_range, (0, 255))
        x = ops.clip(x + additions, 0, 255)
        x = ops.where(x < thresholds, x, 255 - x)
        return backend.cast(self._to_range(x, (0, 255), self.value_range), self.compute_dtype)

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        return bounding_boxes

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        return segmentation_masks

    def get_config(self):
        cfg = super().get_config()
        cfg.update({"value_range": self.value_range, "addition_factor": self.addition_factor,
                    "threshold_factor": self.threshold_factor, "seed": self.seed})
        return cfg
