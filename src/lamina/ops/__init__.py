"""Backend-neutral ops with Keras 3's names (``lamina.ops``, served as ``keras.ops``).

Every name here IS the active backend's function, bound once at import (DESIGN rule 2):
calling ``ops.matmul`` costs exactly what the engine's matmul costs.

>>> from lamina import ops
>>> ops.sum(ops.ones((2, 3)), axis=1).shape
(2,)
"""

from lamina.backend import core as _core
from lamina.backend import nn as _nn
from lamina.backend import ops as _ops

_names = [n for n in getattr(_ops, "__all__", dir(_ops)) if not n.startswith("_")]
globals().update({n: getattr(_ops, n) for n in _names})

# neural-network ops live in the same flat namespace, as in keras.ops
_NN_NAMES = ["relu", "relu6", "sigmoid", "hard_sigmoid", "hard_silu", "softplus", "softsign", "silu", "selu", "elu", "celu", "gelu", "leaky_relu", "mish", "log_sigmoid", "hard_tanh", "glu", "softmax", "log_softmax", "categorical_crossentropy", "sparse_categorical_crossentropy", "binary_crossentropy", "moments"]
globals().update({n: getattr(_nn, n) for n in _NN_NAMES})
swish = _nn.silu
hard_swish = _nn.hard_silu

convert_to_tensor = _core.convert_to_tensor
convert_to_numpy = _core.convert_to_numpy
cast = _core.cast
is_tensor = _core.is_tensor


def dtype(x) -> str:
    """The canonical dtype name of a tensor, e.g. ``'float32'``."""
    return _core.dtype_of(x)


__all__ = sorted(set(_names) | set(_NN_NAMES) | {
    "swish", "hard_swish", "convert_to_tensor", "convert_to_numpy", "cast", "is_tensor", "dtype",
})
