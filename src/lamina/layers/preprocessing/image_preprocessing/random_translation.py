"""RandomTranslation: shift images by a random fraction of their size while training."""

from __future__ import annotations

from lamina.backend import core as backend
from lamina.backend import ops
from lamina.layers.preprocessing.image_preprocessing.base_affine_layer import BaseAffineLayer


class RandomTranslation(BaseAffineLayer):
    """Shifts each image by fractions of its height and width drawn from the factors.

    ``height_factor=0.2`` moves images up or down by up to 20% of their height; positive
    shifts move the content down (and right, for ``width_factor``).

    >>> import numpy as np, lamina
    >>> layer = lamina.layers.RandomTranslation(0, 0.5, fill_mode="constant")
    >>> x = np.arange(1, 5, dtype="float32").reshape(1, 1, 4, 1)
    >>> move = {"translations": np.array([[1.0, 0.0]], "float32")}
    >>> layer.transform_images(x, move).ravel().tolist()
    [0.0, 1.0, 2.0, 3.0]
    """

    _USE_BASE_FACTOR = False

    def __init__(self, height_factor, width_factor, fill_mode="reflect",
                 interpolation="bilinear", seed=None, fill_value=0.0, data_format=None,
                 **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.height_factor = height_factor
        self.height_lower, self.height_upper = self._shift_factor(height_factor, "height_factor")
        self.width_factor = width_factor
        self.width_lower, self.width_upper = self._shift_factor(width_factor, "width_factor")
        self.seed = seed
        self._set_warp_arguments(fill_mode, interpolation, fill_value)

    def _shift_factor(self, factor, name):
        lower, upper = self._check_factor(factor, name, bounds=(-1.0, 1.0))
        if isinstance(factor, (tuple, list)) and (min(factor) < -1.0 or max(factor) > 1.0):
            raise ValueError(f"RandomTranslation: `{name}` must be in [-1.0, 1.0]; "
                             f"received {name}={factor!r}")
        return lower, upper

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        images = data["images"] if isinstance(data, dict) else data
        height, width = self._hw(images.shape)
        shape = (images.shape[0], 1)
        dy = self._uniform(shape, self.height_lower, self.height_upper) * height
        dx = self._uniform(shape, self.width_lower, self.width_upper) * width
        return {"translations": ops.concatenate([dx, dy], axis=1),
                "input_shape": tuple(images.shape)}

    def _matrix(self, transformation, shape):
        moves = backend.convert_to_tensor(transformation["translations"], "float32")
        dx, dy = moves[:, 0], moves[:, 1]
        zeros, ones = ops.zeros_like(dx), ops.ones_like(dx)
        return ops.stack([ones, zeros, -dx, zeros, ones, -dy, zeros, zeros], axis=1)

    def get_config(self):
        cfg = super().get_config()
        cfg.update({"height_factor": self.height_factor, "width_factor": self.width_factor})
        return cfg
