"""Accuracy metrics: exact, binary (thresholded), categorical (one-hot), sparse (integer), and
top-k (the label among the k highest scores).

The functions return 1.0 / 0.0 per sample; the classes average them over everything seen.

>>> m = BinaryAccuracy()
>>> m.update_state([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]])
>>> float(m.result())
0.75
"""

from __future__ import annotations

from lamina import config
from lamina.ops import kernels as ops  # the training path: no conversion
from lamina.backend import core
from lamina.losses.loss import squeeze_or_expand_to_same_rank
from lamina.metrics.reduction import _BuiltinMeanMetric


def accuracy(y_true, y_pred):
    """1.0 where ``y_true == y_pred`` exactly, else 0.0.

    >>> accuracy([1, 2, 3], [1.0, 2.0, 4.0])
    tensor([1., 1., 0.])
    """
    y_pred = core.convert_to_tensor(y_pred)
    y_true = core.convert_to_tensor(y_true, ops.dtype(y_pred))
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return ops.cast(ops.equal(y_true, y_pred), config.floatx())


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """1.0 where ``y_pred > threshold`` matches the 0/1 label, else 0.0.

    >>> binary_accuracy([1, 0], [0.7, 0.7])
    tensor([1., 0.])
    """
    y_pred = core.convert_to_tensor(y_pred)
    y_true = core.convert_to_tensor(y_true)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    y_pred = ops.cast(ops.greater(y_pred, threshold), ops.dtype(y_true))
    return ops.cast(ops.equal(y_true, y_pred), config.floatx())


def _matches(y_true, y_pred, y_true_shape, reshape):
    y_pred = ops.argmax(y_pred, axis=-1)
    if ops.dtype(y_pred) != ops.dtype(y_true):
        y_pred = ops.cast(y_pred, ops.dtype(y_true))
    matches = ops.cast(ops.equal(y_true, y_pred), config.floatx())
    return ops.reshape(matches, y_true_shape) if reshape else matches


def categorical_accuracy(y_true, y_pred):
    """1.0 where the arg-max of the prediction is the arg-max of the one-hot label.

    >>> categorical_accuracy([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
    tensor([0., 1.])
    """
    y_true = ops.argmax(core.convert_to_tensor(y_true), axis=-1)
    y_pred = core.convert_to_tensor(y_pred)
    y_true = core.cast(y_true, ops.dtype(y_pred))
    shape = tuple(y_true.shape)
    reshape = len(y_true.shape) == len(y_pred.shape)
    if reshape:
        y_true = ops.squeeze(y_true, -1)
    return _matches(y_true, y_pred, shape, reshape)


def sparse_categorical_accuracy(y_true, y_pred):
    """1.0 where the arg-max of the prediction equals the integer label.

    >>> sparse_categorical_accuracy([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]])
    tensor([0., 1.])
    """
    y_pred = core.convert_to_tensor(y_pred)
    y_true = core.convert_to_tensor(y_true, ops.dtype(y_pred))
    shape = tuple(y_true.shape)
    reshape = len(y_true.shape) == len(y_pred.shape) and y_true.shape[-1] == 1
    if reshape:
        y_true = ops.squeeze(y_true, -1)
    matches = _matches(y_true, y_pred, shape, reshape)
    # labels shaped (n, 1) still give one value per sample
    if len(matches.shape) > 1 and matches.shape[-1] == 1:
        matches = ops.squeeze(matches, -1)
    return matches


class Accuracy(_BuiltinMeanMetric):
    """How often predictions equal labels exactly.

    >>> m = Accuracy()
    >>> m.update_state([[1], [2], [3], [4]], [[0], [2], [3], [4]])
    >>> float(m.result())
    0.75
    """

    _direction = "up"

    def __init__(self, name="accuracy", dtype=None):
        super().__init__(fn=accuracy, name=name, dtype=dtype)


class BinaryAccuracy(_BuiltinMeanMetric):
    """How often ``y_pred > threshold`` matches binary labels.

    >>> m = BinaryAccuracy(threshold=0.5)
    >>> m.update_state([[1], [0]], [[0.9], [0.8]])
    >>> float(m.result())
    0.5
    """

    _direction = "up"
    _config_keys = ("threshold",)

    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        super().__init__(fn=binary_accuracy, name=name, dtype=dtype, threshold=threshold)


class CategoricalAccuracy(_BuiltinMeanMetric):
    """How often the arg-max of predictions matches one-hot labels.

    >>> m = CategoricalAccuracy()
    >>> m.update_state([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
    >>> float(m.result())
    0.5
    """

    _direction = "up"

    def __init__(self, name="categorical_accuracy", dtype=None):
        super().__init__(fn=categorical_accuracy, name=name, dtype=dtype)


class SparseCategoricalAccuracy(_BuiltinMeanMetric):
    """How often the arg-max of predictions matches integer labels.

    >>> m = SparseCategoricalAccuracy()
    >>> m.update_state([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]])
    >>> float(m.result())
    0.5
    """

    _direction = "up"

    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        super().__init__(fn=sparse_categorical_accuracy, name=name, dtype=dtype)


def in_top_k(targets, predictions, k):
    """True where ``predictions[i, targets[i]]`` is among the ``k`` largest of row ``i``.

    Ties with the k-th largest score count as in, as in Keras.

    >>> in_top_k([1, 0], [[0.1, 0.5, 0.4], [0.1, 0.5, 0.4]], k=2)
    tensor([ True, False])
    """
    predictions = core.convert_to_tensor(predictions)
    targets = ops.cast(core.convert_to_tensor(targets), "int64")
    kth_largest = ops.sort(predictions, axis=-1)[..., -k : predictions.shape[-1] - k + 1]
    target_score = ops.take_along_axis(predictions, ops.expand_dims(targets, -1), axis=-1)
    return ops.squeeze(ops.greater_equal(target_score, kth_largest), -1)


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1.0 where the one-hot label's class is among the ``k`` highest predictions.

    >>> top_k_categorical_accuracy([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]], k=1)
    tensor([0., 1.])
    """
    y_pred = core.convert_to_tensor(y_pred)
    y_true = ops.argmax(core.convert_to_tensor(y_true, ops.dtype(y_pred)), axis=-1)
    shape = tuple(y_true.shape)
    if len(y_pred.shape) > 2:
        y_pred = ops.reshape(y_pred, (-1, y_pred.shape[-1]))
    if len(shape) > 1:
        y_true = ops.reshape(y_true, (-1,))
    matches = ops.cast(in_top_k(y_true, y_pred, k), config.floatx())
    return ops.reshape(matches, shape) if len(shape) > 1 else matches


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5, from_sorted_ids=False):
    """1.0 where the integer label is among the ``k`` highest predictions.

    With ``from_sorted_ids=True``, ``y_pred`` already holds class ids, best first.

    >>> sparse_top_k_categorical_accuracy([2, 1], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]], k=1)
    tensor([0., 1.])
    """
    y_pred = core.convert_to_tensor(y_pred)
    y_true = core.convert_to_tensor(y_true)
    y_true = ops.cast(y_true, ops.dtype(y_pred) if from_sorted_ids else "int32")
    shape = tuple(y_true.shape)
    if len(y_pred.shape) > 2:
        y_pred = ops.reshape(y_pred, (-1, y_pred.shape[-1]))
    if len(shape) > 1:
        y_true = ops.reshape(y_true, (-1,))
    if from_sorted_ids:
        matches = ops.any(ops.equal(ops.expand_dims(y_true, 1), y_pred[:, :k]), axis=1)
    else:
        matches = in_top_k(y_true, y_pred, k)
    matches = ops.cast(matches, config.floatx())
    return ops.reshape(matches, shape) if len(shape) > 1 else matches


class TopKCategoricalAccuracy(_BuiltinMeanMetric):
    """How often the one-hot label's class is among the ``k`` highest predictions.

    >>> m = TopKCategoricalAccuracy(k=1)
    >>> m.update_state([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
    >>> float(m.result())
    0.5
    """

    _direction = "up"
    _config_keys = ("k",)

    def __init__(self, k=5, name="top_k_categorical_accuracy", dtype=None):
        super().__init__(fn=top_k_categorical_accuracy, name=name, dtype=dtype, k=k)


class SparseTopKCategoricalAccuracy(_BuiltinMeanMetric):
    """How often the integer label is among the ``k`` highest predictions.

    >>> m = SparseTopKCategoricalAccuracy(k=1)
    >>> m.update_state([2, 1], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
    >>> float(m.result())
    0.5
    """

    _direction = "up"
    _config_keys = ("k",)

    def __init__(
        self, k=5, name="sparse_top_k_categorical_accuracy", dtype=None, from_sorted_ids=False
    ):
        super().__init__(
            fn=sparse_top_k_categorical_accuracy,
            name=name,
            dtype=dtype,
            k=k,
            from_sorted_ids=from_sorted_ids,
        )
        self.from_sorted_ids = from_sorted_ids

    def get_config(self) -> dict:
        # Keras writes `from_sorted_ids` only when it is set
        config = super().get_config()
        if self.from_sorted_ids:
            config["from_sorted_ids"] = True
        return config
