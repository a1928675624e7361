"""UpSampling1D: repeat each step ``size`` times."""

from __future__ import annotations

from lamina.ops import kernels as ops  # the training path: no conversion
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer


class UpSampling1D(Layer):
    """``(batch, steps, features)`` -> ``(batch, steps * size, features)``, each step repeated.

    >>> import lamina
    >>> tuple(lamina.layers.UpSampling1D(3)(lamina.ops.ones((2, 4, 5))).shape)
    (2, 12, 5)
    """

    def __init__(self, size=2, **kwargs):
        super().__init__(**kwargs)
        if isinstance(size, bool) or not isinstance(size, int):
            raise TypeError(f"UpSampling1D: `size` must be an int; received size={size!r}")
        if size <= 0:
            raise ValueError(f"UpSampling1D: `size` must be positive; received size={size}")
        self.size = size
        self.input_spec = InputSpec(ndim=3)
        self.built = True

    def call(self, inputs):
        return ops.repeat(inputs, self.size, axis=1)

    def compute_output_shape(self, input_shape):
        steps = None if input_shape[1] is None else input_shape[1] * self.size
        return (input_shape[0], steps, input_shape[2])

    def get_config(self):
        cfg = super().get_config()
        cfg["size"] = self.size
        return cfg
