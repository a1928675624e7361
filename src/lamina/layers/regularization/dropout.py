"""Dropout: zero a fraction of inputs while training."""

from __future__ import annotations

from lamina.backend import nn
from lamina.layers.layer import Layer


class Dropout(Layer):
    """Sets inputs to 0 with probability ``rate`` in training, scaling the rest by 1/(1-rate).

    >>> import lamina
    >>> lamina.layers.Dropout(0.5)(lamina.ops.ones((2, 2)), training=False).sum().item()
    4.0
    """

    supports_masking = True

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not 0 <= rate <= 1:
            raise ValueError(f"Dropout: `rate` must be in [0, 1], got {rate!r}")
        self.rate = float(rate)
        self.noise_shape = tuple(noise_shape) if noise_shape is not None else None
        self.seed = seed
        self.built = True

    def call(self, inputs, training=False):
        if training and self.rate > 0:
            return nn.dropout(inputs, self.rate, self.noise_shape)
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        cfg = super().get_config()
        cfg.update({"rate": self.rate, "seed": self.seed,
                    "noise_shape": list(self.noise_shape) if self.noise_shape else None})
        return cfg
