"""RandAugment: apply a few augmentations chosen at random from a fixed list while training."""

from __future__ import annotations

from lamina.backend import core as backend
from lamina.backend import random as engine_random
from lamina.layers.preprocessing.image_preprocessing.base_image_layer import (
    BaseImagePreprocessingLayer,
)
from lamina.layers.preprocessing.image_preprocessing.base_policy_layer import build_augmenters

# Keras' order, which the drawn indices refer to
_NAMES = ("random_shear", "random_translation", "random_rotation", "random_brightness",
          "random_color_degeneration", "random_contrast", "random_sharpness",
          "random_posterization", "solarization", "auto_contrast", "equalization")


class RandAugment(BaseImagePreprocessingLayer):
    """Applies ``num_ops`` augmentations per call, each drawn (with repeats) from shear,
    translation, rotation, brightness, colour degeneration, contrast, sharpness,
    posterization, solarization, auto-contrast and equalization; ``factor`` (in [0, 1]; a
    number ``f`` means [0, f]) sets how strong they are. The whole batch shares the choice.

    >>> import numpy as np, lamina
    >>> layer = lamina.layers.RandAugment(num_ops=2, factor=0.3, seed=0)
    >>> tuple(layer(np.full((2, 8, 8, 3), 120.0, "float32")).shape)
    (2, 8, 8, 3)
    """

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, value_range=(0, 255), num_ops=2, factor=0.5, interpolation="bilinear",
                 seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        if isinstance(num_ops, bool) or not isinstance(num_ops, int) or num_ops < 0:
            raise ValueError(f"RandAugment: `num_ops` must be an integer >= 0; "
                             f"received num_ops={num_ops!r}")
        self.value_range = value_range
        self.num_ops = num_ops
        self.factor = self._check_factor(factor)
        self.interpolation = interpolation
        self.seed = seed
        self._augmenters = build_augmenters(_NAMES, self.factor, value_range, interpolation,
                                            seed, self.data_format)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        images = data["images"] if isinstance(data, dict) else data
        picks = engine_random.randint((self.num_ops,), 0, len(_NAMES), seed=self._rng())
        steps = []
        for index in backend.convert_to_numpy(picks).tolist():
            layer = self._augmenters[_NAMES[index]]
            steps.append((_NAMES[index], layer.get_random_transformation(images)))
        return {"layer_idxes": picks, "transforms": steps}

    def transform_images(self, images, transformation, training=True):
        images = backend.cast(backend.convert_to_tensor(images), self.compute_dtype)
        if not training or transformation is None:
            return images
        steps = transformation["transforms"]
        if isinstance(steps, dict):  # Keras' form: every op's draw, and the chosen indices
            picks = backend.convert_to_numpy(backend.convert_to_tensor(
                transformation["layer_idxes"])).tolist()
            steps = [(_NAMES[i], steps[_NAMES[i]]) for i in picks]
        for name, step in steps:
            images = backend.cast(self._augmenters[name].transform_images(images, step),
                                  self.compute_dtype)
        return images

    def get_config(self):
        cfg = super().get_config()
        cfg.update({"value_range": self.value_range, "num_ops": self.num_ops,
                    "factor": self.factor, "interpolation": self.interpolation,
                    "seed": self.seed})
        return cfg
