"""Regression metrics: running mean squared error and mean absolute error.

>>> m = MeanSquaredError()
>>> m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
>>> float(m.result())
0.25
"""

from __future__ import annotations

from lamina.losses.regression import mean_absolute_error, mean_squared_error
from lamina.metrics.reduction import MeanMetricWrapper


class MeanSquaredError(MeanMetricWrapper):
    """The mean of ``square(y_true - y_pred)`` over all samples seen.

    >>> m = MeanSquaredError()
    >>> m.update_state([[0.0, 2.0]], [[0.0, 0.0]])
    >>> float(m.result())
    2.0
    """

    def __init__(self, name="mean_squared_error", dtype=None):
        super().__init__(fn=mean_squared_error, name=name, dtype=dtype)
        self._direction = "down"

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}


class MeanAbsoluteError(MeanMetricWrapper):
    """The mean of ``abs(y_true - y_pred)`` over all samples seen.

    >>> m = MeanAbsoluteError()
    >>> m.update_state([[0.0, 2.0]], [[1.0, 0.0]])
    >>> float(m.result())
    1.5
    """

    def __init__(self, name="mean_absolute_error", dtype=None):
        super().__init__(fn=mean_absolute_error, name=name, dtype=dtype)
        self._direction = "down"

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}
