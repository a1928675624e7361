"""Subtract: the difference of exactly two tensors."""

from __future__ import annotations

from lamina.ops import kernels as ops  # the training path: no conversion
from lamina.layers.merging.base_merge import Merge


class Subtract(Merge):
    """``inputs[0] - inputs[1]``.

    >>> import lamina
    >>> x = lamina.ops.ones((2, 3))
    >>> lamina.layers.Subtract()([x, x]).sum().item()
    0.0
    """

    def build(self, input_shape):
        super().build(input_shape)
        if len(input_shape) != 2:
            self._fail(f"should be called on exactly 2 inputs, received {len(input_shape)}.")

    def _merge_function(self, inputs, masks=None):
        if len(inputs) != 2:
            self._fail(f"should be called on exactly 2 inputs, received {len(inputs)}.")
        return ops.subtract(inputs[0], inputs[1])


def subtract(inputs, **kwargs):
    """Functional form of ``Subtract``: ``subtract([x, y])``."""
    return Subtract(**kwargs)(inputs)
