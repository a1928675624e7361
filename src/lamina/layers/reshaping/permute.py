"""Permute: reorder the non-batch axes."""

from __future__ import annotations

from lamina.ops import kernels as ops  # the training path: no conversion
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer


class Permute(Layer):
    """``dims`` is a permutation of 1..n (the batch axis 0 stays first).

    >>> import lamina
    >>> tuple(lamina.layers.Permute((2, 1))(lamina.ops.ones((2, 3, 4))).shape)
    (2, 4, 3)
    """

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        self.dims = tuple(dims)
        if sorted(self.dims) != list(range(1, len(self.dims) + 1)):
            raise ValueError(
                "Permute: `dims` must be a permutation of 1..n (the batch axis is not "
                f"included); received dims={dims!r}"
            )
        self.input_spec = InputSpec(ndim=len(self.dims) + 1)
        self._axes = (0,) + self.dims
        self.built = True

    def call(self, inputs):
        return ops.transpose(inputs, self._axes)

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + tuple(input_shape[d] for d in self.dims)

    def get_config(self):
        cfg = super().get_config()
        cfg["dims"] = self.dims
        return cfg
