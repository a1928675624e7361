"""Activation functions with Keras 3's names, signatures and defaults (``keras.activations``).

Each function takes a tensor (NumPy arrays and Python numbers are converted) and returns a
tensor of the same shape. ``get`` resolves what layers accept as ``activation=``.

>>> from lamina import activations
>>> activations.get("relu")([-1.0, 2.0]).tolist()
[0.0, 2.0]
"""

from __future__ import annotations

import types

from lamina.ops import kernels as ops  # the training path: no conversion
from lamina.backend import core, nn
from lamina.ops.symbolic import SymbolicTensor
from lamina.utils import registry

__all__ = [
    "celu",
    "deserialize",
    "elu",
    "exponential",
    "gelu",
    "get",
    "glu",
    "hard_shrink",
    "hard_sigmoid",
    "hard_silu",
    "hard_swish",
    "hard_tanh",
    "leaky_relu",
    "linear",
    "log_sigmoid",
    "log_softmax",
    "mish",
    "relu",
    "relu6",
    "selu",
    "serialize",
    "sigmoid",
    "silu",
    "soft_shrink",
    "softmax",
    "softplus",
    "softsign",
    "sparse_plus",
    "sparse_sigmoid",
    "sparsemax",
    "squareplus",
    "swish",
    "tanh",
    "tanh_shrink",
    "threshold",
]


def _tensor(x):
    # Only array-likes pay for a conversion; tensors (and symbolic ones) pass straight through.
    if core.is_tensor(x) or isinstance(x, SymbolicTensor):
        return x
    return core.convert_to_tensor(x)


def relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    """Rectified linear unit, with Keras 3's optional leak, cap and threshold.

    ``max(x, 0)`` by default. With ``threshold``, values ``<= threshold`` become 0; with
    ``max_value`` the output is clipped to ``[0, max_value]``; with ``negative_slope`` the
    part below the threshold leaks as ``negative_slope * (x - threshold)``.

    >>> relu([-2.0, 0.5, 8.0], max_value=6.0).tolist()
    [0.0, 0.5, 6.0]
    """
    x = _tensor(x)
    if negative_slope == 0.0 and max_value is None and threshold == 0.0:
        return nn.relu(x)
    if negative_slope != 0.0:
        if max_value is None and threshold == 0:
            return nn.leaky_relu(x, negative_slope=negative_slope)
        # the leak is computed on the input before it is thresholded or clipped
        negative_part = nn.relu(threshold - x) if threshold != 0 else nn.relu(-x)
    if threshold != 0:
        x = ops.where(ops.greater(x, threshold), x, ops.zeros_like(x))
    else:
        x = nn.relu(x)
    if max_value is not None:
        x = ops.clip(x, 0.0, max_value)
    if negative_slope != 0.0:
        x = x - negative_slope * negative_part
    return x


def leaky_relu(x, negative_slope=0.2):
    """``x`` for ``x >= 0``, ``negative_slope * x`` below. >>> leaky_relu([-1.0]).tolist()  # [-0.2]"""
    return nn.leaky_relu(_tensor(x), negative_slope)


def relu6(x):
    """``min(max(x, 0), 6)``. >>> relu6([7.0]).tolist()  # [6.0]"""
    return nn.relu6(_tensor(x))


def softmax(x, axis=-1):
    """``exp(x) / sum(exp(x))`` along ``axis`` (an int, a tuple of ints, or None for all).

    >>> softmax([[0.0, 0.0]]).tolist()
    [[0.5, 0.5]]
    """
    x = _tensor(x)
    if isinstance(axis, int):
        return nn.softmax(x, axis)
    return ops.exp(x - ops.logsumexp(x, axis=axis, keepdims=True))


def log_softmax(x, axis=-1):
    """``x - logsumexp(x)`` along ``axis`` (an int, a tuple of ints, or None for all)."""
    x = _tensor(x)
    if isinstance(axis, int):
        return nn.log_softmax(x, axis)
    return x - ops.logsumexp(x, axis=axis, keepdims=True)


def elu(x, alpha=1.0):
    """``x`` for ``x > 0``, ``alpha * (exp(x) - 1)`` below."""
    return nn.elu(_tensor(x), alpha=alpha)


def celu(x, alpha=1.0):
    """``x`` for ``x > 0``, ``alpha * (exp(x / alpha) - 1)`` below."""
    return nn.celu(_tensor(x), alpha=alpha)


def selu(x):
    """``scale * elu(x, alpha)`` with scale ~1.0507 and alpha ~1.6733 (Klambauer et al.)."""
    return nn.selu(_tensor(x))


def softplus(x):
    """``log(exp(x) + 1)``."""
    return nn.softplus(_tensor(x))


def softsign(x):
    """``x / (abs(x) + 1)``."""
    return nn.softsign(_tensor(x))


def soft_shrink(x, threshold=0.5):
    """``x - threshold`` above ``threshold``, ``x + threshold`` below ``-threshold``, else 0."""
    return nn.soft_shrink(_tensor(x), threshold)


def hard_shrink(x, threshold=0.5):
    """``x`` where ``abs(x) > threshold``, else 0."""
    return nn.hard_shrink(_tensor(x), threshold)


def sparse_plus(x):
    """0 for ``x <= -1``, ``(x + 1)**2 / 4`` for ``-1 < x < 1``, ``x`` for ``x >= 1``."""
    return nn.sparse_plus(_tensor(x))


def sparse_sigmoid(x):
    """0 for ``x <= -1``, ``(x + 1) / 2`` for ``-1 < x < 1``, 1 for ``x >= 1``."""
    return nn.sparse_sigmoid(_tensor(x))


def squareplus(x, b=4):
    """``(x + sqrt(x**2 + b)) / 2``. >>> squareplus([0.0]).tolist()  # [1.0]"""
    return nn.squareplus(_tensor(x), b)


def silu(x):
    """``x * sigmoid(x)`` (also known as swish)."""
    return nn.silu(_tensor(x))


swish = silu


def gelu(x, approximate=False):
    """Gaussian error linear unit ``x * P(X <= x)``; the tanh approximation if ``approximate``.

    Note: keras.activations.gelu defaults to the exact form, unlike keras.ops.gelu.
    """
    return nn.gelu(_tensor(x), approximate)


def glu(x, axis=-1):
    """Gated linear unit: split ``x`` in halves ``a, b`` along ``axis``; return ``a * sigmoid(b)``."""
    return nn.glu(_tensor(x), axis)


def tanh(x):
    """Hyperbolic tangent."""
    return nn.tanh(_tensor(x))


def tanh_shrink(x):
    """``x - tanh(x)``."""
    return nn.tanh_shrink(_tensor(x))


def hard_tanh(x):
    """``clip(x, -1, 1)``."""
    return nn.hard_tanh(_tensor(x))


def threshold(x, threshold, default_value):
    """``x`` where ``x > threshold``, else ``default_value``.

    >>> threshold([0.5, 2.0], 1.0, -3.0).tolist()
    [-3.0, 2.0]
    """
    return nn.threshold(_tensor(x), threshold, default_value)


def sigmoid(x):
    """``1 / (1 + exp(-x))``."""
    return nn.sigmoid(_tensor(x))


def exponential(x):
    """``exp(x)``."""
    return ops.exp(_tensor(x))


def hard_sigmoid(x):
    """Piecewise-linear sigmoid ``relu6(x + 3) / 6`` (Keras 3's definition)."""
    return nn.hard_sigmoid(_tensor(x))


def log_sigmoid(x):
    """``log(sigmoid(x))``, computed stably."""
    return nn.log_sigmoid(_tensor(x))


def hard_silu(x):
    """``x * hard_sigmoid(x)`` (also known as hard_swish)."""
    return nn.hard_silu(_tensor(x))


hard_swish = hard_silu


def linear(x):
    """The identity: returns ``x`` unchanged."""
    return x


def mish(x):
    """``x * tanh(softplus(x))``."""
    return nn.mish(_tensor(x))


def sparsemax(x, axis=-1):
    """Projection onto the probability simplex: like softmax, but with exact zeros.

    >>> sparsemax([[1.0, 0.0, -2.0]]).tolist()
    [[1.0, 0.0, 0.0]]
    """
    return nn.sparsemax(_tensor(x), axis)


# Names a config may hold. Aliases resolve to the same function, so serialize(swish) == "silu".
ALL_OBJECTS_DICT = {
    fn.__name__: fn
    for fn in (
        celu, elu, exponential, gelu, glu, hard_shrink, hard_sigmoid, hard_silu, hard_tanh,
        leaky_relu, linear, log_sigmoid, log_softmax, mish, relu, relu6, selu, sigmoid, silu,
        soft_shrink, softmax, softplus, softsign, sparse_plus, sparse_sigmoid, sparsemax,
        squareplus, tanh, tanh_shrink, threshold,
    )
}
ALL_OBJECTS_DICT["swish"] = silu
ALL_OBJECTS_DICT["hard_swish"] = hard_silu
_BUILTIN_NAMES = {fn: name for name, fn in ALL_OBJECTS_DICT.items() if fn.__name__ == name}
_ALONG_AN_AXIS = (softmax, log_softmax, glu, sparsemax)


def is_elementwise(activation) -> bool:
    """True for the built-in activations that act on each entry alone (not softmax & co.):
    those may run on any layout of a tensor."""
    return activation in _BUILTIN_NAMES and activation not in _ALONG_AN_AXIS


def serialize(activation):
    """A built-in activation's name (``"relu"``), or Keras' config dict for a custom one.

    >>> serialize(swish)
    'silu'
    """
    name = _BUILTIN_NAMES.get(activation)
    if name is not None:
        return name
    if isinstance(activation, types.FunctionType):
        # Keras 3 writes plain functions in this form; loading looks the name up again
        return {
            "module": "builtins",
            "class_name": "function",
            "config": registry.get_registered_name(activation),
            "registered_name": "function",
        }
    if hasattr(activation, "get_config"):
        cls = type(activation)
        out = registry.serialize_object(activation, cls.__module__)
        out["registered_name"] = registry.get_registered_name(cls)
        return out
    raise ValueError(
        f"Cannot serialize activation {activation!r}: it is not a built-in activation, a "
        "function, or an object with get_config(). Register custom activations with "
        "@register_keras_serializable()."
    )


def _unknown(identifier):
    return ValueError(
        f"Could not interpret activation identifier {identifier!r}. Valid names: "
        f"{', '.join(sorted(ALL_OBJECTS_DICT))}; or pass a callable, or register a custom "
        "activation with @register_keras_serializable() / custom_objects=."
    )


def deserialize(config, custom_objects=None):
    """The activation a name or config dict stands for.

    >>> deserialize("relu") is relu
    True
    """
    if isinstance(config, dict) and config.get("class_name") == "function":
        config = config.get("config")
    if isinstance(config, str):
        fn = registry.get_registered_object(config, custom_objects, ALL_OBJECTS_DICT)
        if fn is None:
            raise _unknown(config)
        return fn
    if isinstance(config, dict):
        return registry.deserialize_object(config, ALL_OBJECTS_DICT, custom_objects, "activation")
    raise _unknown(config)


def get(identifier):
    """Resolve an ``activation=`` argument: None -> linear, a name or config -> the function,
    a callable -> itself.

    >>> get(None) is linear
    True
    """
    if identifier is None:
        return linear
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise _unknown(identifier)
