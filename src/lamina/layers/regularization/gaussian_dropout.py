"""GaussianDropout: multiply by Gaussian noise centred on 1 while training."""

from __future__ import annotations

import math

from lamina.backend import nn
from lamina.layers.layer import Layer
from lamina.layers.regularization._noise import NoiseSource


class GaussianDropout(Layer):
    """``inputs * N(1, sqrt(rate / (1 - rate)))`` in training; the identity in inference.

    >>> import lamina
    >>> lamina.layers.GaussianDropout(0.2)(lamina.ops.ones((2, 2))).sum().item()
    4.0
    """

    supports_masking = True

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not 0 <= rate <= 1:
            raise ValueError(f"GaussianDropout: `rate` must be in [0, 1], got {rate!r}")
        self.rate = rate
        self.seed = seed
        self._noise = NoiseSource(seed)
        self.built = True

    def call(self, inputs, training=False):
        if training and self.rate > 0:
            stddev = math.sqrt(self.rate / (1.0 - self.rate))
            return inputs * nn.normal_like(inputs, 1.0, stddev, self._noise())
        return inputs

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        cfg = super().get_config()
        cfg.update({"rate": self.rate, "seed": self.seed})
        return cfg
