"""``AUC``: area under the ROC or precision-recall curve, from counts at fixed thresholds.

>>> m = AUC(num_thresholds=3)
>>> m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
>>> round(float(m.result()), 4)
0.75
"""

from __future__ import annotations

import numpy as np

from lamina import config
from lamina.ops import kernels as ops  # the training path: no conversion
from lamina.backend import core
from lamina.losses.loss import divide_no_nan
from lamina.metrics import confusion_utils as cu
from lamina.metrics.metric import Metric

_CURVES = {"roc": "ROC", "pr": "PR", "prgain": "PRGAIN"}
_SUMMATIONS = ("interpolation", "majoring", "minoring")


def _curve_name(curve) -> str:
    key = getattr(curve, "value", curve)
    if (
        not isinstance(key, str)
        or key.lower() not in _CURVES
        or key not in (key.lower(), key.upper())
    ):
        raise ValueError(
            f'Invalid AUC curve value: "{curve}". Expected values are ["PR", "ROC", "PRGAIN"]'
        )
    return _CURVES[key.lower()]


def _summation_name(method) -> str:
    key = getattr(method, "value", method)
    if (
        not isinstance(key, str)
        or key.lower() not in _SUMMATIONS
        or key
        not in (
            key.lower(),
            key.capitalize(),
        )
    ):
        raise ValueError(
            f'Invalid AUC summation method value: "{method}". Expected values are '
            '["interpolation", "majoring", "minoring"]'
        )
    return key.lower()


class AUC(Metric):
    """Approximate area under the ROC or PR curve (Riemann sum over ``num_thresholds``).

    Args:
        num_thresholds: evenly spaced thresholds in [0, 1] (default 200).
        curve: ``"ROC"`` (default), ``"PR"`` or ``"PRGAIN"``.
        summation_method: ``"interpolation"`` (default; for PR, Davis & Goadrich's), ``"minoring"``
            or ``"majoring"``.
        thresholds: explicit thresholds instead of ``num_thresholds`` (0 and 1 are added).
        multi_label: one curve per label (columns of a 2-D ``y_pred``), averaged.
        num_labels: the number of labels, to create the state before the first update.
        label_weights: per-label weights (the average's weights with ``multi_label``).
        from_logits: apply a sigmoid to predictions first.

    >>> m = AUC(curve="PR")
    >>> m.update_state([0, 1], [0.2, 0.8])
    >>> round(float(m.result()), 4)
    1.0
    """

    def __init__(
        self,
        num_thresholds=200,
        curve="ROC",
        summation_method="interpolation",
        name=None,
        dtype=None,
        thresholds=None,
        multi_label=False,
        num_labels=None,
        label_weights=None,
        from_logits=False,
    ):
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            self.num_thresholds = len(thresholds) + 2
            thresholds = sorted(thresholds)
            self._thresholds_distributed_evenly = cu.is_evenly_distributed_thresholds(
                np.array([0.0, *thresholds, 1.0])
            )
        else:
            if num_thresholds <= 1:
                raise ValueError(
                    "Argument `num_thresholds` must be an integer > 1. "
                    f"Received: num_thresholds={num_thresholds}"
                )
            self.num_thresholds = num_thresholds
            thresholds = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self._thresholds_distributed_evenly = True
        eps = config.epsilon()
        self._thresholds = np.array([0.0 - eps, *thresholds, 1.0 + eps])
        self._threshold_list = [float(t) for t in self._thresholds]  # what the updates take
        self.curve = _curve_name(curve)
        self.summation_method = _summation_name(summation_method)
        super().__init__(name=name, dtype=dtype)
        self._direction = "up"
        self.multi_label = multi_label
        self.num_labels = num_labels
        self.label_weights = (
            None if label_weights is None else core.convert_to_tensor(label_weights, self.dtype)
        )
        self._label_weights_config = (
            None if label_weights is None else [float(w) for w in np.asarray(label_weights)]
        )
        self._from_logits = from_logits
        self._built = False
        if self.multi_label:
            if num_labels:
                self._build((None, num_labels))
        else:
            if num_labels:
                raise ValueError("`num_labels` is needed only when `multi_label` is True.")
            self._build(None)

    @property
    def thresholds(self) -> list:
        return list(self._thresholds)

    def _build(self, shape):
        if self.multi_label:
            if len(shape) != 2:
                raise ValueError(
                    "`y_pred` must have rank 2 when `multi_label=True`. Found rank "
                    f"{len(shape)}. Full shape received for `y_pred`: {tuple(shape)}"
                )
            self._num_labels = shape[1]
            var_shape = (self.num_thresholds, self._num_labels)
        else:
            var_shape = (self.num_thresholds,)
        self.true_positives = self.add_variable(var_shape, "zeros", name="true_positives")
        self.false_positives = self.add_variable(var_shape, "zeros", name="false_positives")
        self.true_negatives = self.add_variable(var_shape, "zeros", name="true_negatives")
        self.false_negatives = self.add_variable(var_shape, "zeros", name="false_negatives")
        self._built = True

    def build_state(self, y_true, y_pred):
        if not self._built:
            self._build(tuple(y_pred.shape))

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = core.convert_to_tensor(y_pred)
        if not self._built:
            self._build(tuple(y_pred.shape))
        if self._from_logits:
            y_pred = ops.sigmoid(y_pred)
        cu.update_confusion_matrix_variables(
            {
                cu.TP: self.true_positives,
                cu.TN: self.true_negatives,
                cu.FP: self.false_positives,
                cu.FN: self.false_negatives,
            },
            y_true,
            y_pred,
            self._threshold_list,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            sample_weight=sample_weight,
            multi_label=self.multi_label,
            label_weights=None if self.multi_label else self.label_weights,
        )

    def _average(self, terms):
        if self.multi_label:
            by_label = ops.sum(terms, axis=0)
            if self.label_weights is None:
                return ops.mean(by_label)
            return divide_no_nan(
                ops.sum(by_label * self.label_weights), ops.sum(self.label_weights)
            )
        return ops.sum(terms)

    def interpolate_pr_auc(self):
        """Davis & Goadrich (2006)'s interpolated area under the precision-recall curve."""
        n = self.num_thresholds
        tp, fp, fn = self.true_positives, self.false_positives, self.false_negatives
        dtp = tp[: n - 1] - tp[1:]
        p = tp + fp
        dp = p[: n - 1] - p[1:]
        prec_slope = divide_no_nan(dtp, ops.clip(dp, 0.0, None))
        intercept = tp[1:] - prec_slope * p[1:]
        both_positive = ops.logical_and(p[: n - 1] > 0, p[1:] > 0)
        safe_p_ratio = ops.where(
            both_positive,
            divide_no_nan(p[: n - 1], ops.clip(p[1:], 0.0, None)),
            ops.ones_like(p[1:]),
        )
        increment = divide_no_nan(
            prec_slope * (dtp + intercept * ops.log(safe_p_ratio)),
            ops.clip(tp[1:] + fn[1:], 0.0, None),
        )
        return self._average(increment)

    def result(self):
        if self.curve == "PR" and self.summation_method == "interpolation":
            return self.interpolate_pr_auc()
        tp, fp, tn, fn = (
            self.true_positives,
            self.false_positives,
            self.true_negatives,
            self.false_negatives,
        )
        recall = divide_no_nan(tp, tp + fn)
        if self.curve == "ROC":
            x, y = divide_no_nan(fp, fp + tn), recall
        elif self.curve == "PR":
            x, y = recall, divide_no_nan(tp, tp + fp)
        else:  # PRGAIN
            scaling = divide_no_nan(tp + fn, tn + fp)
            recall_gain = 1.0 - scaling * divide_no_nan(fn, tp)
            precision_gain = 1.0 - scaling * divide_no_nan(fp, tp)
            no_tp = ops.equal(tp, 0.0)
            recall_gain = ops.where(no_tp, ops.zeros_like(recall_gain), recall_gain)
            precision_gain = ops.where(no_tp, ops.ones_like(precision_gain), precision_gain)
            x, y = ops.clip(recall_gain, 0.0, None), precision_gain
        n = self.num_thresholds
        if self.summation_method == "interpolation":
            heights = (y[: n - 1] + y[1:]) / 2.0
        elif self.summation_method == "minoring":
            heights = ops.minimum(y[: n - 1], y[1:])
        else:
            heights = ops.maximum(y[: n - 1], y[1:])
        return self._average((x[: n - 1] - x[1:]) * heights)

    def reset_state(self):
        if self._built:
            super().reset_state()

    def get_config(self) -> dict:
        config = {
            **super().get_config(),
            "num_thresholds": self.num_thresholds,
            "curve": self.curve,
            "summation_method": self.summation_method,
            "multi_label": self.multi_label,
            "num_labels": self.num_labels,
            "label_weights": self._label_weights_config,
            "from_logits": self._from_logits,
        }
        if self._init_from_thresholds:
            config["thresholds"] = self.thresholds[1:-1]
        return config
