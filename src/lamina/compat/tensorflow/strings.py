"""``tf.strings``: elementwise string functions on the string arrays lamina uses.

Engines have no string tensors, so strings are NumPy arrays of Python ``str`` (what
``TextVectorization``, ``StringLookup`` and string inputs take); each function here maps over
them as TensorFlow's does over a string tensor. A custom ``standardize`` written with
``tf.strings`` (keras.io's text classification example) therefore runs unchanged.

>>> import lamina.compat.tensorflow as tf
>>> tf.strings.regex_replace(tf.strings.lower(["Great<br />FILM!"]), "<br />", " ").tolist()
['great film!']
"""

from __future__ import annotations

import re

import numpy as np

from lamina import ops
from lamina.compat.tensorflow._dtypes import _name_of
from lamina.compat.tensorflow._tensors import _unsupported

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _strings(x) -> np.ndarray:
    """``x`` (a str, bytes, list or array of them) as an object array of ``str``."""
    a = np.asarray(x, dtype=object)
    out = np.empty(a.shape, dtype=object)
    flat_out = out.reshape(-1)
    for i, v in enumerate(a.reshape(-1).tolist()):
        if isinstance(v, bytes):
            v = v.decode("utf-8")
        elif not isinstance(v, str):
            raise TypeError(f"tf.strings expects strings; got {type(v).__name__} ({v!r})")
        flat_out[i] = v
    return out


def _map(fn, x, otype=object) -> np.ndarray:
    a = _strings(x)
    out = np.empty(a.shape, dtype=otype)
    flat_out = out.reshape(-1)
    for i, v in enumerate(a.reshape(-1).tolist()):
        flat_out[i] = fn(v)
    return out


def lower(input, encoding="", name=None):  # noqa: A002
    """Lowercase (ASCII letters only unless ``encoding="utf-8"``, as TensorFlow)."""
    if encoding:
        return _map(str.lower, input)
    return _map(lambda s: s.translate(_ASCII_LOWER), input)


def upper(input, encoding="", name=None):  # noqa: A002
    if encoding:
        return _map(str.upper, input)
    return _map(lambda s: s.translate(_ASCII_UPPER), input)


def regex_replace(input, pattern, rewrite, replace_global=True, name=None):  # noqa: A002
    """Replace matches of ``pattern`` with ``rewrite`` (every match, or the first one)."""
    compiled = re.compile(pattern)
    count = 0 if replace_global else 1
    return _map(lambda s: compiled.sub(rewrite, s, count=count), input)


def regex_full_match(input, pattern, name=None):  # noqa: A002
    compiled = re.compile(pattern)
    return _map(lambda s: compiled.fullmatch(s) is not None, input, otype=bool)


def strip(input, name=None):  # noqa: A002
    """Leading and trailing whitespace removed."""
    return _map(str.strip, input)


def length(input, unit="BYTE", name=None):  # noqa: A002
    if unit not in ("BYTE", "UTF8_CHAR"):
        raise ValueError(f"tf.strings.length: unit must be 'BYTE' or 'UTF8_CHAR'; got {unit!r}")
    size = (lambda s: len(s.encode("utf-8"))) if unit == "BYTE" else len
    return ops.convert_to_tensor(_map(size, input, otype=np.int32))


def join(inputs, separator="", name=None):
    """Elementwise concatenation of a list of string arrays."""
    parts = np.broadcast_arrays(*[_strings(x) for x in inputs])
    out = np.empty(parts[0].shape, dtype=object)
    flat = [p.reshape(-1).tolist() for p in parts]
    for i, row in enumerate(zip(*flat)):
        out.reshape(-1)[i] = separator.join(row)
    return out


def reduce_join(inputs, axis=None, keepdims=False, separator="", name=None):
    a = _strings(inputs)
    if axis is None:
        out = np.array(separator.join(a.reshape(-1).tolist()), dtype=object)
        return out.reshape((1,) * a.ndim) if keepdims else out
    out = np.apply_along_axis(lambda row: separator.join(row.tolist()), int(axis), a)
    out = out.astype(object)
    return np.expand_dims(out, int(axis)) if keepdims else out


def split(input, sep=None, maxsplit=-1, name=None):  # noqa: A002
    """Tokens of each string: a list of ``str`` for one string, an object array of such
    arrays for a vector (TensorFlow gives a RaggedTensor)."""
    a = _strings(input)
    if a.ndim == 0:
        return np.array(a.item().split(sep, maxsplit), dtype=object)
    if a.ndim != 1:
        raise ValueError(f"tf.strings.split: input must be a scalar or a vector; got {a.shape}")
    out = np.empty(a.shape, dtype=object)
    for i, s in enumerate(a.tolist()):
        out[i] = np.array(s.split(sep, maxsplit), dtype=object)
    return out


def substr(input, pos, len, unit="BYTE", name=None):  # noqa: A002
    return _map(lambda s: s[int(pos):int(pos) + int(len)], input)


def to_number(string_tensor, out_type="float32", name=None):
    dtype = _name_of(out_type)
    cast = float if "float" in dtype else int
    return ops.convert_to_tensor(_map(cast, string_tensor, otype=np.float64 if cast is float
                                      else np.int64), dtype=dtype)


def as_string(input, precision=-1, name=None):  # noqa: A002
    values = ops.convert_to_numpy(input) if not isinstance(input, np.ndarray) else input
    fmt = (lambda v: f"{v:.{precision}f}") if precision >= 0 else str
    out = np.empty(np.shape(values), dtype=object)
    for i, v in enumerate(np.ravel(values).tolist()):
        out.reshape(-1)[i] = fmt(v)
    return out


def __getattr__(name):
    raise _unsupported(name, module="tf.strings")


__all__ = ["as_string", "join", "length", "lower", "reduce_join", "regex_full_match",
           "regex_replace", "split", "strip", "substr", "to_number", "upper"]
