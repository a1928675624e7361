"""``keras.ops.nn``: activations, softmax, cross-entropies, normalizations, convolutions,
pooling, one-hot encodings, CTC and attention, bound from the backend at import.

Convolution and pooling come from the backend's ``conv`` module and the normalizations from
its ``nn`` module when they exist there; a name the backend lacks is simply absent.
"""

from lamina.backend import conv as _conv
from lamina.backend import nn as _nn
from lamina.backend import nn_ops as _nn_ops
from lamina.ops._bind import bind as _bind

_NN = ["relu", "relu6", "sigmoid", "sparse_sigmoid", "hard_sigmoid", "hard_silu", "softplus",
       "softsign", "silu", "selu", "elu", "celu", "gelu", "leaky_relu", "log_sigmoid",
       "hard_tanh", "glu", "softmax", "log_softmax", "sparsemax", "sparse_plus", "squareplus",
       "soft_shrink", "hard_shrink", "tanh_shrink", "threshold",
       "categorical_crossentropy", "sparse_categorical_crossentropy", "binary_crossentropy",
       "moments", "batch_normalization", "layer_normalization", "rms_normalization"]
_CONV = ["conv", "conv_transpose", "depthwise_conv", "separable_conv", "max_pool",
         "average_pool"]

_names = _bind(globals(), _nn, _NN) + _bind(globals(), _nn_ops) + _bind(globals(), _conv, _CONV)
if "silu" in globals():
    swish = silu  # noqa: F821 - bound above
    _names.append("swish")
if "hard_silu" in globals():
    hard_swish = hard_silu  # noqa: F821 - bound above
    _names.append("hard_swish")

__all__ = sorted(_names)
