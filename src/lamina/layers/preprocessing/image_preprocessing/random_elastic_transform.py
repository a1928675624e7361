"""RandomElasticTransform: bend images by a smooth random displacement field while training."""

from __future__ import annotations

from lamina.backend import core as backend
from lamina.backend import image as kernels
from lamina.backend import ops
from lamina.layers.preprocessing.image_preprocessing.base_affine_layer import INTERPOLATIONS
from lamina.layers.preprocessing.image_preprocessing.base_image_layer import (
    BaseImagePreprocessingLayer,
)

_FILL_MODES = ("constant", "nearest", "wrap", "mirror", "reflect")


class RandomElasticTransform(BaseImagePreprocessingLayer):
    """With probability ``p`` (drawn from ``factor``) displaces each pixel along a random
    field smoothed by ``sigma = 0.05 * s * min(H, W)`` and scaled by
    ``alpha = 0.1 * s * max(H, W)``, ``s`` drawn from ``scale`` (in [0, 1]) once per batch;
    the result is clipped to ``value_range``.

    >>> import numpy as np, lamina
    >>> layer = lamina.layers.RandomElasticTransform(scale=0.5, seed=0)
    >>> tuple(layer(np.ones((2, 8, 8, 3), "float32")).shape)
    (2, 8, 8, 3)
    """

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor=1.0, scale=1.0, interpolation="bilinear", fill_mode="reflect",
                 fill_value=0.0, value_range=(0, 255), seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        name = "RandomElasticTransform"
        self.factor = self._check_factor(factor)
        self.scale = self._check_factor(scale, "scale")
        self.interpolation = self._check_choice(name, "interpolation", interpolation,
                                                INTERPOLATIONS)
        self.fill_mode = self._check_choice(name, "fill_mode", fill_mode, _FILL_MODES)
        self.fill_value = fill_value
        self.value_range = value_range
        self.seed = seed

    def get_random_transformation(self, data, training=True, seed=None):
        if not training or self.scale[1] == 0 or self.factor[1] == 0:
            return None
        images = data["images"] if isinstance(data, dict) else data
        n = images.shape[0]
        probability = self._uniform((n,), *self.factor)
        apply = self._uniform((n,)) < probability
        distortion = self._uniform((), *self.scale, dtype=self.compute_dtype)
        # the field's own seed, so images and masks of one call get the same field
        field_seed = int(self._uniform((), 0, 2**31 - 1).item())
        return {"apply_transform": apply, "distortion_factor": distortion, "seed": field_seed}

    def _warp(self, images, transformation, interpolation):
        height, width = self._hw(images.shape)
        distortion = float(backend.convert_to_numpy(
            backend.convert_to_tensor(transformation["distortion_factor"])))
        alpha = max(height, width) * 0.1 * distortion
        sigma = min(height, width) * 0.05 * distortion
        warped = kernels.elastic_transform(images, alpha=alpha, sigma=sigma,
                                           interpolation=interpolation, fill_mode=self.fill_mode,
                                           fill_value=self.fill_value,
                                           seed=transformation["seed"],
                                           data_format=self.data_format)
        apply = ops.reshape(backend.convert_to_tensor(transformation["apply_transform"]),
                            (-1, 1, 1, 1))
        return ops.where(apply, warped, images)

    def transform_images(self, images, transformation, training=True):
        images = backend.cast(backend.convert_to_tensor(images), self.compute_dtype)
        if not training or transformation is None:
            return images
        out = self._warp(images, transformation, self.interpolation)
        return ops.clip(out, self.value_range[0], self.value_range[1])

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        masks = backend.convert_to_tensor(segmentation_masks)
        if not training or transformation is None:
            return masks
        return self._warp(masks, transformation, "nearest")

    def get_config(self):
        cfg = super().get_config()
        cfg.update({"factor": self.factor, "scale": self.scale,
                    "interpolation": self.interpolation, "fill_mode": self.fill_mode,
                    "fill_value": self.fill_value, "value_range": self.value_range,
                    "seed": self.seed})
        return cfg
