"""The image preprocessing and augmentation layers (one class per file)."""

from lamina.layers.preprocessing.image_preprocessing.auto_contrast import AutoContrast
from lamina.layers.preprocessing.image_preprocessing.center_crop import CenterCrop
from lamina.layers.preprocessing.image_preprocessing.equalization import Equalization
from lamina.layers.preprocessing.image_preprocessing.random_brightness import RandomBrightness
from lamina.layers.preprocessing.image_preprocessing.random_color_degeneration import (
    RandomColorDegeneration,
)
from lamina.layers.preprocessing.image_preprocessing.random_contrast import RandomContrast
from lamina.layers.preprocessing.image_preprocessing.random_crop import RandomCrop
from lamina.layers.preprocessing.image_preprocessing.random_flip import RandomFlip
from lamina.layers.preprocessing.image_preprocessing.random_grayscale import RandomGrayscale
from lamina.layers.preprocessing.image_preprocessing.random_hue import RandomHue
from lamina.layers.preprocessing.image_preprocessing.random_invert import RandomInvert
from lamina.layers.preprocessing.image_preprocessing.random_posterization import (
    RandomPosterization,
)
from lamina.layers.preprocessing.image_preprocessing.random_rotation import RandomRotation
from lamina.layers.preprocessing.image_preprocessing.random_saturation import RandomSaturation
from lamina.layers.preprocessing.image_preprocessing.random_sharpness import RandomSharpness
from lamina.layers.preprocessing.image_preprocessing.random_translation import RandomTranslation
from lamina.layers.preprocessing.image_preprocessing.random_zoom import RandomZoom
from lamina.layers.preprocessing.image_preprocessing.rescaling import Rescaling
from lamina.layers.preprocessing.image_preprocessing.resizing import Resizing
from lamina.layers.preprocessing.image_preprocessing.solarization import Solarization

__all__ = [
    "Rescaling", "Resizing", "CenterCrop", "RandomCrop", "RandomFlip", "RandomRotation",
    "RandomZoom", "RandomTranslation", "RandomContrast", "RandomBrightness",
    "RandomGrayscale", "RandomHue", "RandomSaturation", "RandomSharpness", "RandomInvert",
    "RandomPosterization", "RandomColorDegeneration", "Solarization", "AutoContrast",
    "Equalization",
]
