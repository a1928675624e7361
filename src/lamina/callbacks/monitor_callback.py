"""``MonitorCallback``: the shared "is this value better than the best so far?" logic of
``EarlyStopping`` and ``ModelCheckpoint``.

With ``mode="auto"`` the direction follows Keras 3: ``loss`` (and ``val_loss``) go down; any
other name is looked up among the model's metrics, whose ``_direction`` says "up" or "down".
Where a model's metrics do not say, lamina falls back to the direction of Keras' built-in
metric of that name (``accuracy`` up, ``mae`` down, ...) before giving up with Keras' error.
"""

from __future__ import annotations

import operator
import warnings

from lamina.callbacks.callback import Callback

_UP_METRICS = frozenset(
    (
        "accuracy",
        "acc",
        "binary_accuracy",
        "categorical_accuracy",
        "sparse_categorical_accuracy",
        "top_k_categorical_accuracy",
        "sparse_top_k_categorical_accuracy",
        "auc",
        "precision",
        "recall",
        "precision_at_recall",
        "recall_at_precision",
        "sensitivity_at_specificity",
        "specificity_at_sensitivity",
        "f1_score",
        "fbeta_score",
        "iou",
        "mean_iou",
        "one_hot_iou",
        "one_hot_mean_iou",
        "binary_iou",
        "r2_score",
        "cosine_similarity",
        "pearson_correlation",
        "concordance_correlation",
    )
)
_DOWN_METRICS = frozenset(
    (
        "mean_squared_error",
        "mse",
        "mean_absolute_error",
        "mae",
        "mean_absolute_percentage_error",
        "mape",
        "mean_squared_logarithmic_error",
        "msle",
        "root_mean_squared_error",
        "rmse",
        "logcosh",
        "log_cosh",
        "hinge",
        "squared_hinge",
        "categorical_hinge",
        "binary_crossentropy",
        "categorical_crossentropy",
        "sparse_categorical_crossentropy",
        "kl_divergence",
        "kld",
        "poisson",
        "crossentropy",
    )
)


def _model_metrics(model):
    """The model's metric objects, with containers (compile metrics) opened up."""
    found = []
    try:
        pending = list(getattr(model, "metrics", None) or [])
    except (AttributeError, RuntimeError, ValueError):  # an unbuilt model may refuse
        return found
    while pending:
        metric = pending.pop(0)
        inner = getattr(metric, "metrics", None)
        if isinstance(inner, (list, tuple)) and inner is not metric:
            pending.extend(inner)
        found.append(metric)
    return found


class MonitorCallback(Callback):
    """Base for callbacks that track the best value of ``monitor``.

    Args:
        monitor: the logs key to watch, e.g. ``"val_loss"``.
        mode: ``"min"``, ``"max"`` or ``"auto"`` (the direction is read from the name).
        baseline: the initial best value; ``None`` means the first value seen.
        min_delta: how much better a value must be to count as an improvement.
    """

    def __init__(self, monitor="val_loss", mode="auto", baseline=None, min_delta=0):
        super().__init__()
        if mode not in ("auto", "min", "max"):
            warnings.warn(
                f"{type(self).__name__} mode '{mode}' is unknown, fallback to auto mode.",
                stacklevel=2,
            )
            mode = "auto"
        self.monitor = monitor
        self.mode = mode
        self.best = baseline
        self.min_delta = abs(min_delta)
        self.monitor_op = None

    def _set_monitor_op(self):
        if self.mode == "min":
            self.monitor_op = operator.lt
        elif self.mode == "max":
            self.monitor_op = operator.gt
        else:
            self.monitor_op = self._infer_direction()
        if self.monitor_op is operator.lt:
            # Going down: an improvement must beat the best by min_delta downwards.
            self.min_delta *= -1

    def _infer_direction(self):
        name = self.monitor.removeprefix("val_")
        if name == "loss" or name.endswith("_loss"):
            return operator.lt
        for metric in _model_metrics(self.model):
            direction = getattr(metric, "_direction", None)
            if getattr(metric, "name", None) == name and direction in ("up", "down"):
                return operator.gt if direction == "up" else operator.lt
        if name in _UP_METRICS:
            return operator.gt
        if name in _DOWN_METRICS:
            return operator.lt
        raise ValueError(
            f"{type(self).__name__} callback received monitor={self.monitor}, but lamina "
            "isn't able to automatically determine whether that metric should be maximized "
            "or minimized. Pass `mode='max'` in order to monitor based on the highest metric "
            "value, or pass `mode='min'` in order to use the lowest value."
        )

    def _is_improvement(self, monitor_value, reference_value) -> bool:
        if reference_value is None:
            return True
        return bool(self.monitor_op(monitor_value - self.min_delta, reference_value))
