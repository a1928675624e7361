"""RMSNormalization: scale each sample by the root mean square of its features."""

from __future__ import annotations

from lamina.backend import core as backend
from lamina.backend import nn
from lamina.layers.layer import Layer
from lamina.layers.normalization._common import at_least_float32, check_axes, sorted_axes


class RMSNormalization(Layer):
    """``x * rsqrt(mean(x**2, axis) + epsilon) * scale`` (Zhang and Sennrich, 2019).

    >>> import lamina
    >>> tuple(lamina.layers.RMSNormalization()(lamina.ops.ones((2, 3))).shape)
    (2, 3)
    """

    def __init__(self, axis=-1, epsilon=1e-6, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis
        self.epsilon = epsilon

    def build(self, input_shape):
        shape = sorted_axes(self, input_shape)
        self.scale = self.add_weight(name="scale", shape=shape, initializer="ones")
        self.built = True

    def call(self, inputs):
        x = at_least_float32(inputs)
        scale = self.scale if self.scale.dtype == x.dtype else backend.cast(
            self.scale, backend.dtype_of(x))
        out = nn.rms_normalization(x, scale, self.axis, self.epsilon)
        if out.dtype != inputs.dtype and inputs.is_floating_point():
            out = out.to(inputs.dtype)
        return out

    def compute_output_shape(self, input_shape):
        check_axes(self, self.axis, input_shape)
        return tuple(input_shape)

    def get_config(self):
        cfg = super().get_config()
        cfg.update({"axis": self.axis, "epsilon": self.epsilon})
        return cfg
