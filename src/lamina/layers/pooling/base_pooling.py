"""The shared part of the max and average pooling layers."""

from __future__ import annotations

from lamina import config
from lamina.backend import conv as kernels
from lamina.layers.convolutional import arguments as args
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer


class BasePooling(Layer):
    """Pool windows of ``pool_size`` every ``strides`` (default: ``pool_size``) cells."""

    rank = 2
    mode = "max"

    def __init__(self, pool_size, strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(**kwargs)
        owner = type(self).__name__
        self.pool_size = args.standardize_tuple(pool_size, self.rank, "pool_size", owner)
        self.strides = args.standardize_tuple(pool_size if strides is None else strides,
                                              self.rank, "strides", owner)
        self.padding = args.standardize_padding(padding, owner)
        self.data_format = config.standardize_data_format(data_format)
        self._pool = kernels.max_pool if self.mode == "max" else kernels.average_pool
        self.input_spec = InputSpec(ndim=self.rank + 2)
        self.built = True

    def call(self, inputs):
        return self._pool(inputs, self.pool_size, self.strides, self.padding, self.data_format)

    def compute_output_shape(self, input_shape):
        dims, channels = args.spatial(input_shape, self.data_format)
        out = []
        for n, k, s in zip(dims, self.pool_size, self.strides):
            size = args.conv_output_length(n, k, s, self.padding)
            if size is not None and size <= 0:
                raise ValueError(
                    f"Layer '{self.name}' ({type(self).__name__}): pool_size={self.pool_size} "
                    f"is larger than the input {tuple(input_shape)} with padding='valid'; use "
                    "a smaller pool_size or padding='same'."
                )
            out.append(size)
        return args.assemble(input_shape[0], out, channels, self.data_format)

    def get_config(self):
        cfg = super().get_config()
        cfg.update({
            "pool_size": self.pool_size,
            "padding": self.padding,
            "strides": self.strides,
            "data_format": self.data_format,
        })
        return cfg
