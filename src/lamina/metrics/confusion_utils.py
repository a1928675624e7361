"""Confusion-matrix counting at thresholds, shared by Precision, Recall, AUC and friends.

Counts are accumulated with tensor ops only (comparisons and sums), so an update never reads
a value back to the host. The counting follows Keras exactly: when the thresholds are evenly
spaced, a prediction falls in bucket ``ceil(p * (T - 1)) - 1`` and counts for every threshold
at or below its bucket (Keras' fast path); otherwise it counts where ``p > threshold``.
"""

from __future__ import annotations

import numpy as np

from lamina import config
from lamina.ops import kernels as ops  # the training path: no conversion
from lamina.backend import core
from lamina.losses.loss import squeeze_or_expand_to_same_rank

NEG_INF = -1e10
TP, FP, TN, FN = "tp", "fp", "tn", "fn"


def to_list(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


def parse_init_thresholds(thresholds, default_threshold=0.5):
    if thresholds is not None:
        invalid = [t for t in to_list(thresholds) if t is None or t < 0 or t > 1]
        if invalid:
            raise ValueError(f"Threshold values must be in [0, 1]. Received: {invalid}")
    return to_list(default_threshold if thresholds is None else thresholds)


def is_evenly_distributed_thresholds(thresholds) -> bool:
    n = len(thresholds)
    if n < 3:
        return False
    even = np.arange(n, dtype=np.float32) / (n - 1)
    return bool(np.allclose(thresholds, even, atol=config.epsilon()))


def filter_top_k(x, k):
    """Keep the ``k`` largest entries of the last axis; set the rest to ``NEG_INF``."""
    order = ops.argsort(x, axis=-1)
    top = order[..., -k:]
    classes = ops.arange(x.shape[-1], dtype=ops.dtype(top))
    hit = ops.equal(ops.expand_dims(top, -1), classes)  # (..., k, classes)
    mask = ops.cast(ops.any(hit, axis=-2), ops.dtype(x))
    return x * mask + NEG_INF * (1 - mask)


def update_confusion_matrix_variables(
    variables,
    y_true,
    y_pred,
    thresholds,
    top_k=None,
    class_id=None,
    sample_weight=None,
    multi_label=False,
    label_weights=None,
    thresholds_distributed_evenly=False,
):
    """Add this batch's weighted TP/FP/TN/FN counts (per threshold) to ``variables``.

    ``variables`` maps ``"tp"``, ``"fp"``, ``"tn"``, ``"fn"`` to state variables of shape
    ``(T,)`` (or ``(T, labels)`` when ``multi_label``).
    """
    dtype = core.dtype_of(next(iter(variables.values())))
    y_true = ops.cast(core.convert_to_tensor(y_true), dtype)
    y_pred = ops.cast(core.convert_to_tensor(y_pred), dtype)
    thresholds = [float(t) for t in thresholds]
    with_epsilon = thresholds_distributed_evenly and (thresholds[0] < 0.0 or thresholds[-1] > 1.0)
    y_pred, y_true = squeeze_or_expand_to_same_rank(y_pred, y_true)
    if sample_weight is not None:
        sample_weight = ops.expand_dims(core.convert_to_tensor(sample_weight, dtype), -1)
        _, sample_weight = squeeze_or_expand_to_same_rank(
            y_true, sample_weight, expand_rank_1=False
        )
    if top_k is not None:
        y_pred = filter_top_k(y_pred, top_k)
    if class_id is not None:
        if len(y_pred.shape) == 1:
            raise ValueError(
                "When class_id is provided, y_pred must be a 2D array with shape "
                f"(num_samples, num_classes), found shape: {tuple(y_pred.shape)}"
            )
        y_true = y_true[..., class_id, None]
        y_pred = y_pred[..., class_id, None]

    weights = None
    if sample_weight is not None:
        weights = ops.broadcast_to(sample_weight, tuple(y_pred.shape))
    if label_weights is not None and not multi_label:
        lw = ops.broadcast_to(
            ops.expand_dims(core.convert_to_tensor(label_weights, dtype), 0), tuple(y_pred.shape)
        )
        weights = lw if weights is None else weights * lw
    if multi_label:
        # (samples, labels): everything past axis 0 is one label axis
        shape = (y_pred.shape[0], -1) if len(y_pred.shape) > 1 else (-1, 1)
    else:
        shape = (-1,)
    y_pred = ops.reshape(y_pred, shape)
    labels = ops.reshape(ops.not_equal(y_true, 0), shape)
    weights = None if weights is None else ops.reshape(weights, shape)

    num_t = len(thresholds)
    t_shape = (num_t, 1, 1) if multi_label else (num_t, 1)
    if thresholds_distributed_evenly:
        clipped = ops.clip(y_pred, 0.0, 1.0)
        bucket = ops.ceil(clipped * float(num_t - 1)) - 1
        if with_epsilon:
            bucket = ops.clip(bucket, 0.0, None)
        index = ops.reshape(ops.arange(num_t, dtype=dtype), t_shape)
        pred_pos = ops.greater_equal(ops.expand_dims(bucket, 0), index)  # (T, ...)
    else:
        t = ops.reshape(core.convert_to_tensor(thresholds, dtype), t_shape)
        pred_pos = ops.greater(ops.expand_dims(y_pred, 0), t)
    label_pos = ops.expand_dims(labels, 0)
    w = None if weights is None else ops.expand_dims(weights, 0)

    def count(label, pred):
        hit = ops.cast(ops.logical_and(label, pred), dtype)
        if w is not None:
            hit = hit * w
        return ops.sum(hit, axis=1)

    if TP in variables:
        variables[TP].assign_add(count(label_pos, pred_pos))
    if FP in variables:
        variables[FP].assign_add(count(ops.logical_not(label_pos), pred_pos))
    if TN in variables:
        variables[TN].assign_add(count(ops.logical_not(label_pos), ops.logical_not(pred_pos)))
    if FN in variables:
        variables[FN].assign_add(count(label_pos, ops.logical_not(pred_pos)))


def confusion_matrix(labels, predictions, num_classes, weights, dtype):
    """The ``(num_classes, num_classes)`` matrix of weighted (label, prediction) counts.

    Built by one-hot products (no scatter, no host reads); rows are labels.
    """
    classes = ops.arange(num_classes, dtype="int64")
    true_hot = ops.equal(ops.expand_dims(ops.cast(labels, "int64"), -1), classes)
    pred_hot = ops.equal(ops.expand_dims(ops.cast(predictions, "int64"), -1), classes)
    # float64 products count exactly (integer weights up to 2**53)
    work = "float64" if ("int" in dtype or dtype == "float64") else dtype
    true_hot = ops.cast(true_hot, work) * ops.expand_dims(ops.cast(weights, work), -1)
    cm = ops.matmul(ops.transpose(true_hot), ops.cast(pred_hot, work))
    return ops.cast(cm, dtype)
