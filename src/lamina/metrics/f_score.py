"""F-scores: the weighted harmonic mean of precision and recall, per class or averaged.

>>> import numpy as np
>>> m = F1Score(average="micro")
>>> m.update_state(np.eye(2, dtype="float32"), np.array([[0.9, 0.1], [0.6, 0.4]], "float32"))
>>> round(float(m.result()), 4)
0.5
"""

from __future__ import annotations

from lamina import config
from lamina.ops import kernels as ops  # the training path: no conversion
from lamina.backend import core
from lamina.metrics.metric import Metric


class FBetaScore(Metric):
    """``(1 + beta^2) * P * R / (beta^2 * P + R)`` over classes of 2-D inputs.

    Args:
        average: ``None`` (one score per class), ``"micro"`` (counts pooled over classes),
            ``"macro"`` (plain mean of the class scores) or ``"weighted"`` (mean weighted by
            each class's number of true instances).
        beta: a float > 0: how much more recall weighs than precision.
        threshold: predictions above it count as positive; ``None``: the arg-max per row.

    >>> import numpy as np
    >>> m = FBetaScore(beta=2.0)
    >>> m.update_state(np.eye(2, dtype="float32"), np.eye(2, dtype="float32"))
    >>> tuple(m.result().shape)
    (2,)
    """

    def __init__(self, average=None, beta=1.0, threshold=None, name="fbeta_score", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self._direction = "up"
        if average not in (None, "micro", "macro", "weighted"):
            raise ValueError(
                "Invalid `average` argument value. Expected one of: "
                f"{{None, 'micro', 'macro', 'weighted'}}. Received: average={average}"
            )
        if not isinstance(beta, float):
            raise ValueError(
                "Invalid `beta` argument value. It should be a Python float. "
                f"Received: beta={beta} of type '{type(beta)}'"
            )
        if beta <= 0.0:
            raise ValueError(
                f"Invalid `beta` argument value. It should be > 0. Received: beta={beta}"
            )
        if threshold is not None:
            if not isinstance(threshold, float):
                raise ValueError(
                    "Invalid `threshold` argument value. It should be a Python float. "
                    f"Received: threshold={threshold} of type '{type(threshold)}'"
                )
            if threshold > 1.0 or threshold <= 0.0:
                raise ValueError(
                    "Invalid `threshold` argument value. It should verify 0 < threshold <= 1. "
                    f"Received: threshold={threshold}"
                )
        self.average = average
        self.beta = beta
        self.threshold = threshold
        self.axis = None if average == "micro" else 0
        self._built = False

    def _build(self, y_true_shape, y_pred_shape):
        if len(y_pred_shape) != 2 or len(y_true_shape) != 2:
            raise ValueError(
                "FBetaScore expects 2D inputs with shape (batch_size, output_dim). Received "
                f"input shapes: y_pred.shape={tuple(y_pred_shape)} and "
                f"y_true.shape={tuple(y_true_shape)}."
            )
        shape = () if self.average == "micro" else (y_pred_shape[-1],)
        for name in (
            "true_positives",
            "false_positives",
            "false_negatives",
            "intermediate_weights",
        ):
            setattr(self, name, self.add_variable(shape, "zeros", name=name))
        self._built = True

    def build_state(self, y_true, y_pred):
        if not self._built:
            self._build(tuple(y_true.shape), tuple(y_pred.shape))

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = core.convert_to_tensor(y_true, self.dtype)
        y_pred = core.convert_to_tensor(y_pred, self.dtype)
        if not self._built:
            self._build(y_true.shape, y_pred.shape)
        if self.threshold is None:
            row_max = ops.max(y_pred, axis=-1, keepdims=True)
            y_pred = ops.logical_and(y_pred >= row_max, ops.abs(y_pred) > 1e-9)
        else:
            y_pred = y_pred > self.threshold
        y_pred = ops.cast(y_pred, self.dtype)
        if sample_weight is not None:
            sample_weight = ops.expand_dims(core.convert_to_tensor(sample_weight, self.dtype), 1)

        def weighted_sum(val):
            if sample_weight is not None:
                val = val * sample_weight
            return ops.sum(val, axis=self.axis)

        self.true_positives.assign_add(weighted_sum(y_pred * y_true))
        self.false_positives.assign_add(weighted_sum(y_pred * (1 - y_true)))
        self.false_negatives.assign_add(weighted_sum((1 - y_pred) * y_true))
        self.intermediate_weights.assign_add(weighted_sum(y_true))

    def result(self):
        if not self._built:
            return ops.zeros((), dtype=self.dtype)
        eps = config.epsilon()
        tp = self.true_positives
        precision = tp / (tp + self.false_positives + eps)
        recall = tp / (tp + self.false_negatives + eps)
        beta2 = self.beta**2
        f_score = precision * recall / (beta2 * precision + recall + eps) * (1 + beta2)
        if self.average == "weighted":
            w = self.intermediate_weights
            return ops.sum(f_score * (w / (ops.sum(w) + eps)))
        if self.average is not None:
            return ops.mean(f_score)
        return f_score

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "average": self.average,
            "beta": self.beta,
            "threshold": self.threshold,
        }


class F1Score(FBetaScore):
    """The F1 score ``2 P R / (P + R)``: ``FBetaScore`` with ``beta=1``.

    >>> import numpy as np
    >>> m = F1Score(average="macro")
    >>> m.update_state(np.eye(2, dtype="float32"), np.eye(2, dtype="float32"))
    >>> round(float(m.result()), 4)
    1.0
    """

    def __init__(self, average=None, threshold=None, name="f1_score", dtype=None):
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name, dtype=dtype)

    def get_config(self) -> dict:
        config = super().get_config()
        del config["beta"]
        return config
