"""Correlation metrics: Pearson's and Lin's concordance correlation, per sample along ``axis``
and averaged over samples.

>>> m = PearsonCorrelation()
>>> m.update_state([[1.0, 2.0, 3.0]], [[2.0, 4.0, 6.0]])
>>> round(float(m.result()), 4)
1.0
"""

from __future__ import annotations

from lamina import config
from lamina.ops import kernels as ops  # the training path: no conversion
from lamina.backend import core
from lamina.losses.loss import squeeze_or_expand_to_same_rank
from lamina.metrics.reduction import _BuiltinMeanMetric


def _prepare(y_true, y_pred):
    y_pred = core.convert_to_tensor(y_pred)
    y_true = core.convert_to_tensor(y_true, ops.dtype(y_pred))
    return squeeze_or_expand_to_same_rank(y_true, y_pred)


def pearson_correlation(y_true, y_pred, axis=-1):
    """Pearson's correlation coefficient along ``axis``.

    >>> pearson_correlation([[1.0, 2.0, 3.0]], [[3.0, 2.0, 1.0]])
    tensor([-1.0000])
    """
    y_true, y_pred = _prepare(y_true, y_pred)
    t = y_true - ops.mean(y_true, axis=axis, keepdims=True)
    p = y_pred - ops.mean(y_pred, axis=axis, keepdims=True)
    t = t / ops.std(t, axis=axis, keepdims=True)
    p = p / ops.std(p, axis=axis, keepdims=True)
    return ops.mean(t * p, axis=axis)


def concordance_correlation(y_true, y_pred, axis=-1):
    """Lin's concordance correlation coefficient along ``axis`` (Keras' formula).

    >>> concordance_correlation([[1.0, 2.0, 3.0]], [[1.0, 2.0, 3.0]])
    tensor([1.0000])
    """
    y_true, y_pred = _prepare(y_true, y_pred)
    true_mean = ops.mean(y_true, axis=axis, keepdims=True)
    pred_mean = ops.mean(y_pred, axis=axis, keepdims=True)
    true_var = ops.var(y_true - true_mean, axis=axis, keepdims=True)
    pred_var = ops.var(y_pred - pred_mean, axis=axis, keepdims=True)
    # Keras centres y_true on the *prediction* mean here; kept for identical numbers
    covar = (y_true - pred_mean) * (y_pred - pred_mean)
    norm = true_var + pred_var + ops.square(true_mean - pred_mean)
    return ops.mean(2 * covar / (norm + config.epsilon()), axis=axis)


class PearsonCorrelation(_BuiltinMeanMetric):
    """The mean Pearson correlation between labels and predictions along ``axis``.

    >>> m = PearsonCorrelation()
    >>> m.update_state([[1.0, 2.0, 3.0]], [[3.0, 2.0, 1.0]])
    >>> round(float(m.result()), 4)
    -1.0
    """

    _direction = "up"
    _config_keys = ("axis",)

    def __init__(self, name="pearson_correlation", dtype=None, axis=-1):
        super().__init__(fn=pearson_correlation, name=name, dtype=dtype, axis=axis)


class ConcordanceCorrelation(_BuiltinMeanMetric):
    """The mean concordance correlation between labels and predictions along ``axis``.

    >>> m = ConcordanceCorrelation()
    >>> m.update_state([[1.0, 2.0, 3.0]], [[1.0, 2.0, 3.0]])
    >>> round(float(m.result()), 4)
    1.0
    """

    _direction = "up"
    _config_keys = ("axis",)

    def __init__(self, name="concordance_correlation", dtype=None, axis=-1):
        super().__init__(fn=concordance_correlation, name=name, dtype=dtype, axis=axis)
