"""Maximum: elementwise maximum of a list of tensors."""

from __future__ import annotations

from lamina.ops import kernels as ops  # the training path: no conversion
from lamina.layers.merging.base_merge import Merge


class Maximum(Merge):
    """Elementwise maximum of the inputs; masked entries are ignored.

    >>> import lamina
    >>> x = lamina.ops.ones((1, 2))
    >>> lamina.layers.Maximum()([x, 3 * x]).tolist()
    [[3.0, 3.0]]
    """

    def _merge_function(self, inputs, masks=None):
        return self._masked_merge(ops.maximum, inputs, masks or [None] * len(inputs))


def maximum(inputs, **kwargs):
    """Functional form of ``Maximum``: ``maximum([x, y])``."""
    return Maximum(**kwargs)(inputs)
