"""Dot: batched dot products between samples of two tensors."""

from __future__ import annotations

from lamina import config
from lamina.ops import kernels as ops  # the training path: no conversion
from lamina.backend import nn
from lamina.layers.merging.base_merge import Merge


def batch_dot(x, y, axes):
    """Per-sample dot product of ``x`` and ``y`` over ``axes`` (Keras' ``batch_dot``).

    The result has x's axes (without the reduced one) followed by y's (without batch and the
    reduced one); two rank-2 inputs give shape ``(batch, 1)``.
    """
    a0, a1 = axes
    xm = ops.moveaxis(x, a0, -1)
    ym = ops.moveaxis(y, a1, 1)
    x_rest = tuple(xm.shape[1:-1])
    y_rest = tuple(ym.shape[2:])
    batch, d = xm.shape[0], xm.shape[-1]
    out = ops.matmul(ops.reshape(xm, (batch, -1, d)), ops.reshape(ym, (batch, d, -1)))
    shape = (batch,) + x_rest + y_rest
    if len(shape) == 1:
        shape = (batch, 1)
    return ops.reshape(out, shape)


class Dot(Merge):
    """Dot product of two inputs along ``axes`` (one int, or one axis per input).

    With ``normalize=True`` the inputs are L2-normalized along those axes first, so the
    result is the cosine similarity.

    >>> import lamina
    >>> x = lamina.ops.ones((2, 3))
    >>> lamina.layers.Dot(axes=1)([x, x]).tolist()
    [[3.0], [3.0]]
    """

    def __init__(self, axes, normalize=False, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(axes, int):
            if not isinstance(axes, (list, tuple)):
                raise TypeError(
                    f"Dot: `axes` should be an int or a list of two ints, got {axes!r}.")
            if len(axes) != 2:
                raise ValueError(f"Dot: `axes` should contain two elements, got {axes!r}.")
            if not isinstance(axes[0], int) or not isinstance(axes[1], int):
                raise ValueError(f"Dot: `axes` elements should be integers, got {axes!r}.")
        self.axes = axes
        self.normalize = normalize

    def _axes_for(self, rank1, rank2):
        if isinstance(self.axes, int):
            if self.axes < 0:
                return [self.axes % rank1, self.axes % rank2]
            return [self.axes] * 2
        return [a % r if a < 0 else a for a, r in zip(self.axes, (rank1, rank2))]

    def build(self, input_shape):
        if not isinstance(input_shape, (list, tuple)) or len(input_shape) != 2 or not isinstance(
            input_shape[0], (list, tuple)
        ):
            self._fail(f"should be called on a list of 2 inputs; received {input_shape}.")
        shape1, shape2 = input_shape
        if shape1 is None or shape2 is None:
            self.built = True
            return
        if len(shape1) < 2 or len(shape2) < 2:
            self._fail(
                f"needs inputs of rank >= 2 (batch first); received shapes {tuple(shape1)} "
                f"and {tuple(shape2)}.")
        a0, a1 = self._axes_for(len(shape1), len(shape2))
        if a0 == 0 or a1 == 0:
            self._fail("cannot take the dot product over the batch axis (axis 0).")
        if shape1[a0] is not None and shape2[a1] is not None and shape1[a0] != shape2[a1]:
            self._fail(
                f"incompatible input shapes: size {shape1[a0]} (at axis {a0}) != {shape2[a1]} "
                f"(at axis {a1}). Full input shapes: {tuple(shape1)}, {tuple(shape2)}."
            )
        self.built = True

    def _merge_function(self, inputs, masks=None):
        if len(inputs) != 2:
            self._fail(f"should be called on exactly 2 inputs, received {len(inputs)}.")
        x1, x2 = inputs
        axes = self._axes_for(x1.ndim, x2.ndim)
        if self.normalize:
            x1 = nn.l2_normalize(x1, axes[0], config.epsilon())
            x2 = nn.l2_normalize(x2, axes[1], config.epsilon())
        return batch_dot(x1, x2, axes)

    def compute_output_shape(self, input_shape):
        if not isinstance(input_shape, (list, tuple)) or len(input_shape) != 2:
            self._fail(f"should be called on a list of 2 inputs; received {input_shape}.")
        shape1, shape2 = list(input_shape[0]), list(input_shape[1])
        a0, a1 = self._axes_for(len(shape1), len(shape2))
        shape1.pop(a0)
        shape2.pop(a1)
        shape2.pop(0)
        out = shape1 + shape2
        if len(out) == 1:
            out += [1]
        return tuple(out)

    def compute_mask(self, inputs, mask=None):
        return None

    def get_config(self):
        cfg = super().get_config()
        cfg.update({"axes": self.axes, "normalize": self.normalize})
        return cfg


def dot(inputs, axes=-1, **kwargs):
    """Functional form of ``Dot``: ``dot([x, y], axes=1)``."""
    return Dot(axes=axes, **kwargs)(inputs)
