"""UpSampling2D: enlarge images by integer factors (nearest, bilinear or bicubic)."""

from __future__ import annotations

from lamina import config
from lamina.backend import conv as kernels
from lamina.layers.convolutional import arguments as args
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer

_INTERPOLATIONS = ("nearest", "bilinear", "bicubic")


class UpSampling2D(Layer):
    """Rows repeated ``size[0]`` times and columns ``size[1]`` times (or interpolated).

    >>> import lamina
    >>> tuple(lamina.layers.UpSampling2D((2, 3))(lamina.ops.ones((1, 4, 5, 3))).shape)
    (1, 8, 15, 3)
    """

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(**kwargs)
        self.data_format = config.standardize_data_format(data_format)
        self.size = args.standardize_tuple(size, 2, "size", "UpSampling2D")
        self.interpolation = str(interpolation).lower()
        if self.interpolation not in _INTERPOLATIONS:
            raise ValueError(
                f"UpSampling2D: `interpolation` must be one of {_INTERPOLATIONS} on lamina's "
                f"torch backend; received interpolation={interpolation!r}"
            )
        self.input_spec = InputSpec(ndim=4)
        self.built = True

    def call(self, inputs):
        return kernels.upsample(inputs, self.size, self.interpolation, self.data_format)

    def compute_output_shape(self, input_shape):
        dims, channels = args.spatial(input_shape, self.data_format)
        out = [None if d is None else d * s for d, s in zip(dims, self.size)]
        return args.assemble(input_shape[0], out, channels, self.data_format)

    def get_config(self):
        cfg = super().get_config()
        cfg.update({"size": self.size, "data_format": self.data_format,
                    "interpolation": self.interpolation})
        return cfg
