"""Regression metrics: squared, absolute, percentage, logarithmic and log-cosh errors, RMSE,
cosine similarity and R2.

>>> m = MeanSquaredError()
>>> m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
>>> float(m.result())
0.25
"""

from __future__ import annotations

import warnings

from lamina.ops import kernels as ops  # the training path: no conversion
from lamina.backend import core
from lamina.losses.loss import squeeze_or_expand_to_same_rank
from lamina.losses.regression import (
    l2_normalize,
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
)
from lamina.metrics.metric import Metric
from lamina.metrics.reduction import Mean, _BuiltinMeanMetric


class MeanSquaredError(_BuiltinMeanMetric):
    """The mean of ``square(y_true - y_pred)`` over all samples seen.

    >>> m = MeanSquaredError()
    >>> m.update_state([[0.0, 2.0]], [[0.0, 0.0]])
    >>> float(m.result())
    2.0
    """

    _direction = "down"

    def __init__(self, name="mean_squared_error", dtype=None):
        super().__init__(fn=mean_squared_error, name=name, dtype=dtype)


class MeanAbsoluteError(_BuiltinMeanMetric):
    """The mean of ``abs(y_true - y_pred)`` over all samples seen.

    >>> m = MeanAbsoluteError()
    >>> m.update_state([[0.0, 2.0]], [[1.0, 0.0]])
    >>> float(m.result())
    1.5
    """

    _direction = "down"

    def __init__(self, name="mean_absolute_error", dtype=None):
        super().__init__(fn=mean_absolute_error, name=name, dtype=dtype)


class MeanAbsolutePercentageError(_BuiltinMeanMetric):
    """The mean of ``100 * abs((y_true - y_pred) / y_true)`` over all samples seen.

    >>> m = MeanAbsolutePercentageError()
    >>> m.update_state([[1.0, 2.0]], [[1.5, 2.0]])
    >>> float(m.result())
    25.0
    """

    _direction = "down"

    def __init__(self, name="mean_absolute_percentage_error", dtype=None):
        super().__init__(mean_absolute_percentage_error, name, dtype=dtype)


class MeanSquaredLogarithmicError(_BuiltinMeanMetric):
    """The mean of ``square(log(y_true + 1) - log(y_pred + 1))`` over all samples seen.

    >>> m = MeanSquaredLogarithmicError()
    >>> m.update_state([[0.0]], [[0.0]])
    >>> float(m.result())
    0.0
    """

    _direction = "down"

    def __init__(self, name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(mean_squared_logarithmic_error, name, dtype=dtype)


class RootMeanSquaredError(Mean):
    """``sqrt(mean(square(y_true - y_pred)))`` over every value seen.

    >>> m = RootMeanSquaredError()
    >>> m.update_state([[0.0, 2.0]], [[0.0, 0.0]])
    >>> round(float(m.result()), 4)
    1.4142
    """

    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__(name, dtype=dtype)
        self._direction = "down"

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = core.convert_to_tensor(y_true, self.dtype)
        y_pred = core.convert_to_tensor(y_pred, self.dtype)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        super().update_state(ops.square(y_pred - y_true), sample_weight=sample_weight)

    def result(self):
        return ops.sqrt(super().result())


def cosine_similarity(y_true, y_pred, axis=-1):
    """The cosine similarity along ``axis`` (1 for parallel vectors).

    >>> cosine_similarity([[0.0, 1.0]], [[0.0, 2.0]])
    tensor([1.])
    """
    y_pred = core.convert_to_tensor(y_pred)
    y_true = core.convert_to_tensor(y_true, ops.dtype(y_pred))
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return ops.sum(l2_normalize(y_true, axis) * l2_normalize(y_pred, axis), axis=axis)


class CosineSimilarity(_BuiltinMeanMetric):
    """The mean cosine similarity between labels and predictions (higher is better).

    >>> m = CosineSimilarity()
    >>> m.update_state([[0.0, 1.0], [1.0, 1.0]], [[1.0, 0.0], [1.0, 1.0]])
    >>> round(float(m.result()), 4)
    0.5
    """

    _direction = "up"

    def __init__(self, name="cosine_similarity", dtype=None, axis=-1):
        super().__init__(cosine_similarity, name, dtype=dtype, axis=axis)


class LogCoshError(_BuiltinMeanMetric):
    """The mean of ``log(cosh(y_pred - y_true))`` over all samples seen.

    >>> m = LogCoshError()
    >>> m.update_state([[0.0]], [[0.0]])
    >>> float(m.result())
    0.0
    """

    _direction = "down"

    def __init__(self, name="logcosh", dtype=None):
        super().__init__(log_cosh, name, dtype=dtype)


class R2Score(Metric):
    """The coefficient of determination ``1 - SS_res / SS_tot`` of 2-D regression outputs.

    Args:
        class_aggregation: ``"uniform_average"`` (default), ``"variance_weighted_average"`` or
            ``None`` (one score per output column).
        num_regressors: > 0 gives the adjusted R2 for that many independent variables.

    >>> m = R2Score()
    >>> m.update_state([[1.0], [2.0], [3.0]], [[1.0], [2.0], [3.0]])
    >>> float(m.result())
    1.0
    """

    def __init__(
        self, class_aggregation="uniform_average", num_regressors=0, name="r2_score", dtype=None
    ):
        super().__init__(name=name, dtype=dtype)
        self._direction = "up"
        valid = (None, "uniform_average", "variance_weighted_average")
        if class_aggregation not in valid:
            raise ValueError(
                "Invalid value for argument `class_aggregation`. Expected one of "
                f"{valid}. Received: class_aggregation={class_aggregation}"
            )
        if num_regressors < 0:
            raise ValueError(
                "Invalid value for argument `num_regressors`. Expected a value >= 0. "
                f"Received: num_regressors={num_regressors}"
            )
        self.class_aggregation = class_aggregation
        self.num_regressors = num_regressors
        self.num_samples = self.add_variable((), "zeros", name="num_samples")
        self._built = False

    def _build(self, y_true_shape, y_pred_shape):
        if len(y_pred_shape) != 2 or len(y_true_shape) != 2:
            raise ValueError(
                "R2Score expects 2D inputs with shape (batch_size, output_dim). Received input "
                f"shapes: y_pred.shape={tuple(y_pred_shape)} and y_true.shape={tuple(y_true_shape)}."
            )
        n = y_pred_shape[-1]
        self.squared_sum = self.add_variable((n,), "zeros", name="squared_sum")
        self.sum = self.add_variable((n,), "zeros", name="sum")
        self.total_mse = self.add_variable((n,), "zeros", name="residual")
        self.count = self.add_variable((n,), "zeros", name="count")
        self._built = True

    def build_state(self, y_true, y_pred):
        if not self._built:
            y_true, y_pred = squeeze_or_expand_to_same_rank(
                core.convert_to_tensor(y_true, self.dtype), core.convert_to_tensor(y_pred, self.dtype))
            self._build(y_true.shape, y_pred.shape)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = core.convert_to_tensor(y_true, self.dtype)
        y_pred = core.convert_to_tensor(y_pred, self.dtype)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        if not self._built:
            self._build(y_true.shape, y_pred.shape)
        if sample_weight is None:
            sample_weight = 1
        sample_weight = core.convert_to_tensor(sample_weight, self.dtype)
        if len(sample_weight.shape) == 1:
            sample_weight = ops.expand_dims(sample_weight, 1)
        sample_weight = ops.broadcast_to(sample_weight, tuple(y_true.shape))
        weighted_y_true = y_true * sample_weight
        self.sum.assign_add(ops.sum(weighted_y_true, axis=0))
        self.squared_sum.assign_add(ops.sum(y_true * weighted_y_true, axis=0))
        self.total_mse.assign_add(ops.sum(ops.square(y_true - y_pred) * sample_weight, axis=0))
        self.count.assign_add(ops.sum(sample_weight, axis=0))
        # a static Python count: no device round trip
        n = 1
        for d in y_true.shape:
            n *= d
        self.num_samples.assign_add(n)

    def result(self):
        mean = self.sum / self.count
        total = self.squared_sum - self.sum * mean
        raw = 1 - self.total_mse / total
        raw = ops.where(ops.isinf(raw), ops.zeros_like(raw), raw)
        if self.class_aggregation == "uniform_average":
            r2 = ops.mean(raw)
        elif self.class_aggregation == "variance_weighted_average":
            r2 = ops.sum(total * raw) / ops.sum(total)
        else:
            r2 = raw
        if self.num_regressors != 0:
            # reading the sample count is fine here: result() is not on the training path
            num_samples = float(core.convert_to_numpy(self.num_samples))
            if self.num_regressors > num_samples - 1:
                warnings.warn(
                    "More independent predictors than datapoints in adjusted R2 score. "
                    "Falling back to standard R2 score.",
                    stacklevel=2,
                )
            elif self.num_regressors == num_samples - 1:
                warnings.warn(
                    "Division by zero in Adjusted R2 score. Falling back to standard R2 score.",
                    stacklevel=2,
                )
            else:
                n, p = num_samples, float(self.num_regressors)
                r2 = 1.0 - (1.0 - r2) * (n - 1.0) / (n - p - 1.0)
        return r2

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "class_aggregation": self.class_aggregation,
            "num_regressors": self.num_regressors,
        }
