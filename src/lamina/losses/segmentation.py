"""Overlap losses for segmentation: Dice and Tversky (1 minus an overlap score).

>>> from lamina import losses
>>> losses.dice([[1.0, 0.0]], [[1.0, 0.0]])   # perfect overlap
tensor(0.)
"""

from __future__ import annotations

from lamina import config
from lamina.ops import kernels as ops  # the training path: no conversion
from lamina.backend import core
from lamina.losses.wrapper import _BuiltinLoss


def _prepare(y_true, y_pred):
    y_pred = core.convert_to_tensor(y_pred)
    return ops.cast(core.convert_to_tensor(y_true), ops.dtype(y_pred)), y_pred


def dice(y_true, y_pred, axis=None):
    """``1 - 2 sum(y_true * y_pred) / (sum(y_true) + sum(y_pred) + eps)``, summed over ``axis``
    (``None``: everything, one value for the batch).

    >>> dice([[1.0, 1.0]], [[1.0, 0.0]], axis=-1)
    tensor([0.3333])
    """
    y_true, y_pred = _prepare(y_true, y_pred)
    intersection = ops.sum(y_true * y_pred, axis=axis)
    total = ops.sum(y_true, axis=axis) + ops.sum(y_pred, axis=axis) + config.epsilon()
    return 1 - 2.0 * intersection / total


def tversky(y_true, y_pred, alpha=0.5, beta=0.5, axis=None):
    """``1 - TP / (TP + alpha FP + beta FN + eps)`` (soft counts), summed over ``axis``.

    With ``alpha = beta = 0.5`` this is the Dice loss.

    >>> tversky([[1.0, 1.0]], [[1.0, 0.0]], axis=-1)
    tensor([0.3333])
    """
    y_true, y_pred = _prepare(y_true, y_pred)
    intersection = ops.sum(y_true * y_pred, axis=axis)
    # Keras' naming: "fp" sums the labels the prediction misses, "fn" the reverse
    fp = ops.sum((1 - y_pred) * y_true, axis=axis)
    fn = ops.sum(y_pred * (1 - y_true), axis=axis)
    return 1 - intersection / (intersection + fp * alpha + fn * beta + config.epsilon())


class Dice(_BuiltinLoss):
    """The Dice loss ``1 - dice coefficient``.

    Args:
        axis: axes the overlap is summed over; ``None`` (default) sums everything.

    >>> Dice(axis=-1)([[1.0, 1.0]], [[1.0, 0.0]])
    tensor(0.3333)
    """

    _config_keys = ("axis",)

    def __init__(self, reduction="sum_over_batch_size", name="dice", axis=None, dtype=None):
        super().__init__(dice, name=name, reduction=reduction, dtype=dtype, axis=axis)


class Tversky(_BuiltinLoss):
    """The Tversky loss ``1 - TP / (TP + alpha FP + beta FN)``.

    >>> Tversky(axis=-1)([[1.0, 1.0]], [[1.0, 0.0]])
    tensor(0.3333)
    """

    _config_keys = ("alpha", "beta", "axis")

    def __init__(
        self,
        alpha=0.5,
        beta=0.5,
        reduction="sum_over_batch_size",
        name="tversky",
        axis=None,
        dtype=None,
    ):
        super().__init__(
            tversky, name=name, reduction=reduction, dtype=dtype, alpha=alpha, beta=beta, axis=axis
        )
