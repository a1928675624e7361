"""Add: elementwise sum of a list of tensors."""

from __future__ import annotations

from lamina.ops import kernels as ops  # the training path: no conversion
from lamina.layers.merging.base_merge import Merge


class Add(Merge):
    """Sum of the inputs (same shapes, or shapes that broadcast).

    >>> import lamina
    >>> lamina.layers.Add()([lamina.ops.ones((2, 3)), lamina.ops.ones((2, 3))]).sum().item()
    12.0
    """

    def _merge_function(self, inputs, masks=None):
        out = inputs[0]
        for x in inputs[1:]:
            out = ops.add(out, x)
        return out


def add(inputs, **kwargs):
    """Functional form of ``Add``: ``add([x, y])``."""
    return Add(**kwargs)(inputs)
