"""``tf.math``: the elementwise and reduction functions under their ``tf.math`` names."""

from __future__ import annotations

from lamina import ops
from lamina.compat.tensorflow import _tensors
from lamina.compat.tensorflow._tensors import _t, _unsupported


def top_k(input, k=1, sorted=True, index_type="int32", name=None):  # noqa: A002
    values, indices = ops.top_k(_t(input), k=int(k), sorted=sorted)
    return _TopK(values, ops.cast(indices, str(index_type)))


class _TopK(tuple):
    def __new__(cls, values, indices):
        return super().__new__(cls, (values, indices))

    values = property(lambda self: self[0])
    indices = property(lambda self: self[1])


def softplus(features, name=None):
    return ops.softplus(_t(features))


def confusion_matrix(labels, predictions, num_classes=None, weights=None, dtype="int32",
                     name=None):
    labels, predictions = ops.cast(_t(labels), "int64"), ops.cast(_t(predictions), "int64")
    if num_classes is None:
        num_classes = int(ops.convert_to_numpy(ops.maximum(ops.max(labels),
                                                           ops.max(predictions)))) + 1
    index = labels * num_classes + predictions
    counts = ops.bincount(index, weights=None if weights is None else _t(weights),
                          minlength=num_classes * num_classes)
    return ops.cast(ops.reshape(counts, (num_classes, num_classes)), str(dtype))


def count_nonzero(input, axis=None, keepdims=False, dtype="int64", name=None):  # noqa: A002
    return ops.cast(ops.sum(ops.cast(ops.not_equal(_t(input), 0), "int32"),
                            axis=_tensors._axis(axis), keepdims=keepdims), str(dtype))


def in_top_k(targets, predictions, k, name=None):
    _, idx = ops.top_k(_t(predictions), k=int(k))
    return ops.any(ops.equal(idx, ops.expand_dims(ops.cast(_t(targets), idx.dtype), -1)),
                   axis=-1)


def l2_normalize(x, axis=None, epsilon=1e-12, name=None, dim=None):
    x = _t(x)
    axis = dim if axis is None else axis
    square_sum = ops.sum(ops.square(x), axis=_tensors._axis(axis), keepdims=True)
    return x * ops.rsqrt(ops.maximum(square_sum, epsilon)) if hasattr(ops, "rsqrt") else \
        x / ops.sqrt(ops.maximum(square_sum, epsilon))


def divide_no_nan(x, y, name=None):
    x, y = _t(x), _t(y)
    return ops.where(ops.equal(y, 0), ops.zeros_like(x * y), x / ops.where(ops.equal(y, 0),
                                                                           ops.ones_like(y), y))


reduce_mean, reduce_sum, reduce_max, reduce_min = (
    _tensors.reduce_mean, _tensors.reduce_sum, _tensors.reduce_max, _tensors.reduce_min)
reduce_prod, reduce_any, reduce_all = _tensors.reduce_prod, _tensors.reduce_any, \
    _tensors.reduce_all
reduce_logsumexp, reduce_std, reduce_variance = (
    _tensors.reduce_logsumexp, _tensors.reduce_std, _tensors.reduce_variance)
argmax, argmin, cumsum = _tensors.argmax, _tensors.argmin, _tensors.cumsum
add_n = _tensors.add_n


def __getattr__(name):
    if name in _tensors.__all__:
        return getattr(_tensors, name)
    raise _unsupported(name, "tf.math")
