"""The augmenters RandAugment and AugMix choose from, built from one ``factor``."""

from __future__ import annotations

from lamina.layers.preprocessing.image_preprocessing.auto_contrast import AutoContrast
from lamina.layers.preprocessing.image_preprocessing.equalization import Equalization
from lamina.layers.preprocessing.image_preprocessing.random_brightness import RandomBrightness
from lamina.layers.preprocessing.image_preprocessing.random_color_degeneration import (
    RandomColorDegeneration,
)
from lamina.layers.preprocessing.image_preprocessing.random_contrast import RandomContrast
from lamina.layers.preprocessing.image_preprocessing.random_posterization import (
    RandomPosterization,
)
from lamina.layers.preprocessing.image_preprocessing.random_rotation import RandomRotation
from lamina.layers.preprocessing.image_preprocessing.random_sharpness import RandomSharpness
from lamina.layers.preprocessing.image_preprocessing.random_shear import RandomShear
from lamina.layers.preprocessing.image_preprocessing.random_translation import RandomTranslation
from lamina.layers.preprocessing.image_preprocessing.solarization import Solarization

GEOMETRIC_AND_TONE = ("random_shear", "random_translation", "random_rotation",
                      "random_posterization", "solarization", "auto_contrast", "equalization")
COLOUR = ("random_brightness", "random_color_degeneration", "random_contrast",
          "random_sharpness")


def build_augmenters(names, factor, value_range, interpolation, seed, data_format):
    """``{name: layer}`` for ``names``; ``factor = (low, high)`` sets every strength (Keras'
    recipe: posterization keeps ``max(1, int(8 * high))`` bits at most)."""
    geometry = {"interpolation": interpolation, "seed": seed, "data_format": data_format}
    colour = {"value_range": value_range, "seed": seed, "data_format": data_format}
    makers = {
        "random_shear": lambda: RandomShear(x_factor=factor, y_factor=factor, **geometry),
        "random_translation": lambda: RandomTranslation(factor, factor, **geometry),
        "random_rotation": lambda: RandomRotation(factor, **geometry),
        "random_brightness": lambda: RandomBrightness(factor, **colour),
        "random_color_degeneration": lambda: RandomColorDegeneration(factor, **colour),
        "random_contrast": lambda: RandomContrast(factor, **colour),
        "random_sharpness": lambda: RandomSharpness(factor, **colour),
        "solarization": lambda: Solarization(factor, factor, **colour),
        "random_posterization": lambda: RandomPosterization(max(1, int(8 * factor[1])),
                                                            **colour),
        "auto_contrast": lambda: AutoContrast(value_range, data_format=data_format),
        "equalization": lambda: Equalization(value_range, data_format=data_format),
    }
    return {name: makers[name]() for name in names}
