"""Minimum: elementwise minimum of a list of tensors."""

from __future__ import annotations

from lamina.ops import kernels as ops  # the training path: no conversion
from lamina.layers.merging.base_merge import Merge


class Minimum(Merge):
    """Elementwise minimum of the inputs; masked entries are ignored.

    >>> import lamina
    >>> x = lamina.ops.ones((1, 2))
    >>> lamina.layers.Minimum()([x, 3 * x]).tolist()
    [[1.0, 1.0]]
    """

    def _merge_function(self, inputs, masks=None):
        return self._masked_merge(ops.minimum, inputs, masks or [None] * len(inputs))


def minimum(inputs, **kwargs):
    """Functional form of ``Minimum``: ``minimum([x, y])``."""
    return Minimum(**kwargs)(inputs)
