"""GaussianNoise: add zero-centred Gaussian noise while training."""

from __future__ import annotations

from lamina.backend import nn
from lamina.layers.layer import Layer
from lamina.layers.regularization._noise import NoiseSource


class GaussianNoise(Layer):
    """``inputs + N(0, stddev)`` in training; the identity in inference.

    >>> import lamina
    >>> lamina.layers.GaussianNoise(0.1)(lamina.ops.ones((2, 2)), training=False).sum().item()
    4.0
    """

    supports_masking = True

    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not 0 <= stddev <= 1:
            raise ValueError(f"GaussianNoise: `stddev` must be in [0, 1], got {stddev!r}")
        self.stddev = stddev
        self.seed = seed
        self._noise = NoiseSource(seed)
        self.built = True

    def call(self, inputs, training=False):
        if training and self.stddev > 0:
            return inputs + nn.normal_like(inputs, 0.0, self.stddev, self._noise())
        return inputs

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        cfg = super().get_config()
        cfg.update({"stddev": self.stddev, "seed": self.seed})
        return cfg
