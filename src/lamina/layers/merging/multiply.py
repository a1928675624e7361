"""Multiply: elementwise product of a list of tensors."""

from __future__ import annotations

from lamina.ops import kernels as ops  # the training path: no conversion
from lamina.layers.merging.base_merge import Merge, set_mask


class Multiply(Merge):
    """Product of the inputs; masked entries count as 1 (Keras 3).

    >>> import lamina
    >>> x = lamina.ops.full((2, 3), 2.0)
    >>> lamina.layers.Multiply()([x, x]).sum().item()
    24.0
    """

    def _merge_function(self, inputs, masks=None):
        masks = masks or [None] * len(inputs)
        if all(m is None for m in masks):
            out = inputs[0]
            for x in inputs[1:]:
                out = ops.multiply(out, x)
            return out
        all_masked = all(m is not None for m in masks)
        out = out_mask = None
        for x, mask in zip(inputs, masks):
            if mask is not None:
                mask = ops.broadcast_to(ops.expand_dims(mask, -1), tuple(x.shape))
                x = ops.where(mask, x, ops.ones_like(x))
                if all_masked:
                    out_mask = mask if out_mask is None else ops.logical_or(out_mask, mask)
            out = x if out is None else ops.multiply(out, x)
        if all_masked:
            out = ops.where(out_mask, out, ops.zeros_like(out))
            set_mask(out, ops.any(out_mask, axis=-1))
        return out


def multiply(inputs, **kwargs):
    """Functional form of ``Multiply``: ``multiply([x, y])``."""
    return Multiply(**kwargs)(inputs)
