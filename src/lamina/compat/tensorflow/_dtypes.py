"""TensorFlow's dtype objects: strings that compare equal to engine and NumPy dtypes."""

from __future__ import annotations

import builtins

import numpy as np

from lamina.backend import core


class DType(str):
    """``tf.float32`` and friends: the Keras dtype name, with TensorFlow's attributes.

    It is a ``str`` ("float32"), so every lamina and Keras function taking a dtype takes it;
    ``x.dtype == tf.float32`` holds for engine tensors and NumPy arrays of that dtype.
    """

    @property
    def name(self):
        return builtins.str(self)

    @property
    def as_numpy_dtype(self):
        return np.dtype(builtins.str(self)).type if self != "string" else np.object_

    @property
    def is_floating(self):
        return self in ("float16", "bfloat16", "float32", "float64")

    @property
    def is_integer(self):
        return self.startswith(("int", "uint"))

    @property
    def is_bool(self):
        return self == "bool"

    @property
    def base_dtype(self):
        return self

    @property
    def size(self):
        return np.dtype(builtins.str(self)).itemsize if self not in ("bfloat16",) else 2

    @property
    def min(self):
        info = np.finfo if self.is_floating else np.iinfo
        return info(builtins.str(self) if self != "bfloat16" else "float32").min

    @property
    def max(self):
        info = np.finfo if self.is_floating else np.iinfo
        return info(builtins.str(self) if self != "bfloat16" else "float32").max

    def __eq__(self, other):
        return builtins.str.__eq__(self, _name_of(other))

    def __ne__(self, other):
        return not self.__eq__(other)

    __hash__ = builtins.str.__hash__

    def __repr__(self):
        return f"tf.{builtins.str(self)}"


def _name_of(dtype):
    if dtype is None:
        return None
    if isinstance(dtype, builtins.str):
        return "string" if dtype in ("str", "object") else builtins.str(dtype)
    try:
        return core.standardize_dtype(dtype)
    except (TypeError, ValueError, KeyError):
        try:
            return np.dtype(dtype).name
        except TypeError:
            return builtins.str(dtype)


def as_dtype(type_value) -> DType:
    """A ``DType`` for a name, a NumPy/engine dtype or a ``DType``."""
    return DType(_name_of(type_value))


float16, bfloat16, float32, float64 = (DType(n) for n in ("float16", "bfloat16", "float32",
                                                         "float64"))
int8, int16, int32, int64 = (DType(n) for n in ("int8", "int16", "int32", "int64"))
uint8, uint16, uint32, uint64 = (DType(n) for n in ("uint8", "uint16", "uint32", "uint64"))
complex64, complex128 = DType("complex64"), DType("complex128")
bool = DType("bool")  # noqa: A001 - TensorFlow's name
string = DType("string")
half, double = float16, float64
