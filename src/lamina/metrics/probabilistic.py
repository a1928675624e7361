"""Probabilistic metrics: running means of the cross-entropies, KL divergence and Poisson loss.

>>> m = BinaryCrossentropy()
>>> m.update_state([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]])
>>> round(float(m.result()), 4)
0.8149
"""

from __future__ import annotations

from lamina.losses.probabilistic import (
    binary_crossentropy,
    categorical_crossentropy,
    sparse_categorical_crossentropy,
)
from lamina.losses.divergence import kl_divergence, poisson
from lamina.metrics.reduction import _BuiltinMeanMetric


class BinaryCrossentropy(_BuiltinMeanMetric):
    """The mean binary cross-entropy over all samples seen (see ``losses.binary_crossentropy``).

    >>> m = BinaryCrossentropy(from_logits=True)
    >>> m.update_state([[1.0]], [[0.0]])   # log(2)
    >>> round(float(m.result()), 4)
    0.6931
    """

    _direction = "down"
    _config_keys = ("from_logits", "label_smoothing")

    def __init__(
        self, name="binary_crossentropy", dtype=None, from_logits=False, label_smoothing=0
    ):
        super().__init__(
            binary_crossentropy,
            name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
        )


class CategoricalCrossentropy(_BuiltinMeanMetric):
    """The mean categorical cross-entropy over all samples seen (one-hot labels).

    >>> m = CategoricalCrossentropy()
    >>> m.update_state([[0, 1]], [[0.5, 0.5]])   # log(2)
    >>> round(float(m.result()), 4)
    0.6931
    """

    _direction = "down"
    _config_keys = ("from_logits", "label_smoothing", "axis")

    def __init__(
        self,
        name="categorical_crossentropy",
        dtype=None,
        from_logits=False,
        label_smoothing=0,
        axis=-1,
    ):
        super().__init__(
            categorical_crossentropy,
            name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )


class SparseCategoricalCrossentropy(_BuiltinMeanMetric):
    """The mean sparse categorical cross-entropy over all samples seen (integer labels).

    >>> m = SparseCategoricalCrossentropy()
    >>> m.update_state([1], [[0.5, 0.5]])   # log(2)
    >>> round(float(m.result()), 4)
    0.6931
    """

    _direction = "down"
    _config_keys = ("from_logits", "ignore_class", "axis")

    def __init__(
        self,
        name="sparse_categorical_crossentropy",
        dtype=None,
        from_logits=False,
        ignore_class=None,
        axis=-1,
    ):
        super().__init__(
            sparse_categorical_crossentropy,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            ignore_class=ignore_class,
            axis=axis,
        )


class KLDivergence(_BuiltinMeanMetric):
    """The mean Kullback-Leibler divergence over all samples seen.

    >>> m = KLDivergence()
    >>> m.update_state([[0.5, 0.5]], [[0.5, 0.5]])
    >>> float(m.result())
    0.0
    """

    def __init__(self, name="kl_divergence", dtype=None):
        super().__init__(fn=kl_divergence, name=name, dtype=dtype)


class Poisson(_BuiltinMeanMetric):
    """The mean Poisson loss over all samples seen.

    >>> m = Poisson()
    >>> m.update_state([[0.0]], [[2.0]])
    >>> float(m.result())
    2.0
    """

    def __init__(self, name="poisson", dtype=None):
        super().__init__(fn=poisson, name=name, dtype=dtype)
