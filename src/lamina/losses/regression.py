"""Regression losses: squared, absolute, percentage and logarithmic errors, cosine, Huber, log-cosh.

The functions return one value per sample (the mean over the last axis); the classes reduce
those values to one number.

>>> from lamina import losses
>>> losses.mean_squared_error([[0.0, 1.0]], [[1.0, 1.0]])
tensor([0.5000])
"""

from __future__ import annotations

import math

from lamina import config
from lamina.ops import kernels as ops  # the training path: no conversion
from lamina.backend import core
from lamina.losses.loss import squeeze_or_expand_to_same_rank
from lamina.losses.wrapper import _BuiltinLoss


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


class MeanSquaredError(_BuiltinLoss):
    """Mean of the squared errors: ``mean(square(y_true - y_pred))``.

    >>> MeanSquaredError()([1.0, 0.0, 1.0], [0.9, 0.1, 0.8])   # about 0.02
    tensor(0.0200)
    """

    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_error", dtype=None):
        super().__init__(mean_squared_error, name=name, reduction=reduction, dtype=dtype)


class MeanAbsoluteError(_BuiltinLoss):
    """Mean of the absolute errors: ``mean(abs(y_true - y_pred))``.

    >>> MeanAbsoluteError()([1.0, 0.3, 1.0], [1.9, 0.3, 1.8])  # about 0.567
    tensor(0.5667)
    """

    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_error", dtype=None):
        super().__init__(mean_absolute_error, name=name, reduction=reduction, dtype=dtype)


def mean_absolute_percentage_error(y_true, y_pred):
    """``100 * mean(abs((y_true - y_pred) / max(abs(y_true), epsilon)), axis=-1)``.

    >>> mean_absolute_percentage_error([[1.0, 2.0]], [[1.5, 2.0]])
    tensor([25.])
    """
    y_true, y_pred = _prepare(y_true, y_pred)
    diff = ops.abs((y_true - y_pred) / ops.clip(ops.abs(y_true), config.epsilon(), None))
    return 100.0 * ops.mean(diff, axis=-1)


def mean_squared_logarithmic_error(y_true, y_pred):
    """``mean(square(log(max(y_pred, eps) + 1) - log(max(y_true, eps) + 1)), axis=-1)``.

    >>> mean_squared_logarithmic_error([[0.0]], [[0.0]])
    tensor([0.])
    """
    y_true, y_pred = _prepare(y_true, y_pred)
    eps = config.epsilon()
    first_log = ops.log(ops.clip(y_pred, eps, None) + 1.0)
    second_log = ops.log(ops.clip(y_true, eps, None) + 1.0)
    return ops.mean(ops.square(first_log - second_log), axis=-1)


def l2_normalize(x, axis=-1):
    """``x / ||x||`` along ``axis`` as Keras computes it: ``x * min(rsqrt(sum(x^2)), 1/eps)``."""
    inv_norm = 1.0 / ops.sqrt(ops.sum(ops.square(x), axis=axis, keepdims=True))
    return x * ops.clip(inv_norm, None, 1.0 / config.epsilon())


def cosine_similarity(y_true, y_pred, axis=-1):
    """The negated cosine similarity along ``axis`` (-1 for parallel vectors, so lower is better).

    >>> cosine_similarity([[0.0, 1.0]], [[0.0, 2.0]])
    tensor([-1.])
    """
    y_true, y_pred = _prepare(y_true, y_pred)
    return -ops.sum(l2_normalize(y_true, axis) * l2_normalize(y_pred, axis), axis=axis)


def huber(y_true, y_pred, delta=1.0):
    """Squared error below ``delta``, linear above: ``0.5 e^2`` or ``delta |e| - 0.5 delta^2``.

    >>> huber([[0.0, 0.0]], [[0.5, 3.0]])   # (0.125 + 2.5) / 2
    tensor([1.3125])
    """
    y_true, y_pred = _prepare(y_true, y_pred)
    error = y_pred - y_true
    abs_error = ops.abs(error)
    quadratic = 0.5 * ops.square(error)
    linear = delta * abs_error - 0.5 * delta * delta
    return ops.mean(ops.where(abs_error <= delta, quadratic, linear), axis=-1)


def log_cosh(y_true, y_pred):
    """``mean(log(cosh(y_pred - y_true)), axis=-1)``, computed without overflow.

    >>> log_cosh([[0.0]], [[0.0]])
    tensor([0.])
    """
    y_true, y_pred = _prepare(y_true, y_pred)
    x = y_pred - y_true
    # log(cosh(x)) = x + softplus(-2x) - log(2): finite for large |x|
    return ops.mean(x + ops.softplus(x * -2.0) - math.log(2.0), axis=-1)


class MeanAbsolutePercentageError(_BuiltinLoss):
    """Mean absolute percentage error: ``100 * mean(abs((y_true - y_pred) / y_true))``.

    >>> MeanAbsolutePercentageError()([[1.0, 2.0]], [[1.5, 2.0]])
    tensor(25.)
    """

    def __init__(
        self, reduction="sum_over_batch_size", name="mean_absolute_percentage_error", dtype=None
    ):
        super().__init__(
            mean_absolute_percentage_error, name=name, reduction=reduction, dtype=dtype
        )


class MeanSquaredLogarithmicError(_BuiltinLoss):
    """Mean squared logarithmic error: ``mean(square(log(y_true + 1) - log(y_pred + 1)))``.

    >>> MeanSquaredLogarithmicError()([[0.0]], [[0.0]])
    tensor(0.)
    """

    def __init__(
        self, reduction="sum_over_batch_size", name="mean_squared_logarithmic_error", dtype=None
    ):
        super().__init__(
            mean_squared_logarithmic_error, name=name, reduction=reduction, dtype=dtype
        )


class CosineSimilarity(_BuiltinLoss):
    """The negated cosine similarity between labels and predictions along ``axis``.

    >>> CosineSimilarity()([[0.0, 1.0], [1.0, 1.0]], [[1.0, 0.0], [1.0, 1.0]])
    tensor(-0.5000)
    """

    _config_keys = ()  # Keras 3 leaves `axis` out of this config

    def __init__(
        self, axis=-1, reduction="sum_over_batch_size", name="cosine_similarity", dtype=None
    ):
        super().__init__(cosine_similarity, name=name, reduction=reduction, dtype=dtype, axis=axis)


class Huber(_BuiltinLoss):
    """The Huber loss: quadratic for errors up to ``delta``, linear beyond.

    >>> Huber()([[0.0, 0.0]], [[0.5, 3.0]])
    tensor(1.3125)
    """

    # Keras 3 leaves `delta` out of this config, so its files reload with delta=1.0; lamina
    # keeps it (Keras' Huber(**config) takes it), so a saved model trains on with its own delta
    _config_keys = ("delta",)

    def __init__(self, delta=1.0, reduction="sum_over_batch_size", name="huber_loss", dtype=None):
        super().__init__(huber, name=name, reduction=reduction, dtype=dtype, delta=delta)


class LogCosh(_BuiltinLoss):
    """The logarithm of the hyperbolic cosine of the prediction error.

    >>> LogCosh()([[0.0]], [[0.0]])
    tensor(0.)
    """

    def __init__(self, reduction="sum_over_batch_size", name="log_cosh", dtype=None):
        super().__init__(log_cosh, name=name, reduction=reduction, dtype=dtype)
