"""RandomZoom: zoom images in or out by a random amount while training."""

from __future__ import annotations

from lamina.backend import core as backend
from lamina.backend import ops
from lamina.layers.preprocessing.image_preprocessing.base_affine_layer import BaseAffineLayer


class RandomZoom(BaseAffineLayer):
    """Zooms each image about its centre in training.

    ``height_factor=0.2`` draws a vertical zoom from [-20%, +20%]: positive values zoom out
    (the image shrinks, its borders filled per ``fill_mode``), negative ones zoom in.
    ``width_factor=None`` keeps the aspect ratio (the same draw for both axes).

    >>> import numpy as np, lamina
    >>> layer = lamina.layers.RandomZoom(0.5, fill_mode="constant", interpolation="nearest")
    >>> x = np.arange(1, 6, dtype="float32").reshape(1, 1, 5, 1)
    >>> zoom = {"height_zoom": np.ones((1, 1), "float32"),
    ...         "width_zoom": np.full((1, 1), 0.5, "float32")}
    >>> layer.transform_images(x, zoom).ravel().tolist()
    [2.0, 3.0, 3.0, 3.0, 4.0]
    """

    _USE_BASE_FACTOR = False

    def __init__(self, height_factor, width_factor=None, fill_mode="reflect",
                 interpolation="bilinear", seed=None, fill_value=0.0, data_format=None,
                 **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.height_factor = height_factor
        self.height_lower, self.height_upper = self._zoom_factor(height_factor, "height_factor")
        self.width_factor = width_factor
        if width_factor is not None:
            self.width_lower, self.width_upper = self._zoom_factor(width_factor, "width_factor")
        self.seed = seed
        self._set_warp_arguments(fill_mode, interpolation, fill_value)

    @staticmethod
    def _zoom_factor(factor, name):
        pair = isinstance(factor, (tuple, list))
        values = list(factor) if pair else [factor]
        # each given value in (-1, 1]: a zoom of -100% would divide by zero
        if (pair and len(values) != 2) or not all(
                isinstance(v, (int, float)) and not isinstance(v, bool) and -1.0 < v <= 1.0
                for v in values):
            raise ValueError(f"RandomZoom: `{name}` must be a number or a pair of numbers in "
                             f"(-1.0, 1.0]; received {name}={factor!r}")
        return tuple(sorted(values)) if pair else (-abs(factor), abs(factor))

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        images = data["images"] if isinstance(data, dict) else data
        shape = (images.shape[0], 1)
        height_zoom = self._uniform(shape, 1.0 + self.height_lower, 1.0 + self.height_upper)
        if self.width_factor is not None:
            width_zoom = self._uniform(shape, 1.0 + self.width_lower, 1.0 + self.width_upper)
        else:
            width_zoom = height_zoom
        return {"height_zoom": height_zoom, "width_zoom": width_zoom,
                "input_shape": tuple(images.shape)}

    def _matrix(self, transformation, shape):
        height, width = self._hw(shape)
        zx = ops.reshape(backend.convert_to_tensor(transformation["width_zoom"], "float32"), (-1,))
        zy = ops.reshape(backend.convert_to_tensor(transformation["height_zoom"], "float32"),
                         (-1,))
        zeros = ops.zeros_like(zx)
        # scale about the centre: x_in = zx * x_out + (W - 1) / 2 * (1 - zx)
        return ops.stack([zx, zeros, (width - 1.0) / 2.0 * (1.0 - zx), zeros, zy,
                          (height - 1.0) / 2.0 * (1.0 - zy), zeros, zeros], axis=1)

    def get_config(self):
        cfg = super().get_config()
        cfg.update({"height_factor": self.height_factor, "width_factor": self.width_factor})
        return cfg
