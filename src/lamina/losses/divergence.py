"""Divergences between distributions: Kullback-Leibler and Poisson.

>>> from lamina import losses
>>> losses.kl_divergence([[0.5, 0.5]], [[0.5, 0.5]])
tensor([0.])
"""

from __future__ import annotations

from lamina import config
from lamina.ops import kernels as ops  # the training path: no conversion
from lamina.backend import core
from lamina.losses.wrapper import _BuiltinLoss


def kl_divergence(y_true, y_pred):
    """``sum(y_true * log(y_true / y_pred), axis=-1)``, both clipped to ``[epsilon, 1]``.

    >>> round(float(kl_divergence([[1.0, 0.0]], [[0.5, 0.5]])[0]), 4)   # log 2
    0.6931
    """
    y_pred = core.convert_to_tensor(y_pred)
    y_true = core.convert_to_tensor(y_true, ops.dtype(y_pred))
    y_true = ops.clip(y_true, config.epsilon(), 1)
    y_pred = ops.clip(y_pred, config.epsilon(), 1)
    return ops.sum(y_true * ops.log(y_true / y_pred), axis=-1)


def poisson(y_true, y_pred):
    """``mean(y_pred - y_true * log(y_pred + epsilon), axis=-1)``.

    >>> poisson([[0.0]], [[2.0]])
    tensor([2.])
    """
    y_pred = core.convert_to_tensor(y_pred)
    y_true = core.convert_to_tensor(y_true, ops.dtype(y_pred))
    return ops.mean(y_pred - y_true * ops.log(y_pred + config.epsilon()), axis=-1)


class KLDivergence(_BuiltinLoss):
    """Kullback-Leibler divergence ``sum(y_true * log(y_true / y_pred))``.

    >>> KLDivergence()([[0.5, 0.5]], [[0.5, 0.5]])
    tensor(0.)
    """

    def __init__(self, reduction="sum_over_batch_size", name="kl_divergence", dtype=None):
        super().__init__(kl_divergence, name=name, reduction=reduction, dtype=dtype)


class Poisson(_BuiltinLoss):
    """Poisson loss ``mean(y_pred - y_true * log(y_pred))``.

    >>> Poisson()([[0.0]], [[2.0]])
    tensor(2.)
    """

    def __init__(self, reduction="sum_over_batch_size", name="poisson", dtype=None):
        super().__init__(poisson, name=name, reduction=reduction, dtype=dtype)
