"""Cross-entropy losses: binary, categorical (one-hot labels) and sparse categorical (integers).

Probabilities (``from_logits=False``) are clipped to ``[epsilon, 1 - epsilon]`` before the log,
as Keras 3 does; logits go through a log-softmax / log-sigmoid instead.

>>> from lamina import losses
>>> losses.CategoricalCrossentropy()([[0, 1, 0]], [[0.05, 0.95, 0.0]])   # -log(0.95)
tensor(0.0513)
"""

from __future__ import annotations

import warnings

import numpy as np

from lamina.ops import kernels as ops  # the training path: no conversion
from lamina.backend import core
from lamina.losses.loss import set_mask
from lamina.losses.wrapper import _BuiltinLoss


def _check_axis(axis):
    if isinstance(axis, bool) or not isinstance(axis, int):
        # ValueError, not TypeError: what Keras raises
        raise ValueError(  # noqa: TRY004
            f"`axis` must be of type `int`. Received: axis={axis!r} of type {type(axis)}"
        )


def _check_same_shape(fn_name, y_true, y_pred):
    if tuple(y_true.shape) != tuple(y_pred.shape):
        hint = ""
        labels = tuple(y_true.shape)
        if len(labels) in (len(y_pred.shape) - 1, len(y_pred.shape)) and \
                labels[:len(y_pred.shape) - 1] == tuple(y_pred.shape[:-1]) and \
                (len(labels) < len(y_pred.shape) or labels[-1] == 1):
            hint = (" The targets look like integer class labels: use "
                    "loss='sparse_categorical_crossentropy', or one-hot encode them with "
                    f"keras.utils.to_categorical(y, num_classes={y_pred.shape[-1]}).")
        raise ValueError(
            f"{fn_name}: arguments `target` and `output` must have the same shape. Received: "
            f"target.shape={tuple(y_true.shape)}, output.shape={tuple(y_pred.shape)}.{hint}"
        )


class LabelOutOfRangeError(ValueError, IndexError):
    """An integer class label outside ``[0, num_classes)`` (a ValueError and an IndexError)."""


def _label_range_error(fn_name, y_true, num_classes):
    """The error for labels a sparse loss cannot index with (found only once it failed)."""
    labels = np.asarray(core.convert_to_numpy(y_true)).astype("int64", copy=False).ravel()
    bad = labels[(labels < 0) | (labels >= num_classes)]
    if not bad.size:
        return None
    shown = ", ".join(str(v) for v in np.unique(bad)[:5])
    return LabelOutOfRangeError(
        f"{fn_name}: the labels must be integers in [0, {num_classes}) since the model outputs "
        f"{num_classes} classes, but label {bad[0]} was found ({bad.size} label(s) out of range; "
        f"values: {shown}). Give the last layer as many units as there are classes "
        f"(e.g. Dense({int(labels.max()) + 1})), or map the labels to 0..{num_classes - 1}."
    )


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Binary cross-entropy per sample: the mean over ``axis`` of the element-wise loss.

    ``label_smoothing`` squeezes labels towards 0.5: ``y * (1 - s) + 0.5 * s``.

    >>> binary_crossentropy([[0.0, 1.0]], [[0.4, 0.6]])   # -log(0.6)
    tensor([0.5108])
    """
    y_pred = core.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, ops.dtype(y_pred))
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    _check_same_shape("binary_crossentropy", y_true, y_pred)
    return ops.mean(ops.binary_crossentropy(y_true, y_pred, from_logits=from_logits), axis=axis)


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Categorical cross-entropy per sample, for one-hot (or soft) labels along ``axis``.

    ``label_smoothing`` mixes labels with the uniform distribution over the last axis:
    ``y * (1 - s) + s / num_classes``.

    >>> categorical_crossentropy([[0, 1, 0], [0, 0, 1]], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]])
    tensor([0.0513, 2.3026])
    """
    _check_axis(axis)
    y_pred = core.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, ops.dtype(y_pred))
    if len(y_pred.shape) and y_pred.shape[-1] == 1:
        warnings.warn(
            "In loss categorical_crossentropy, expected y_pred.shape to be "
            f"(batch_size, num_classes) with num_classes > 1. Received: y_pred.shape="
            f"{tuple(y_pred.shape)}. Consider using 'binary_crossentropy' if you only have "
            "2 classes.",
            SyntaxWarning,
            stacklevel=2,
        )
    if label_smoothing:
        num_classes = y_true.shape[-1]
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / num_classes
    _check_same_shape("categorical_crossentropy", y_true, y_pred)
    if len(y_true.shape) < 1:
        raise ValueError(
            "categorical_crossentropy: arguments `target` and `output` must be at least rank 1. "
            f"Received: target.shape={tuple(y_true.shape)}, output.shape={tuple(y_pred.shape)}"
        )
    return ops.categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis)


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None, axis=-1):
    """Categorical cross-entropy per sample, for integer class labels.

    Labels shaped like the predictions without the class axis (or with a trailing 1) work.
    Entries labelled ``ignore_class`` give 0 and are masked out of averaging reductions.

    >>> sparse_categorical_crossentropy([1, 2], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]])
    tensor([0.0513, 2.3026])
    """
    y_pred = core.convert_to_tensor(y_pred)
    y_true = core.convert_to_tensor(y_true)
    rank = len(y_pred.shape)
    if rank < 1:
        raise ValueError(
            "sparse_categorical_crossentropy: argument `output` must be at least rank 1. "
            f"Received: output.shape={tuple(y_pred.shape)}"
        )
    if len(y_true.shape) == rank and y_true.shape[axis] == 1:
        y_true = ops.squeeze(y_true, axis)
    class_axis = axis % rank
    res_shape = tuple(d for i, d in enumerate(y_pred.shape) if i != class_axis)
    if tuple(y_true.shape) != res_shape:
        raise ValueError(
            "sparse_categorical_crossentropy: arguments `target` and `output` must have the same "
            f"shape up until the last dimension: target.shape={tuple(y_true.shape)}, "
            f"output.shape={tuple(y_pred.shape)}"
        )
    if ignore_class is not None:
        valid = ops.not_equal(y_true, ops.cast(ignore_class, ops.dtype(y_pred)))
        y_true = ops.where(valid, y_true, ops.zeros_like(y_true))
        y_pred = ops.where(ops.expand_dims(valid, axis), y_pred, ops.zeros_like(y_pred))
    try:
        res = ops.sparse_categorical_crossentropy(y_true, y_pred, from_logits=from_logits,
                                                  axis=axis)
    except (IndexError, RuntimeError) as e:
        # checked only after the engine refused: a range check per step would cost a sync
        error = _label_range_error("sparse_categorical_crossentropy", y_true,
                                   y_pred.shape[class_axis])
        if error is None:
            raise
        raise error from e
    if ignore_class is not None:
        valid = ops.reshape(valid, res_shape)
        res = set_mask(ops.where(valid, res, ops.zeros_like(res)), valid)
    return res


class BinaryCrossentropy(_BuiltinLoss):
    """Binary cross-entropy between 0/1 labels and probabilities (or logits).

    Args:
        from_logits: whether ``y_pred`` holds logits rather than probabilities.
        label_smoothing: in [0, 1]; labels become ``y * (1 - s) + 0.5 * s``.
        axis: the axis the per-sample mean runs over.

    >>> bce = BinaryCrossentropy(from_logits=True)
    >>> round(float(bce([0, 1, 0, 0], [-18.6, 0.51, 2.94, -12.8])), 3)
    0.865
    """

    _config_keys = ("from_logits", "label_smoothing", "axis")

    def __init__(
        self,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name="binary_crossentropy",
        dtype=None,
    ):
        super().__init__(
            binary_crossentropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )


class CategoricalCrossentropy(_BuiltinLoss):
    """Cross-entropy between one-hot labels and a probability distribution (or logits).

    Args:
        from_logits: whether ``y_pred`` holds logits.
        label_smoothing: in [0, 1]; labels become ``y * (1 - s) + s / num_classes``.
        axis: the class axis.

    >>> CategoricalCrossentropy()([[0, 1, 0], [0, 0, 1]], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]])
    tensor(1.1769)
    """

    _config_keys = ("from_logits", "label_smoothing", "axis")

    def __init__(
        self,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name="categorical_crossentropy",
        dtype=None,
    ):
        super().__init__(
            categorical_crossentropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )


class SparseCategoricalCrossentropy(_BuiltinLoss):
    """Cross-entropy between integer labels and a probability distribution (or logits).

    Args:
        from_logits: whether ``y_pred`` holds logits.
        ignore_class: a label value (e.g. -1 or 255) whose entries are left out of the loss.
        axis: the class axis.

    >>> SparseCategoricalCrossentropy()([1, 2], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]])
    tensor(1.1769)
    """

    # Keras 3 leaves `axis` out of this config; files it writes have no such key
    _config_keys = ("from_logits", "ignore_class")

    def __init__(
        self,
        from_logits=False,
        ignore_class=None,
        reduction="sum_over_batch_size",
        axis=-1,
        name="sparse_categorical_crossentropy",
        dtype=None,
    ):
        super().__init__(
            sparse_categorical_crossentropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            from_logits=from_logits,
            ignore_class=ignore_class,
            axis=axis,
        )
        self.axis = axis
