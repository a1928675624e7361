"""Dtype names and promotion as Keras 3 defines them (``keras.backend.result_type`` etc.).

On the lowest floor: it imports only ``lamina.config``, and reads engine dtypes by their
names (``torch.float32`` -> ``'float32'``), so it needs no engine.

>>> result_type("int32", "float16")
'float16'
>>> result_type("uint8", int)
'uint8'
"""

from __future__ import annotations

from lamina import config

ALLOWED_DTYPES = (
    "float16", "float32", "float64", "uint8", "uint16", "uint32", "uint64", "int8", "int16",
    "int32", "int64", "bfloat16", "bool", "string", "float8_e4m3fn", "float8_e5m2",
    "complex64", "complex128",
)
# Python types, as Keras reads them on the torch backend (int is int32 there).
_PYTHON_TYPES = {bool: "bool", int: "int32", float: "float32", str: "string", "int": "int32",
                 complex: "complex64"}


def standardize_dtype(dtype) -> str:
    """The Keras name of a dtype given as a name, a Python type, NumPy or engine dtype.

    ``None`` means ``floatx()``.

    >>> standardize_dtype(None), standardize_dtype(float), standardize_dtype("int")
    ('float32', 'float32', 'int32')
    """
    if dtype is None:
        return config.floatx()
    if isinstance(dtype, (type, str)) and dtype in _PYTHON_TYPES:
        dtype = _PYTHON_TYPES[dtype]
    if hasattr(dtype, "name") and not isinstance(dtype, str):
        dtype = dtype.name
    elif hasattr(dtype, "__name__"):
        dtype = dtype.__name__
    elif not isinstance(dtype, str) and ("torch" in str(dtype) or "jax.numpy" in str(dtype)):
        dtype = str(dtype).split(".")[-1]
    if dtype not in ALLOWED_DTYPES:
        raise ValueError(f"Invalid dtype: {dtype}")
    return dtype


def is_float_dtype(dtype) -> bool:
    """True for float16/bfloat16/float32/float64 (and float8) dtypes."""
    return standardize_dtype(dtype).startswith(("float", "bfloat"))


def is_int_dtype(dtype) -> bool:
    """True for signed and unsigned integer dtypes."""
    return standardize_dtype(dtype).startswith(("int", "uint"))


# The promotion lattice (as JAX's, which Keras follows): each type and the types just above
# it. "int" and "float" are the weak types of Python numbers.
_ABOVE = {
    "bool": ["int"],
    "uint8": ["int16", "uint16"], "uint16": ["int32", "uint32"], "uint32": ["int64", "uint64"],
    "uint64": ["float"],
    "int": ["uint8", "int8", "complex64"],
    "int8": ["int16"], "int16": ["int32"], "int32": ["int64"], "int64": ["float"],
    "float": ["bfloat16", "float16"],
    "bfloat16": ["float32"], "float16": ["float32"],
    "float32": ["float64", "complex64"], "float64": ["complex128"],
    "complex64": ["complex128"], "complex128": [],
}


def _upper_bounds():
    bounds = {}
    for node in _ABOVE:
        seen, todo = {node}, [node]
        while todo:
            for up in _ABOVE[todo.pop()]:
                if up not in seen:
                    seen.add(up)
                    todo.append(up)
        bounds[node] = seen
    return bounds


_BOUNDS = _upper_bounds()
# Keras on torch (and JAX) computes in 32 bits unless asked: 64-bit results narrow.
_NARROW = {"int64": "int32", "uint64": "uint32", "float64": "float32", "complex128": "complex64"}


def _least_upper_bound(nodes):
    for n in nodes:
        if n not in _BOUNDS:
            raise ValueError(f"dtype={n!r} is not a valid dtype for Keras type promotion.")
    common = set.intersection(*(_BOUNDS[n] for n in nodes))
    lowest = (common & set(nodes)) or {c for c in common if common <= _BOUNDS[c]}
    if len(lowest) != 1:
        raise ValueError(
            f"Input dtypes {tuple(nodes)} have no available implicit dtype promotion path. "
            "Try explicitly casting inputs to the desired output type."
        )
    return lowest.pop()


def _weak(dtype: str) -> str:
    if dtype == "bool":
        return dtype
    for kind in ("float", "int", "complex"):
        if kind in dtype:
            return kind
    raise ValueError(f"Invalid value for argument `dtype`: {dtype}")


def result_type(*dtypes) -> str:
    """The dtype an op on inputs of these dtypes returns (Keras' promotion rules).

    Python ``int``/``float`` are weak: they take the other operand's width.

    >>> result_type("bfloat16", int), result_type("int8", "uint8"), result_type()
    ('bfloat16', 'int16', 'float32')
    """
    if not dtypes:
        return config.floatx()
    if any(d in ("float8_e4m3fn", "float8_e5m2") for d in dtypes):
        raise ValueError(
            "There is no implicit conversions from float8 dtypes to others. You must cast it "
            f"internally. Received: {dtypes}"
        )
    dtypes = [config.floatx() if d is None else d for d in dtypes]
    weak = [d is int or d is float for d in dtypes]
    names = [standardize_dtype(d) for d in dtypes]
    if len(names) == 1:
        out, out_weak = names[0], weak[0]
    elif len(set(names)) == 1 and not all(weak):
        out, out_weak = names[0], False
    elif all(weak):
        out, out_weak = _least_upper_bound(sorted(set(names))), True
    else:
        out = _least_upper_bound(sorted({_weak(n) if w else n for n, w in zip(names, weak)}))
        out_weak = out in ("int", "float")
    if out_weak and out != "bool":
        bits = config.floatx()[-2:]
        kind = "f" if out == "bfloat16" else out[0]
        out = "bool" if kind == "b" else f"int{bits}" if kind == "i" else \
            f"uint{bits}" if kind == "u" else f"float{bits}"
    return _NARROW.get(out, out)


__all__ = ["is_float_dtype", "is_int_dtype", "result_type", "standardize_dtype"]
