"""Flatten: collapse all but the batch dimension."""

from __future__ import annotations

import math

from lamina import config
from lamina.ops import kernels as ops  # the training path: no conversion
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer


class Flatten(Layer):
    """``(batch, d1, d2, ...)`` -> ``(batch, d1*d2*...)``; channels_first data is moved last first.

    >>> import lamina
    >>> tuple(lamina.layers.Flatten()(lamina.ops.ones((2, 3, 4))).shape)
    (2, 12)
    """

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = config.standardize_data_format(data_format)
        self.input_spec = InputSpec(min_ndim=1)
        self.built = True

    def call(self, inputs):
        if self.data_format == "channels_first" and inputs.ndim > 2:
            inputs = ops.moveaxis(inputs, 1, -1)
        return ops.reshape(inputs, (inputs.shape[0], -1))

    def compute_output_shape(self, input_shape):
        rest = input_shape[1:]
        size = None if any(d is None for d in rest) else math.prod(rest)
        return (input_shape[0], size)

    def get_config(self):
        cfg = super().get_config()
        cfg["data_format"] = self.data_format
        return cfg
