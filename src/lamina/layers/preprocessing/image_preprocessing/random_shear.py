"""RandomShear: slant images along x and/or y by a random amount while training."""

from __future__ import annotations

from lamina.backend import core as backend
from lamina.backend import ops
from lamina.layers.preprocessing.image_preprocessing.base_affine_layer import BaseAffineLayer


def _shear_factor(factor, name):
    pair = isinstance(factor, (tuple, list))
    values = list(factor) if pair else [factor]
    # a pair may be negative: that is what get_config stores for a number (Keras refuses its
    # own saved configs here)
    low = -1 if pair else 0
    if (pair and len(values) != 2) or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and low <= v <= 1
            for v in values):
        raise ValueError(f"RandomShear: `{name}` must be a number in [0, 1] or a pair in "
                         f"[-1, 1]; received {name}={factor!r}")
    return tuple(sorted(values)) if pair else (-abs(factor), abs(factor))


class RandomShear(BaseAffineLayer):
    """Shears each image: an input point ``(x + s_x * y, y + s_y * x)`` lands on ``(x, y)``,
    ``s_x``/``s_y`` drawn from ``x_factor``/``y_factor`` (a number ``f`` means [-f, f]) and
    their sign flipped together by a fair coin.

    >>> import numpy as np, lamina
    >>> layer = lamina.layers.RandomShear(x_factor=0.5, fill_mode="constant")
    >>> x = np.ones((1, 4, 4, 1), "float32")
    >>> out = layer.transform_images(x, {"shear_factor": np.array([[1.0, 0.0]], "float32")})
    >>> out[0, :, :, 0].tolist()[-1]
    [1.0, 0.0, 0.0, 0.0]
    """

    _USE_BASE_FACTOR = False

    def __init__(self, x_factor=0.0, y_factor=0.0, interpolation="bilinear",
                 fill_mode="reflect", fill_value=0.0, data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.x_factor = _shear_factor(x_factor, "x_factor")
        self.y_factor = _shear_factor(y_factor, "y_factor")
        # the config keeps the arguments as given: Keras refuses the (-f, f) pairs it stores
        self._factor_arguments = (x_factor, y_factor)
        self.seed = seed
        self._set_warp_arguments(fill_mode, interpolation, fill_value)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        images = data["images"] if isinstance(data, dict) else data
        shape = (images.shape[0], 1)
        sign = ops.where(self._uniform(shape) > 0.5, -1.0, 1.0)
        shear_y = self._uniform(shape, *self.y_factor, dtype=self.compute_dtype)
        shear_x = self._uniform(shape, *self.x_factor, dtype=self.compute_dtype)
        return {"shear_factor": ops.concatenate([shear_x, shear_y], axis=1) * sign,
                "input_shape": tuple(images.shape)}

    def _matrix(self, transformation, shape):
        shear = backend.convert_to_tensor(transformation["shear_factor"], "float32")
        zeros, ones = ops.zeros_like(shear[:, 0]), ops.ones_like(shear[:, 0])
        return ops.stack([ones, shear[:, 0], zeros, shear[:, 1], ones, zeros, zeros, zeros],
                         axis=1)

    def get_config(self):
        cfg = super().get_config()
        x_factor, y_factor = self._factor_arguments
        cfg.update({"x_factor": x_factor, "y_factor": y_factor})
        return cfg
