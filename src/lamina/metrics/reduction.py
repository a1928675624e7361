"""Running reductions: ``Sum``, ``Mean``, ``MeanMetricWrapper`` (the mean of a function) and
the base of the built-in metric classes that are such means.

>>> m = Mean()
>>> m.update_state([1.0, 3.0, 5.0, 7.0], sample_weight=[1, 1, 0, 0])
>>> float(m.result())
2.0
"""

from __future__ import annotations

from lamina import losses
from lamina.ops import kernels as ops  # the training path: no conversion
from lamina.backend import core
from lamina.losses.loss import apply_mask, divide_no_nan, get_mask, squeeze_or_expand_to_same_rank
from lamina.losses.wrapper import deserialize_function, serialize_function
from lamina.metrics.metric import Metric


def reduce_to_samplewise_values(values, sample_weight, reduce_fn, dtype):
    """Weight ``values`` and reduce them to one value per sample (Keras' rule).

    Axes beyond the weights' rank are reduced first (with ``reduce_fn``), then the weights are
    broadcast and applied; finally everything past axis 0 is reduced. Returns the per-sample
    values and the (per-sample) weights.
    """
    mask = get_mask(values)
    values = core.cast(values, dtype)
    if sample_weight is not None:
        sample_weight = core.convert_to_tensor(sample_weight, dtype)
        if mask is not None:
            sample_weight = apply_mask(sample_weight, mask, dtype=dtype, reduction="sum")
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        w_ndim, v_ndim = len(sample_weight.shape), len(values.shape)
        if v_ndim > w_ndim:
            values = reduce_fn(values, axis=list(range(w_ndim, v_ndim)))
        sample_weight = ops.broadcast_to(sample_weight, tuple(values.shape))
        values = values * sample_weight
        if w_ndim > 1:
            sample_weight = reduce_fn(sample_weight, axis=list(range(1, w_ndim)))
    if len(values.shape) > 1:
        values = reduce_fn(values, axis=list(range(1, len(values.shape))))
    return values, sample_weight


class Sum(Metric):
    """The running (weighted) sum of the values given.

    >>> m = Sum()
    >>> m.update_state([1.0, 3.0, 5.0, 7.0])
    >>> float(m.result())
    16.0
    """

    def __init__(self, name="sum", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable((), "zeros", dtype=self.dtype, name="total")

    def update_state(self, values, sample_weight=None):
        values, _ = reduce_to_samplewise_values(values, sample_weight, ops.sum, self.dtype)
        self.total.assign_add(ops.sum(values))

    def result(self):
        return core.cast(self.total, self.dtype)


class Mean(Metric):
    """The running (weighted) mean of the values given: ``total / count``.

    Each sample (first axis) counts once, weighted by ``sample_weight`` when given.

    >>> m = Mean()
    >>> m.update_state([1.0, 3.0, 5.0, 7.0])
    >>> float(m.result())
    4.0
    """

    def __init__(self, name="mean", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable((), "zeros", dtype=self.dtype, name="total")
        self.count = self.add_variable((), "zeros", dtype=self.dtype, name="count")

    def update_state(self, values, sample_weight=None):
        values, sample_weight = reduce_to_samplewise_values(
            values, sample_weight, ops.mean, self.dtype
        )
        self.total.assign_add(ops.sum(values))
        if sample_weight is not None:
            self.count.assign_add(ops.sum(sample_weight))
        else:
            # a static Python count: adding it needs no device round trip
            self.count.assign_add(values.shape[0] if len(values.shape) else 1)

    def result(self):
        return divide_no_nan(self.total, self.count)


class MeanMetricWrapper(Mean):
    """The running mean of ``fn(y_true, y_pred, **kwargs)`` over all samples seen.

    Args:
        fn: a function returning one value per sample (e.g. a loss function).
        name: the metric's name; dtype: its dtype; kwargs: passed on to ``fn``.

    >>> from lamina import losses
    >>> m = MeanMetricWrapper(losses.mean_squared_error, name="mse")
    >>> m.update_state([[0.0, 1.0]], [[1.0, 1.0]])
    >>> float(m.result())
    0.5
    """

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        super().__init__(name=name, dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs
        if fn in losses.ALL_OBJECTS or type(fn) in losses.ALL_OBJECTS:
            self._direction = "down"

    def update_state(self, y_true, y_pred, sample_weight=None):
        mask = get_mask(y_pred)
        values = self._fn(y_true, y_pred, **self._fn_kwargs)
        sample_weight = apply_mask(sample_weight, mask, dtype=self.dtype, reduction="sum")
        super().update_state(values, sample_weight=sample_weight)

    def get_config(self) -> dict:
        config = {**super().get_config(), "fn": serialize_function(self._fn)}
        config.update(self._fn_kwargs)
        return config

    @classmethod
    def from_config(cls, config: dict):
        config = dict(config)
        if isinstance(config.get("fn"), (dict, str)):
            from lamina.metrics import FUNCTIONS_DICT  # the package table; loaded by now

            config["fn"] = deserialize_function(config["fn"], FUNCTIONS_DICT)
        return cls(**config)


class _BuiltinMeanMetric(MeanMetricWrapper):
    """A metric class over a fixed function, configured like any Keras class: by its arguments.

    The arguments named in ``_config_keys`` become attributes and follow ``name`` and ``dtype``
    in the config; as in Keras, some arguments reach the function but not the config.
    """

    _config_keys: tuple[str, ...] = ()

    def __init__(self, fn, name, dtype, **kwargs):
        super().__init__(fn, name=name, dtype=dtype, **kwargs)
        for key in self._config_keys:
            setattr(self, key, kwargs[key])

    def get_config(self) -> dict:
        config = {"name": self.name, "dtype": self.dtype}
        config.update((key, getattr(self, key)) for key in self._config_keys)
        return config
