"""The shared part of the global (whole-extent) pooling layers."""

from __future__ import annotations

from lamina import config
from lamina.backend import conv as kernels
from lamina.layers.convolutional import arguments as args
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer


class BaseGlobalPooling(Layer):
    """Reduce every spatial axis (mean or max); ``keepdims=True`` keeps them as size 1."""

    rank = 2
    mode = "max"

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.data_format = config.standardize_data_format(data_format)
        self.keepdims = bool(keepdims)
        self.input_spec = InputSpec(ndim=self.rank + 2)
        self.built = True

    def call(self, inputs):
        return kernels.global_pool(inputs, self.mode, self.data_format, self.keepdims)

    def compute_output_shape(self, input_shape):
        _, channels = args.spatial(input_shape, self.data_format)
        if not self.keepdims:
            return (input_shape[0], channels)
        return args.assemble(input_shape[0], (1,) * self.rank, channels, self.data_format)

    def get_config(self):
        cfg = super().get_config()
        cfg.update({"data_format": self.data_format, "keepdims": self.keepdims})
        return cfg
