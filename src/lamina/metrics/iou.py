"""Intersection-over-union metrics for segmentation, from an accumulated confusion matrix.

>>> m = MeanIoU(num_classes=2)
>>> m.update_state([0, 0, 1, 1], [0, 1, 0, 1])
>>> round(float(m.result()), 4)
0.3333
"""

from __future__ import annotations

import warnings

from lamina import config
from lamina.ops import kernels as ops  # the training path: no conversion
from lamina.backend import core
from lamina.metrics.confusion_utils import confusion_matrix
from lamina.metrics.metric import Metric


class _IoUBase(Metric):
    # the config: these attributes, in the order Keras writes them
    _config_keys: tuple[str, ...] = ()

    def __init__(
        self,
        num_classes,
        name=None,
        dtype=None,
        ignore_class=None,
        sparse_y_true=True,
        sparse_y_pred=True,
        axis=-1,
    ):
        # Keras counts in integers by default ("int" is int32 there)
        super().__init__(name=name, dtype=dtype or "int32")
        self._direction = "up"
        self.num_classes = num_classes
        self.ignore_class = ignore_class
        self.sparse_y_true = sparse_y_true
        self.sparse_y_pred = sparse_y_pred
        self.axis = axis
        self.total_cm = self.add_variable(
            (num_classes, num_classes), "zeros", dtype=self.dtype, name="total_confusion_matrix"
        )

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = core.convert_to_tensor(y_true)
        y_pred = core.convert_to_tensor(y_pred)
        if not self.sparse_y_true:
            y_true = ops.argmax(y_true, axis=self.axis)
        if not self.sparse_y_pred:
            y_pred = ops.argmax(y_pred, axis=self.axis)
        y_true = ops.reshape(ops.cast(y_true, self.dtype), (-1,))
        y_pred = ops.reshape(ops.cast(y_pred, self.dtype), (-1,))
        if sample_weight is None:
            sample_weight = 1
        elif (
            hasattr(sample_weight, "dtype")
            and "float" in str(sample_weight.dtype)
            and "int" in self.dtype
        ):
            warnings.warn(
                "You are passing weight as `float`, but dtype is `int`. This may result in an "
                "incorrect weight due to type casting Consider using integer weights.",
                stacklevel=2,
            )
        sample_weight = ops.reshape(core.convert_to_tensor(sample_weight, self.dtype), (-1,))
        sample_weight = ops.broadcast_to(sample_weight, tuple(y_true.shape))
        in_bounds = ops.logical_and(
            ops.logical_and(ops.greater_equal(y_true, 0), ops.less(y_true, self.num_classes)),
            ops.logical_and(ops.greater_equal(y_pred, 0), ops.less(y_pred, self.num_classes)),
        )
        if self.ignore_class is not None:
            in_bounds = ops.logical_and(in_bounds, ops.not_equal(y_true, self.ignore_class))
        zeros = ops.zeros_like(y_true)
        y_true = ops.where(in_bounds, y_true, zeros)
        y_pred = ops.where(in_bounds, y_pred, zeros)
        sample_weight = ops.where(in_bounds, sample_weight, ops.zeros_like(sample_weight))
        cm = confusion_matrix(y_true, y_pred, self.num_classes, sample_weight, self.dtype)
        self.total_cm.assign_add(cm)

    def get_config(self) -> dict:
        return {key: getattr(self, key) for key in self._config_keys}


class IoU(_IoUBase):
    """Intersection over union ``TP / (TP + FP + FN)`` averaged over ``target_class_ids``.

    Args:
        num_classes: the number of classes.
        target_class_ids: the classes whose IoU is averaged.
        ignore_class: a label whose pixels are left out.
        sparse_y_true, sparse_y_pred: whether labels / predictions are class ids (True) or
            scores / one-hot along ``axis`` (False; the arg-max is taken).

    >>> m = IoU(num_classes=2, target_class_ids=[0])
    >>> m.update_state([0, 0, 1, 1], [0, 1, 0, 1])
    >>> round(float(m.result()), 4)
    0.3333
    """

    _config_keys = (
        "name",
        "dtype",
        "num_classes",
        "target_class_ids",
        "ignore_class",
        "sparse_y_true",
        "sparse_y_pred",
        "axis",
    )

    def __init__(
        self,
        num_classes,
        target_class_ids,
        name=None,
        dtype=None,
        ignore_class=None,
        sparse_y_true=True,
        sparse_y_pred=True,
        axis=-1,
    ):
        super().__init__(
            name=name,
            num_classes=num_classes,
            ignore_class=ignore_class,
            sparse_y_true=sparse_y_true,
            sparse_y_pred=sparse_y_pred,
            axis=axis,
            dtype=dtype,
        )
        if max(target_class_ids) >= num_classes:
            raise ValueError(
                f"Target class id {max(target_class_ids)} is out of range, which is "
                f"[0, {num_classes})."
            )
        self.target_class_ids = list(target_class_ids)

    def result(self):
        cm = ops.cast(self.total_cm, "float32")
        sum_over_row = ops.sum(cm, axis=0)
        sum_over_col = ops.sum(cm, axis=1)
        true_positives = ops.sum(cm * ops.eye(self.num_classes), axis=1)
        denominator = sum_over_row + sum_over_col - true_positives
        ids = core.convert_to_tensor(self.target_class_ids, "int64")
        true_positives = ops.take(true_positives, ids)
        denominator = ops.take(denominator, ids)
        valid = ops.greater(denominator, 1e-9)
        num_valid = ops.sum(ops.cast(valid, "float32"))
        iou = true_positives / (denominator + config.epsilon())
        iou = ops.where(valid, iou, ops.zeros_like(iou))
        return ops.sum(iou, axis=self.axis) / (num_valid + config.epsilon())


class BinaryIoU(IoU):
    """IoU for binary labels; predictions count as 1 where ``y_pred >= threshold``.

    >>> m = BinaryIoU(target_class_ids=[1])
    >>> m.update_state([0, 1, 1], [0.2, 0.7, 0.4])
    >>> round(float(m.result()), 4)
    0.5
    """

    _config_keys = ("target_class_ids", "threshold", "name", "dtype")

    def __init__(self, target_class_ids=(0, 1), threshold=0.5, name=None, dtype=None):
        super().__init__(num_classes=2, target_class_ids=target_class_ids, name=name, dtype=dtype)
        self.threshold = threshold

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = core.convert_to_tensor(y_pred, "float32")
        y_pred = ops.cast(ops.greater_equal(y_pred, self.threshold), self.dtype)
        return super().update_state(y_true, y_pred, sample_weight)


class MeanIoU(IoU):
    """The IoU averaged over all classes.

    >>> m = MeanIoU(num_classes=2)
    >>> m.update_state([0, 1], [0, 1])
    >>> round(float(m.result()), 4)
    1.0
    """

    _config_keys = (
        "num_classes",
        "name",
        "dtype",
        "ignore_class",
        "sparse_y_true",
        "sparse_y_pred",
        "axis",
    )

    def __init__(
        self,
        num_classes,
        name=None,
        dtype=None,
        ignore_class=None,
        sparse_y_true=True,
        sparse_y_pred=True,
        axis=-1,
    ):
        super().__init__(
            name=name,
            num_classes=num_classes,
            target_class_ids=list(range(num_classes)),
            axis=axis,
            dtype=dtype,
            ignore_class=ignore_class,
            sparse_y_true=sparse_y_true,
            sparse_y_pred=sparse_y_pred,
        )


class OneHotIoU(IoU):
    """IoU for one-hot labels (and, by default, score predictions) over ``target_class_ids``."""

    _config_keys = (
        "num_classes",
        "target_class_ids",
        "name",
        "dtype",
        "ignore_class",
        "sparse_y_pred",
        "axis",
    )

    def __init__(
        self,
        num_classes,
        target_class_ids,
        name=None,
        dtype=None,
        ignore_class=None,
        sparse_y_pred=False,
        axis=-1,
    ):
        super().__init__(
            num_classes=num_classes,
            target_class_ids=target_class_ids,
            name=name,
            dtype=dtype,
            ignore_class=ignore_class,
            sparse_y_true=False,
            sparse_y_pred=sparse_y_pred,
            axis=axis,
        )


class OneHotMeanIoU(MeanIoU):
    """The mean IoU for one-hot labels (and, by default, score predictions)."""

    _config_keys = ("num_classes", "name", "dtype", "ignore_class", "sparse_y_pred", "axis")

    def __init__(
        self, num_classes, name=None, dtype=None, ignore_class=None, sparse_y_pred=False, axis=-1
    ):
        super().__init__(
            num_classes=num_classes,
            axis=axis,
            name=name,
            dtype=dtype,
            ignore_class=ignore_class,
            sparse_y_true=False,
            sparse_y_pred=sparse_y_pred,
        )
