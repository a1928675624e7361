"""RandomColorJitter: random brightness, contrast, saturation and hue, in that order."""

from __future__ import annotations

from lamina.backend import core as backend
from lamina.layers.preprocessing.image_preprocessing.base_image_layer import (
    BaseImagePreprocessingLayer,
)
from lamina.layers.preprocessing.image_preprocessing.random_brightness import RandomBrightness
from lamina.layers.preprocessing.image_preprocessing.random_contrast import RandomContrast
from lamina.layers.preprocessing.image_preprocessing.random_hue import RandomHue
from lamina.layers.preprocessing.image_preprocessing.random_saturation import RandomSaturation


class RandomColorJitter(BaseImagePreprocessingLayer):
    """Applies RandomBrightness, RandomContrast, RandomSaturation and RandomHue (those whose
    factor is given) one after the other in training, each with its own draw.

    >>> import numpy as np, lamina
    >>> jitter = lamina.layers.RandomColorJitter(brightness_factor=0.2, hue_factor=0.1, seed=1)
    >>> tuple(jitter(np.full((2, 4, 4, 3), 100.0, "float32")).shape)
    (2, 4, 4, 3)
    """

    _USE_BASE_FACTOR = False

    def __init__(self, value_range=(0, 255), brightness_factor=None, contrast_factor=None,
                 saturation_factor=None, hue_factor=None, seed=None, data_format=None,
                 **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.value_range = value_range
        self.brightness_factor = brightness_factor
        self.contrast_factor = contrast_factor
        self.saturation_factor = saturation_factor
        self.hue_factor = hue_factor
        self.seed = seed
        common = {"value_range": value_range, "seed": seed, "data_format": self.data_format}
        self._steps = [
            cls(factor=factor, **common)
            for cls, factor in ((RandomBrightness, brightness_factor),
                                (RandomContrast, contrast_factor),
                                (RandomSaturation, saturation_factor), (RandomHue, hue_factor))
            if factor is not None
        ]

    def transform_images(self, images, transformation=None, training=True):
        images = backend.convert_to_tensor(images)
        if not training:
            return images
        images = backend.cast(images, self.compute_dtype)
        for step in self._steps:
            images = step.transform_images(images, step.get_random_transformation(images))
        return backend.cast(images, self.compute_dtype)

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        return bounding_boxes

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        return segmentation_masks

    def get_config(self):
        cfg = super().get_config()
        cfg.update({"value_range": self.value_range, "brightness_factor": self.brightness_factor,
                    "contrast_factor": self.contrast_factor,
                    "saturation_factor": self.saturation_factor, "hue_factor": self.hue_factor,
                    "seed": self.seed})
        return cfg
