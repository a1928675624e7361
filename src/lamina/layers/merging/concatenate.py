"""Concatenate: join a list of tensors along one axis."""

from __future__ import annotations

from lamina.ops import kernels as ops  # the training path: no conversion
from lamina.layers.merging.base_merge import Merge


class Concatenate(Merge):
    """Concatenation of the inputs along ``axis`` (all other sizes must match).

    Masks are concatenated too (an input without a mask counts as all unmasked).

    >>> import lamina
    >>> layer = lamina.layers.Concatenate()
    >>> tuple(layer([lamina.ops.ones((2, 3)), lamina.ops.ones((2, 4))]).shape)
    (2, 7)
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def build(self, input_shape):
        if not isinstance(input_shape, (list, tuple)) or not input_shape or not isinstance(
            input_shape[0], (list, tuple)
        ):
            self._fail(
                "should be called on a list of at least 1 input; received input shape "
                f"{input_shape}."
            )
        if all(s is None for s in input_shape):
            self.built = True
            return
        ranks = {len(s) for s in input_shape}
        if len(ranks) != 1:
            self._fail(self._mismatch(input_shape))
        rank = ranks.pop()
        if not -rank <= self.axis < rank:
            self._fail(f"axis {self.axis} is out of range for inputs of rank {rank}.")
        axis = self.axis % rank
        for d in range(rank):
            if d == axis:
                continue
            sizes = {s[d] for s in input_shape if s[d] is not None}
            if len(sizes) > 1:
                self._fail(self._mismatch(input_shape))
        self.built = True

    @staticmethod
    def _mismatch(input_shape):
        return (
            "inputs must have matching shapes except along the concatenation axis; received "
            f"shapes {[tuple(s) for s in input_shape]}."
        )

    def _merge_function(self, inputs, masks=None):
        return ops.concatenate(list(inputs), axis=self.axis)

    def compute_output_shape(self, input_shape):
        if not isinstance(input_shape, (list, tuple)) or not isinstance(
            input_shape[0], (list, tuple)
        ):
            self._fail(f"should be called on a list of inputs; received {input_shape}.")
        out = list(input_shape[0])
        for s in input_shape[1:]:
            if out[self.axis] is None or s[self.axis] is None:
                out[self.axis] = None
                break
            out[self.axis] += s[self.axis]
        return tuple(out)

    def compute_mask(self, inputs, mask=None):
        if mask is None:
            return None
        if not isinstance(mask, (list, tuple)) or not isinstance(inputs, (list, tuple)):
            self._fail("`inputs` and `mask` should be lists.")
        if len(mask) != len(inputs):
            self._fail(
                f"the lists of inputs ({len(inputs)}) and masks ({len(mask)}) should have "
                "the same length."
            )
        if all(m is None for m in mask):
            return None
        full = []
        for x, m in zip(inputs, mask):
            if m is None:
                full.append(ops.ones(tuple(x.shape), dtype="bool"))
            elif m.ndim < x.ndim:
                full.append(ops.broadcast_to(ops.expand_dims(m, -1), tuple(x.shape)))
            else:
                full.append(m)
        return ops.any(ops.concatenate(full, axis=self.axis), axis=-1)

    def get_config(self):
        cfg = super().get_config()
        cfg["axis"] = self.axis
        return cfg


def concatenate(inputs, axis=-1, **kwargs):
    """Functional form of ``Concatenate``: ``concatenate([x, y], axis=-1)``."""
    return Concatenate(axis=axis, **kwargs)(inputs)
