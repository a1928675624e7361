"""UnitNormalization: scale each sample to unit L2 norm along ``axis``."""

from __future__ import annotations

from lamina.backend import nn
from lamina.layers.layer import Layer
from lamina.layers.normalization._common import axis_argument, check_axes


class UnitNormalization(Layer):
    """``x / max(||x||_2, 1e-12)`` along ``axis`` (an int or a list of ints).

    >>> import lamina
    >>> lamina.layers.UnitNormalization()(lamina.ops.convert_to_tensor([[3.0, 4.0]])).tolist()
    [[0.6000000238418579, 0.800000011920929]]
    """

    supports_masking = True

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis_argument("UnitNormalization", axis)
        self.built = True

    def call(self, inputs):
        return nn.l2_normalize(inputs, self.axis, 1e-12)

    def compute_output_shape(self, input_shape):
        check_axes(self, self.axis, input_shape)
        return tuple(input_shape)

    def get_config(self):
        cfg = super().get_config()
        cfg["axis"] = self.axis
        return cfg
