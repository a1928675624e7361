"""Weight penalties with Keras 3's classes, formulas and configs (``keras.regularizers``).

A regularizer is called on a weight and returns a scalar tensor that the layer adds to the
model's losses.

>>> from lamina import regularizers
>>> float(regularizers.L2(0.5)([1.0, 2.0]))
2.5
"""

from __future__ import annotations

import inspect
import math

from lamina import config
from lamina.ops import kernels as ops  # the training path: no conversion
from lamina.backend import core
from lamina.utils import registry

__all__ = [
    "L1",
    "L1L2",
    "L2",
    "OrthogonalRegularizer",
    "Regularizer",
    "deserialize",
    "get",
    "l1",
    "l1_l2",
    "l2",
    "orthogonal_regularizer",
    "serialize",
]


def _tensor(x):
    return x if core.is_tensor(x) else core.convert_to_tensor(x)


def _factor(value, name):
    """Keras' check: a finite, non-negative number, stored as a float."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise ValueError(f"Invalid value for argument {name}: expected a non-negative float. Received: {name}={value!r}")
    return float(value)


class Regularizer:
    """Base class: subclasses implement ``__call__(x) -> scalar`` and ``get_config``.

    >>> class Sum(Regularizer):
    ...     def __call__(self, x):
    ...         return ops.sum(x)
    ...     def get_config(self):
    ...         return {}
    """

    def __call__(self, x):
        return 0.0

    def get_config(self) -> dict:
        raise NotImplementedError(f"{type(self).__name__} does not implement get_config()")

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)


class L1L2(Regularizer):
    """``l1 * sum(abs(x)) + l2 * sum(square(x))``.

    >>> float(L1L2(l1=1.0, l2=1.0)([-2.0]))
    6.0
    """

    def __init__(self, l1=0.0, l2=0.0):
        self.l1 = _factor(0.0 if l1 is None else l1, "l1")
        self.l2 = _factor(0.0 if l2 is None else l2, "l2")

    def __call__(self, x):
        x = _tensor(x)
        penalty = ops.zeros((), dtype=core.dtype_of(x))
        if self.l1:
            penalty = penalty + self.l1 * ops.sum(ops.abs(x))
        if self.l2:
            penalty = penalty + self.l2 * ops.sum(ops.square(x))
        return penalty

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


class L1(Regularizer):
    """``l1 * sum(abs(x))``.

    >>> float(L1(0.5)([-2.0, 2.0]))
    2.0
    """

    def __init__(self, l1=0.01):
        self.l1 = _factor(0.01 if l1 is None else l1, "l1")

    def __call__(self, x):
        return self.l1 * ops.sum(ops.abs(_tensor(x)))

    def get_config(self):
        return {"l1": self.l1}


class L2(Regularizer):
    """``l2 * sum(square(x))``.

    >>> float(L2(0.5)([-2.0, 2.0]))
    4.0
    """

    def __init__(self, l2=0.01):
        self.l2 = _factor(0.01 if l2 is None else l2, "l2")

    def __call__(self, x):
        return self.l2 * ops.sum(ops.square(_tensor(x)))

    def get_config(self):
        return {"l2": self.l2}


class OrthogonalRegularizer(Regularizer):
    """Pushes the rows (or columns) of a 2D weight towards being orthogonal.

    The penalty is ``factor * 0.5 * sum(|<u_i, u_j>|, i != j) / (n * (n - 1) / 2)`` over the
    L2-normalised rows ``u_i`` (``mode="rows"``) or columns (``mode="columns"``).

    >>> float(OrthogonalRegularizer(factor=1.0)([[1.0, 0.0], [0.0, 1.0]]))
    0.0
    """

    def __init__(self, factor=0.01, mode="rows"):
        self.factor = _factor(factor, "factor")
        if mode not in ("rows", "columns"):
            raise ValueError(f"OrthogonalRegularizer: `mode` must be 'rows' or 'columns'. Received: mode={mode!r}")
        self.mode = mode

    def __call__(self, inputs):
        x = _tensor(inputs)
        if len(x.shape) != 2:
            raise ValueError(f"OrthogonalRegularizer: inputs must have rank 2. Received: inputs.shape={tuple(x.shape)}")
        axis = 1 if self.mode == "rows" else 0
        # Keras' L2 normalisation: x * min(rsqrt(sum(x^2)), 1 / epsilon)
        inv_norm = ops.minimum(ops.rsqrt(ops.sum(ops.square(x), axis=axis, keepdims=True)),
                               ops.full((), 1.0 / config.epsilon(), dtype=core.dtype_of(x)))
        x = x * inv_norm
        if self.mode == "rows":
            product, size = ops.matmul(x, ops.transpose(x)), x.shape[0]
        else:
            product, size = ops.matmul(ops.transpose(x), x), x.shape[1]
        off_diagonal = product * (1.0 - ops.eye(size, dtype=core.dtype_of(x)))
        num_pairs = size * (size - 1.0) / 2.0
        return self.factor * 0.5 * ops.sum(ops.abs(off_diagonal)) / num_pairs

    def get_config(self):
        return {"factor": self.factor, "mode": self.mode}


# Keras 3 exports the classes under these snake_case names too.
l1 = L1
l2 = L2
l1_l2 = L1L2
orthogonal_regularizer = OrthogonalRegularizer

_CLASSES = (Regularizer, L1, L2, L1L2, OrthogonalRegularizer)
ALL_OBJECTS_DICT = {cls.__name__: cls for cls in _CLASSES}
ALL_OBJECTS_DICT.update({registry.snake_case(cls.__name__): cls for cls in _CLASSES})
ALL_OBJECTS_DICT["orthogonal_regularizer"] = OrthogonalRegularizer


def serialize(regularizer) -> dict:
    """Keras' config dict of a regularizer.

    >>> serialize(L2())["config"]
    {'l2': 0.01}
    """
    return registry.serialize_object(regularizer, "keras.regularizers")


def deserialize(config, custom_objects=None):
    """The regularizer a config dict (or class name) describes.

    >>> deserialize({"class_name": "L1", "config": {"l1": 0.1}}).l1
    0.1
    """
    return registry.deserialize_object(config, ALL_OBJECTS_DICT, custom_objects, "regularizer")


def get(identifier):
    """Resolve a ``*_regularizer=`` argument: None -> None; a name, config dict or class -> an
    instance; an instance or function -> itself.

    ``"l1_l2"`` gives ``L1L2(l1=0.01, l2=0.01)``, the defaults Keras documents for that string.

    >>> get("l2").l2
    0.01
    """
    if identifier is None:
        return None
    if identifier == "l1_l2":
        return L1L2(l1=0.01, l2=0.01)
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if inspect.isclass(identifier):
        return identifier()
    if callable(identifier):
        return identifier
    raise ValueError(
        f"Could not interpret regularizer identifier {identifier!r}: expected a name (one of "
        f"{', '.join(sorted(ALL_OBJECTS_DICT))}), a config dict, a Regularizer or a callable."
    )
