"""RepeatVector: repeat a vector n times along a new time axis."""

from __future__ import annotations

from lamina.ops import kernels as ops  # the training path: no conversion
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer


class RepeatVector(Layer):
    """``(batch, features)`` -> ``(batch, n, features)``.

    >>> import lamina
    >>> tuple(lamina.layers.RepeatVector(3)(lamina.ops.ones((2, 5))).shape)
    (2, 3, 5)
    """

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        if isinstance(n, bool) or not isinstance(n, int):
            raise TypeError(f"RepeatVector: `n` must be an int; received n={n!r}")
        if n <= 0:
            raise ValueError(f"RepeatVector: `n` must be positive; received n={n}")
        self.n = n
        self.input_spec = InputSpec(ndim=2)
        self.built = True

    def call(self, inputs):
        return ops.repeat(ops.expand_dims(inputs, 1), self.n, axis=1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.n, input_shape[1])

    def get_config(self):
        cfg = super().get_config()
        cfg["n"] = self.n
        return cfg
