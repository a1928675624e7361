"""Merge: the base of the layers that combine a list of tensors (Add, Concatenate, ...).

Masks follow Keras 3: an input's mask travels on the tensor (``_keras_mask``); the merged
output is masked where ANY input is unmasked (logical OR), and only when every input has a
mask. Maximum/Minimum/Multiply also skip masked entries when combining values.
"""

from __future__ import annotations

from lamina.ops import kernels as ops  # the training path: no conversion
from lamina.layers.layer import Layer


def get_mask(x):
    return getattr(x, "_keras_mask", None)


def set_mask(x, mask):
    try:
        x._keras_mask = mask
    except AttributeError:  # pragma: no cover - engine tensors that refuse attributes
        pass


class Merge(Layer):
    """Base class of merge layers: checks the list of inputs, broadcasts ranks, merges."""

    supports_masking = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._reshape_required = False

    def _merge_function(self, inputs):
        raise NotImplementedError

    def _fail(self, message):
        raise ValueError(f"Layer '{self.name}' ({type(self).__name__}): {message}")

    def _check_list(self, input_shape, at_least=1):
        if not isinstance(input_shape, (list, tuple)) or not input_shape or not isinstance(
            input_shape[0], (list, tuple)
        ):
            self._fail(
                "a merge layer should be called on a list of tensors; received input shape "
                f"{input_shape}. Pass a list, e.g. layer([x, y])."
            )
        if len(input_shape) < at_least:
            self._fail(f"expects at least {at_least} inputs, received {len(input_shape)}.")

    def _elementwise_shape(self, shape1, shape2):
        """Broadcast two shapes (without batch) as NumPy does, refusing incompatible sizes."""
        if shape1 is None or shape2 is None:
            return None
        if len(shape1) < len(shape2):
            shape1, shape2 = shape2, shape1
        if not shape2:
            return tuple(shape1)
        out = list(shape1[: len(shape1) - len(shape2)])
        for i, j in zip(shape1[len(shape1) - len(shape2):], shape2):
            if i is None or j is None:
                out.append(None)
            elif i == 1:
                out.append(j)
            elif j == 1 or i == j:
                out.append(i)
            else:
                self._fail(
                    f"inputs have incompatible shapes {tuple(shape1)} and {tuple(shape2)} "
                    "(batch axis left out): sizes must match or be 1."
                )
        return tuple(out)

    def build(self, input_shape):
        self._check_list(input_shape)
        batch_sizes = {s[0] for s in input_shape if s} - {None}
        if len(batch_sizes) > 1:
            self._fail(
                "cannot merge tensors with different batch sizes; received shapes "
                f"{[tuple(s) for s in input_shape]}."
            )
        out = tuple(input_shape[0][1:]) if input_shape[0] is not None else None
        for s in input_shape[1:]:
            out = self._elementwise_shape(out, None if s is None else tuple(s[1:]))
        self._reshape_required = not (
            None not in input_shape and len({len(s) for s in input_shape}) == 1
        )
        self.built = True

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)):
            self._fail(
                "a merge layer should be called on a list of tensors; received one tensor of "
                f"shape {tuple(inputs.shape)}."
            )
        masks = [get_mask(x) for x in inputs]
        if self._reshape_required:
            max_ndim = max(x.ndim for x in inputs)
            expanded = []
            for x in inputs:
                for _ in range(max_ndim - x.ndim):
                    x = ops.expand_dims(x, 1)
                expanded.append(x)
            out = self._merge_function(expanded, [None] * len(inputs))
        else:
            out = self._merge_function(inputs, masks)
        if any(m is not None for m in masks) and get_mask(out) is None:
            out_mask = self.compute_mask(inputs, masks)
            if out_mask is not None:
                set_mask(out, out_mask)
        return out

    def _masked_merge(self, op, inputs, masks):
        """Combine with ``op``, taking values only from unmasked entries (Maximum, Minimum)."""
        output = output_mask = None
        for x, mask in zip(inputs, masks):
            if mask is not None:
                mask = ops.broadcast_to(ops.expand_dims(mask, -1), tuple(x.shape))
            if output is None:
                output, output_mask = x, mask
                continue
            if mask is not None:
                x = ops.where(mask, x, output)
            if output_mask is not None:
                output = ops.where(output_mask, output, x)
            if mask is not None and output_mask is not None:
                output_mask = ops.logical_or(output_mask, mask)
            else:
                output_mask = None
            output = op(output, x)
        if output_mask is not None:
            set_mask(output, ops.any(output_mask, axis=-1))
        return output

    def compute_output_shape(self, input_shape):
        self._check_list(input_shape)
        out = tuple(input_shape[0][1:]) if input_shape[0] is not None else None
        for s in input_shape[1:]:
            out = self._elementwise_shape(out, None if s is None else tuple(s[1:]))
        batch_sizes = {s[0] for s in input_shape if s is not None} - {None}
        batch = next(iter(batch_sizes)) if len(batch_sizes) == 1 else None
        return (batch,) + tuple(out)

    def compute_mask(self, inputs, mask=None):
        if mask is None:
            return None
        if not isinstance(mask, (list, tuple)):
            self._fail(f"`mask` should be a list, received {mask!r}.")
        if not isinstance(inputs, (list, tuple)):
            self._fail("`inputs` should be a list.")
        if len(mask) != len(inputs):
            self._fail(
                f"the lists of inputs ({len(inputs)}) and masks ({len(mask)}) should have "
                "the same length."
            )
        if any(m is None for m in mask):
            return None
        out = mask[0]
        for m in mask[1:]:
            out = ops.logical_or(out, m)
        return out
