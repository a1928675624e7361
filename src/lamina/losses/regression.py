"""Regression losses: mean squared error and mean absolute error.

The functions return one value per sample (the mean over the last axis); the classes reduce
those values to one number.

>>> from lamina import losses
>>> losses.mean_squared_error([[0.0, 1.0]], [[1.0, 1.0]])
tensor([0.5000])
"""

from __future__ import annotations

from lamina import ops
from lamina.backend import core
from lamina.losses.loss import squeeze_or_expand_to_same_rank
from lamina.losses.wrapper import LossFunctionWrapper


def _prepare(y_true, y_pred):
    y_pred = core.convert_to_tensor(y_pred)
    y_true = core.convert_to_tensor(y_true, ops.dtype(y_pred))
    return squeeze_or_expand_to_same_rank(y_true, y_pred)


def mean_squared_error(y_true, y_pred):
    """``mean(square(y_true - y_pred), axis=-1)``.

    >>> mean_squared_error([[0.0, 2.0], [1.0, 1.0]], [[0.0, 0.0], [1.0, 1.0]])
    tensor([2., 0.])
    """
    y_true, y_pred = _prepare(y_true, y_pred)
    return ops.mean(ops.square(y_true - y_pred), axis=-1)


def mean_absolute_error(y_true, y_pred):
    """``mean(abs(y_true - y_pred), axis=-1)``.

    >>> mean_absolute_error([[0.0, 2.0]], [[1.0, 0.0]])
    tensor([1.5000])
    """
    y_true, y_pred = _prepare(y_true, y_pred)
    return ops.mean(ops.abs(y_true - y_pred), axis=-1)


class MeanSquaredError(LossFunctionWrapper):
    """Mean of the squared errors: ``mean(square(y_true - y_pred))``.

    >>> MeanSquaredError()([1.0, 0.0, 1.0], [0.9, 0.1, 0.8])   # about 0.02
    tensor(0.0200)
    """

    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_error", dtype=None):
        super().__init__(mean_squared_error, name=name, reduction=reduction, dtype=dtype)

    def get_config(self) -> dict:
        return {"name": self.name, "reduction": self.reduction}


class MeanAbsoluteError(LossFunctionWrapper):
    """Mean of the absolute errors: ``mean(abs(y_true - y_pred))``.

    >>> MeanAbsoluteError()([1.0, 0.3, 1.0], [1.9, 0.3, 1.8])  # about 0.567
    tensor(0.5667)
    """

    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_error", dtype=None):
        super().__init__(mean_absolute_error, name=name, reduction=reduction, dtype=dtype)

    def get_config(self) -> dict:
        return {"name": self.name, "reduction": self.reduction}
