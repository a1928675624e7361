"""ELU: the exponential linear unit as a layer."""

from __future__ import annotations

from lamina import activations
from lamina.layers.layer import Layer


class ELU(Layer):
    """``x`` for ``x >= 0``, ``alpha * (exp(x) - 1)`` below.

    >>> import lamina
    >>> round(lamina.layers.ELU()(lamina.ops.convert_to_tensor([-1.0]))[0].item(), 4)
    -0.6321
    """

    supports_masking = True

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = alpha
        self.built = True

    def call(self, inputs):
        return activations.elu(inputs, alpha=self.alpha)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        cfg = super().get_config()
        cfg["alpha"] = self.alpha
        return cfg
