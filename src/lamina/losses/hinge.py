"""Hinge losses: hinge, squared hinge and categorical hinge (labels -1/1 or 0/1).

0/1 labels are turned into -1/1 when every label is 0 or 1, as Keras does; the choice is made
on the device (``where``), not by reading the labels back.

>>> from lamina import losses
>>> losses.hinge([[0.0, 1.0]], [[0.3, 0.8]])   # labels become -1, 1: (1.3 + 0.2) / 2
tensor([0.7500])
"""

from __future__ import annotations

from lamina.ops import kernels as ops  # the training path: no conversion
from lamina.backend import core
from lamina.losses.wrapper import _BuiltinLoss


def _prepare(y_true, y_pred):
    y_pred = core.convert_to_tensor(y_pred)
    return ops.cast(core.convert_to_tensor(y_true), ops.dtype(y_pred)), y_pred


def convert_binary_labels_to_hinge(y_true):
    """``2 * y - 1`` if every label is 0 or 1, else the labels unchanged."""
    is_binary = ops.all(ops.logical_or(ops.equal(y_true, 0), ops.equal(y_true, 1)))
    return ops.where(is_binary, 2.0 * y_true - 1.0, y_true)


def hinge(y_true, y_pred):
    """``mean(maximum(1 - y_true * y_pred, 0), axis=-1)``.

    >>> hinge([[-1.0, 1.0]], [[-2.0, 0.5]])
    tensor([0.2500])
    """
    y_true, y_pred = _prepare(y_true, y_pred)
    y_true = convert_binary_labels_to_hinge(y_true)
    return ops.mean(ops.clip(1.0 - y_true * y_pred, 0.0, None), axis=-1)


def squared_hinge(y_true, y_pred):
    """``mean(square(maximum(1 - y_true * y_pred, 0)), axis=-1)``.

    >>> squared_hinge([[-1.0, 1.0]], [[-2.0, 0.5]])
    tensor([0.1250])
    """
    y_true, y_pred = _prepare(y_true, y_pred)
    y_true = convert_binary_labels_to_hinge(y_true)
    return ops.mean(ops.square(ops.clip(1.0 - y_true * y_pred, 0.0, None)), axis=-1)


def categorical_hinge(y_true, y_pred):
    """``maximum(max((1 - y_true) * y_pred) - sum(y_true * y_pred) + 1, 0)`` per sample.

    >>> categorical_hinge([[0.0, 1.0]], [[0.3, 0.8]])
    tensor([0.5000])
    """
    y_true, y_pred = _prepare(y_true, y_pred)
    pos = ops.sum(y_true * y_pred, axis=-1)
    neg = ops.max((1.0 - y_true) * y_pred, axis=-1)
    return ops.clip(neg - pos + 1.0, 0.0, None)


class Hinge(_BuiltinLoss):
    """``mean(maximum(1 - y_true * y_pred, 0))`` with labels -1/1 (0/1 are converted).

    >>> Hinge()([[-1.0, 1.0]], [[-2.0, 0.5]])
    tensor(0.2500)
    """

    def __init__(self, reduction="sum_over_batch_size", name="hinge", dtype=None):
        super().__init__(hinge, name=name, reduction=reduction, dtype=dtype)


class SquaredHinge(_BuiltinLoss):
    """``mean(square(maximum(1 - y_true * y_pred, 0)))`` with labels -1/1 (0/1 converted).

    >>> SquaredHinge()([[-1.0, 1.0]], [[-2.0, 0.5]])
    tensor(0.1250)
    """

    def __init__(self, reduction="sum_over_batch_size", name="squared_hinge", dtype=None):
        super().__init__(squared_hinge, name=name, reduction=reduction, dtype=dtype)


class CategoricalHinge(_BuiltinLoss):
    """``maximum(neg - pos + 1, 0)`` for one-hot labels: pos is the true class's score, neg the
    best other score.

    >>> CategoricalHinge()([[0.0, 1.0]], [[0.3, 0.8]])
    tensor(0.5000)
    """

    def __init__(self, reduction="sum_over_batch_size", name="categorical_hinge", dtype=None):
        super().__init__(categorical_hinge, name=name, reduction=reduction, dtype=dtype)
