"""``tf.nn``: activations, cross-entropies with logits, dropout, moments."""

from __future__ import annotations

from lamina import ops
from lamina.compat.tensorflow._tensors import _axis, _t, _unsupported
from lamina.compat.tensorflow.math import l2_normalize, top_k  # noqa: F401


def relu(features, name=None):
    return ops.relu(_t(features))


def relu6(features, name=None):
    return ops.relu6(_t(features))


def elu(features, name=None):
    return ops.elu(_t(features))


def selu(features, name=None):
    return ops.selu(_t(features))


def gelu(features, approximate=False, name=None):
    return ops.gelu(_t(features), approximate=approximate)


def silu(features, beta=1.0):
    x = _t(features)
    return x * ops.sigmoid(beta * x)


swish = silu


def leaky_relu(features, alpha=0.2, name=None):
    return ops.leaky_relu(_t(features), negative_slope=alpha)


def sigmoid(x, name=None):
    return ops.sigmoid(_t(x))


def tanh(x, name=None):
    return ops.tanh(_t(x))


def softplus(features, name=None):
    return ops.softplus(_t(features))


def softmax(logits, axis=None, name=None):
    return ops.softmax(_t(logits), axis=-1 if axis is None else axis)


def log_softmax(logits, axis=None, name=None):
    return ops.log_softmax(_t(logits), axis=-1 if axis is None else axis)


def softmax_cross_entropy_with_logits(labels, logits, axis=-1, name=None):
    """Per-example cross-entropy of probability ``labels`` against ``logits``."""
    return -ops.sum(_t(labels) * ops.log_softmax(_t(logits), axis=axis), axis=axis)


def sparse_softmax_cross_entropy_with_logits(labels, logits, name=None):
    return ops.sparse_categorical_crossentropy(_t(labels), _t(logits), from_logits=True)


def sigmoid_cross_entropy_with_logits(labels=None, logits=None, name=None):
    """Elementwise: max(x, 0) - x * z + log(1 + exp(-|x|)), TensorFlow's stable form."""
    x, z = _t(logits), _t(labels)
    return ops.relu(x) - x * z + ops.log1p(ops.exp(-ops.abs(x)))


def weighted_cross_entropy_with_logits(labels, logits, pos_weight, name=None):
    x, z = _t(logits), _t(labels)
    log_weight = 1 + (pos_weight - 1) * z
    return (1 - z) * x + log_weight * (ops.log1p(ops.exp(-ops.abs(x))) + ops.relu(-x))


def l2_loss(t, name=None):
    return ops.sum(ops.square(_t(t))) / 2


def dropout(x, rate, noise_shape=None, seed=None, name=None):
    """Training-time dropout, always applied (as ``tf.nn.dropout``), scaled by 1/(1-rate)."""
    from lamina import random

    return random.dropout(_t(x), rate, noise_shape=noise_shape, seed=seed)


def moments(x, axes, shift=None, keepdims=False, name=None):
    return ops.moments(_t(x), axes=list(_axis(axes)) if isinstance(axes, (list, tuple))
                       else [axes], keepdims=keepdims)


def bias_add(value, bias, data_format=None, name=None):
    value, bias = _t(value), _t(bias)
    if data_format in ("NCHW", "NCW", "NCDHW"):
        return value + ops.reshape(bias, (1, -1) + (1,) * (value.ndim - 2))
    return value + bias


def embedding_lookup(params, ids, max_norm=None, name=None):
    return ops.take(_t(params), ops.cast(_t(ids), "int64"), axis=0)


def __getattr__(name):
    raise _unsupported(name, "tf.nn")
