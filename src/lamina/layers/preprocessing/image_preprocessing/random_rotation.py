"""RandomRotation: turn images by a random angle about their centre while training."""

from __future__ import annotations

from lamina.backend import core as backend
from lamina.layers.preprocessing.image_preprocessing.base_affine_layer import BaseAffineLayer


class RandomRotation(BaseAffineLayer):
    """Rotates each image by an angle drawn from ``factor * 360`` degrees in training.

    ``factor=0.1`` draws from [-36, 36] degrees; ``factor=(-0.1, 0.2)`` from [-36, 72].
    Positive angles turn counter-clockwise.

    >>> import numpy as np, lamina
    >>> x = np.eye(3, dtype="float32")[None, :, :, None]
    >>> layer = lamina.layers.RandomRotation(0.5, fill_mode="constant")
    >>> out = layer.transform_images(x, {"angle": np.array([90.0], "float32")})
    >>> out[0, :, :, 0].round().tolist()
    [[0.0, 0.0, 1.0], [0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]
    """

    def __init__(self, factor, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, data_format=None, **kwargs):
        super().__init__(factor=factor, data_format=data_format, **kwargs)
        self.seed = seed
        self._set_warp_arguments(fill_mode, interpolation, fill_value)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        images = data["images"] if isinstance(data, dict) else data
        height, width = self._hw(images.shape)
        angle = self._uniform((images.shape[0],), self.factor[0] * 360.0,
                              self.factor[1] * 360.0)
        return {"angle": angle, "rotation_matrix": self._affine_matrix(height, width, angle),
                "image_height": height, "image_width": width, "batch_size": images.shape[0],
                "input_shape": tuple(images.shape)}

    def _matrix(self, transformation, shape):
        if "rotation_matrix" in transformation:
            return backend.convert_to_tensor(transformation["rotation_matrix"], "float32")
        height, width = self._hw(shape)
        angle = backend.convert_to_tensor(transformation["angle"], "float32")
        return self._affine_matrix(height, width, angle)

    def get_config(self):
        cfg = super().get_config()
        cfg["factor"] = self.factor
        return cfg
