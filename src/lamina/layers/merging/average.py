"""Average: elementwise mean of a list of tensors."""

from __future__ import annotations

from lamina.ops import kernels as ops  # the training path: no conversion
from lamina.layers.merging.base_merge import Merge


class Average(Merge):
    """Mean of the inputs.

    >>> import lamina
    >>> x = lamina.ops.ones((1, 2))
    >>> lamina.layers.Average()([x, 3 * x]).tolist()
    [[2.0, 2.0]]
    """

    def _merge_function(self, inputs, masks=None):
        out = inputs[0]
        for x in inputs[1:]:
            out = ops.add(out, x)
        return out / len(inputs)


def average(inputs, **kwargs):
    """Functional form of ``Average``: ``average([x, y])``."""
    return Average(**kwargs)(inputs)
