"""AlphaDropout: dropout that keeps SELU's self-normalizing mean and variance."""

from __future__ import annotations

from lamina.backend import nn
from lamina.layers.layer import Layer
from lamina.layers.regularization._noise import NoiseSource

_ALPHA = 1.6732632423543772848170429916717
_SCALE = 1.0507009873554804934193349852946


class AlphaDropout(Layer):
    """Set dropped inputs to SELU's negative saturation, then rescale to keep mean and variance.

    >>> import lamina
    >>> lamina.layers.AlphaDropout(0.2)(lamina.ops.ones((2, 2))).sum().item()
    4.0
    """

    supports_masking = True

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not 0 <= rate <= 1:
            raise ValueError(f"AlphaDropout: `rate` must be in [0, 1], got {rate!r}")
        self.rate = rate
        self.seed = seed
        self.noise_shape = noise_shape
        self._noise = NoiseSource(seed)
        self.built = True

    def call(self, inputs, training=False):
        if training and self.rate > 0:
            shape = tuple(inputs.shape) if self.noise_shape is None else tuple(self.noise_shape)
            kept = nn.keep_mask(inputs, shape, self.rate, self._noise())
            alpha_p = -_ALPHA * _SCALE
            a = ((1 - self.rate) * (1 + self.rate * alpha_p**2)) ** -0.5
            b = -a * alpha_p * self.rate
            x = inputs * kept + alpha_p * (1 - kept)
            return a * x + b
        return inputs

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        cfg = super().get_config()
        cfg.update({"rate": self.rate, "seed": self.seed, "noise_shape": self.noise_shape})
        return cfg
