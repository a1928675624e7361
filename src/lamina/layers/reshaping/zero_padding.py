"""The shared part of ZeroPadding1D/2D/3D."""

from __future__ import annotations

from lamina import config
from lamina.backend import conv as kernels
from lamina.layers.convolutional import arguments as args
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer


class BaseZeroPadding(Layer):
    """Zeros added before and after each spatial axis: ``padding`` is ((before, after), ...)."""

    rank = 2

    def __init__(self, padding, data_format=None, **kwargs):
        super().__init__(**kwargs)
        owner = type(self).__name__
        self.data_format = config.standardize_data_format(data_format)
        if self.rank == 1:
            self.padding = args.standardize_tuple(padding, 2, "padding", owner, allow_zero=True)
            self._pairs = (self.padding,)
        else:
            self.padding = args.standardize_pairs(padding, self.rank, "padding", owner)
            self._pairs = self.padding
        self.input_spec = InputSpec(ndim=self.rank + 2)
        self.built = True

    def call(self, inputs):
        return kernels.pad_spatial(inputs, self._pairs, self.data_format)

    def compute_output_shape(self, input_shape):
        dims, channels = args.spatial(input_shape, self.data_format)
        out = [None if d is None else d + lo + hi for d, (lo, hi) in zip(dims, self._pairs)]
        return args.assemble(input_shape[0], out, channels, self.data_format)

    def get_config(self):
        cfg = super().get_config()
        cfg.update({"padding": self.padding, "data_format": self.data_format})
        return cfg
