"""Weight constraints with Keras 3's classes, formulas and configs (``keras.constraints``).

A constraint is called on a weight after each optimizer step and returns the projected weight.

>>> from lamina import constraints
>>> constraints.NonNeg()([-1.0, 2.0]).tolist()
[0.0, 2.0]
"""

from __future__ import annotations

import inspect

from lamina import config
from lamina.ops import kernels as ops  # the training path: no conversion
from lamina.backend import core
from lamina.utils import registry

__all__ = [
    "Constraint",
    "MaxNorm",
    "MinMaxNorm",
    "NonNeg",
    "UnitNorm",
    "deserialize",
    "get",
    "max_norm",
    "min_max_norm",
    "non_neg",
    "serialize",
    "unit_norm",
]


def _tensor(x):
    return x if core.is_tensor(x) else core.convert_to_tensor(x)


def _norms(w, axis):
    return ops.sqrt(ops.sum(ops.square(w), axis=axis, keepdims=True))


class Constraint:
    """Base class: subclasses implement ``__call__(w) -> w`` and ``get_config``.

    >>> class Clip(Constraint):
    ...     def __call__(self, w):
    ...         return ops.clip(w, -1.0, 1.0)
    """

    def __call__(self, w):
        return w

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)


class MaxNorm(Constraint):
    """Rescales slices along ``axis`` whose L2 norm exceeds ``max_value``.

    Computes ``w * clip(norm, 0, max_value) / (epsilon + norm)``. For a Dense kernel
    ``(in, out)`` the default ``axis=0`` constrains each unit's incoming weights.

    >>> [round(v, 4) for v in MaxNorm(1.0)([[3.0], [4.0]]).flatten().tolist()]
    [0.6, 0.8]
    """

    def __init__(self, max_value=2, axis=0):
        self.max_value = max_value
        self.axis = axis

    def __call__(self, w):
        w = _tensor(w)
        norms = _norms(w, self.axis)
        desired = ops.clip(norms, 0, self.max_value)
        return w * (desired / (config.epsilon() + norms))

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}


class NonNeg(Constraint):
    """Sets negative weights to zero: ``maximum(w, 0)``."""

    def __call__(self, w):
        w = _tensor(w)
        return ops.maximum(w, ops.zeros((), dtype=core.dtype_of(w)))


class UnitNorm(Constraint):
    """Scales slices along ``axis`` to unit L2 norm: ``w / (epsilon + norm)``.

    >>> [round(v, 4) for v in UnitNorm()([[3.0], [4.0]]).flatten().tolist()]
    [0.6, 0.8]
    """

    def __init__(self, axis=0):
        self.axis = axis

    def __call__(self, w):
        w = _tensor(w)
        return w / (config.epsilon() + _norms(w, self.axis))

    def get_config(self):
        return {"axis": self.axis}


class MinMaxNorm(Constraint):
    """Moves slice norms into ``[min_value, max_value]`` at ``rate`` (1.0 = all the way).

    Computes ``w * (rate * clip(norm, min, max) + (1 - rate) * norm) / (epsilon + norm)``.

    >>> [round(v, 4) for v in MinMaxNorm(2.0, 3.0)([[0.6], [0.8]]).flatten().tolist()]
    [1.2, 1.6]
    """

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        self.min_value = min_value
        self.max_value = max_value
        self.rate = rate
        self.axis = axis

    def __call__(self, w):
        w = _tensor(w)
        norms = _norms(w, self.axis)
        desired = self.rate * ops.clip(norms, self.min_value, self.max_value) + (1 - self.rate) * norms
        return w * (desired / (config.epsilon() + norms))

    def get_config(self):
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate, "axis": self.axis}


# Keras 3 exports the classes under these snake_case names too.
max_norm = MaxNorm
min_max_norm = MinMaxNorm
non_neg = NonNeg
unit_norm = UnitNorm

_CLASSES = (Constraint, MaxNorm, MinMaxNorm, NonNeg, UnitNorm)
ALL_OBJECTS_DICT = {cls.__name__: cls for cls in _CLASSES}
ALL_OBJECTS_DICT.update({registry.snake_case(cls.__name__): cls for cls in _CLASSES})


def serialize(constraint) -> dict:
    """Keras' config dict of a constraint.

    >>> serialize(MaxNorm())["config"]
    {'max_value': 2, 'axis': 0}
    """
    return registry.serialize_object(constraint, "keras.constraints")


def deserialize(config, custom_objects=None):
    """The constraint a config dict (or class name) describes.

    >>> deserialize({"class_name": "UnitNorm", "config": {"axis": 1}}).axis
    1
    """
    return registry.deserialize_object(config, ALL_OBJECTS_DICT, custom_objects, "constraint")


def get(identifier):
    """Resolve a ``*_constraint=`` argument: None -> None; a name, config dict or class -> an
    instance; an instance or function -> itself.

    >>> type(get("non_neg")).__name__
    'NonNeg'
    """
    if identifier is None:
        return None
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if inspect.isclass(identifier):
        return identifier()
    if callable(identifier):
        return identifier
    raise ValueError(
        f"Could not interpret constraint identifier {identifier!r}: expected a name (one of "
        f"{', '.join(sorted(ALL_OBJECTS_DICT))}), a config dict, a Constraint or a callable."
    )
