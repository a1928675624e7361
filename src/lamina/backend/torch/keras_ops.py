"""Torch calls recorded between layers, in the form Keras 3 saves its own ops.

A functional model that calls ``a + b``, ``ops.cumsum(x, axis=1)`` or ``x[:, 0]`` between
layers records the torch call behind it (see symbolic.py). Keras 3 saves the same model with
nodes of its op classes (``Add``, ``Cumsum`` with ``{"axis": 1, "dtype": null}``,
``GetItem``), which it can load back. ``keras_form`` maps a recorded torch call to that form:
``(class_name, op_config, call_args, call_kwargs)``, or ``None`` when the call has no Keras
counterpart (the caller keeps the torch form then). The recorder also checks that replaying
the Keras op gives the recorded shapes, so a mapping here can only fall back, never mislead.

The call arguments are data only: symbolic tensors, Python numbers and, in a ``GetItem`` key,
Keras' ``__slice__``/``__ellipsis__`` markers. A call with a real tensor among its arguments
(a weight, a constant) is not mapped, except a 0-d constant of the other operand's dtype (what
an op makes of a Python number), which is saved as that number: Keras' op nodes carry no
tensors.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

import inspect

from lamina import config as _config
from lamina.backend.torch import image_filters, image_warps, symbolic
from lamina.backend.torch.core import standardize_dtype

_TABLE: dict[int, object] = {}
_NO = object()  # an argument with no Keras form


def _is_sym(x) -> bool:
    return isinstance(x, symbolic._STATE["symbolic_class"])


def _is_number(x) -> bool:
    return isinstance(x, (int, float, bool)) and not isinstance(x, torch.Tensor)


def _is_value(x) -> bool:
    """A symbolic tensor or a plain Python number (what a Keras op node may hold)."""
    return _is_sym(x) or _is_number(x)


def _operand(x, other):
    """``x`` as a Keras op node argument: a symbolic tensor, a number, or ``_NO``.

    A real 0-d tensor of ``other``'s dtype is the tensor an op made of a Python number
    (``ops.maximum(x, 0.0)``); Keras keeps the number, and so do we.
    """
    if _is_value(x):
        return x
    if isinstance(x, torch.Tensor) and x.ndim == 0 and _is_sym(other) \
            and standardize_dtype(x.dtype) == other.dtype:
        return x.item()
    return _NO


def _bind(args, kwargs, names, defaults=None):
    """Torch's (args, kwargs) as a dict by parameter name, or None for unknown arguments."""
    if len(args) > len(names):
        return None
    bound = dict(defaults or {})
    positional = dict(zip(names, args))
    bound.update(positional)
    for k, v in kwargs.items():
        if k not in names or k in positional:
            return None
        bound[k] = v
    if any(n not in bound for n in names):
        return None
    return bound


def _axis(dim):
    if isinstance(dim, (list, tuple)):
        return None if len(dim) == 0 else [int(d) for d in dim]
    return dim if dim is None else int(dim)


def _ints(values):
    if len(values) == 1 and isinstance(values[0], (list, tuple, torch.Size)):
        values = values[0]
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return None
    return [int(v) for v in values]


def _is_int(x) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _dtype_name(dtype):
    return None if dtype is None else standardize_dtype(dtype)


# -- handlers: (args, kwargs) -> (class_name, config, call_args[, call_kwargs]) or None -------


def _binary(class_name, swap=False, names=("input", "other")):
    def handle(args, kwargs):
        b = _bind(args, kwargs, names)
        if b is None:
            return None
        x, y = _operand(b[names[0]], b[names[1]]), _operand(b[names[1]], b[names[0]])
        if x is _NO or y is _NO or not (_is_sym(x) or _is_sym(y)):
            return None
        return class_name, {}, [y, x] if swap else [x, y]
    return handle


def _by_dtype(bool_name, int_name, swap=False):
    """``&``, ``|``, ``^``: logical on booleans, bitwise on integers (as Keras' ops are)."""
    on_bool, on_int = _binary(bool_name, swap), _binary(int_name, swap)

    def handle(args, kwargs):
        tensors = [a for a in args if _is_sym(a)]
        if not tensors or any(t.dtype != tensors[0].dtype for t in tensors):
            return None
        if tensors[0].dtype == "bool":
            return on_bool(args, kwargs)
        if "int" in tensors[0].dtype:
            return on_int(args, kwargs)
        return None
    return handle


def _unary(class_name, extra=(), config=None):
    """``f(x)``; ``extra`` are torch's other parameters, mapped only at these defaults."""
    def handle(args, kwargs):
        b = _bind(args, kwargs, ("input",) + tuple(n for n, _ in extra), dict(extra))
        if b is None or not _is_sym(b["input"]):
            return None
        if any(b[n] != d for n, d in extra):
            return None
        return class_name, dict(config or {}), [b["input"]]
    return handle


def _invert(args, kwargs):
    if kwargs or len(args) != 1 or not _is_sym(args[0]):
        return None
    if args[0].dtype == "bool":
        return "LogicalNot", {}, [args[0]]
    return ("BitwiseInvert", {}, [args[0]]) if "int" in args[0].dtype else None


def _join(class_name):
    def handle(args, kwargs):
        b = _bind(args, kwargs, ("tensors", "dim"), {"dim": 0})
        if b is None or not isinstance(b["tensors"], (list, tuple)):
            return None
        if not all(_is_sym(t) for t in b["tensors"]) or not _is_int(b["dim"]):
            return None
        return class_name, {"axis": int(b["dim"])}, [list(b["tensors"])]
    return handle


def _reduction(class_name, has_dtype=False, initial=False, keras_dtype=False):
    names = ("input", "dim", "keepdim") + (("dtype",) if has_dtype else ())
    defaults = {"dim": None, "keepdim": False, "dtype": None}

    def handle(args, kwargs):
        b = _bind(args, kwargs, names, defaults)
        if b is None or not _is_sym(b["input"]):
            return None
        x, dtype = b["input"], b.get("dtype")
        config = {"axis": _axis(b["dim"]), "keepdims": bool(b["keepdim"])}
        if keras_dtype:
            config["dtype"] = _dtype_name(dtype)
        elif dtype is not None and standardize_dtype(dtype) != x.dtype:
            return None
        if class_name == "Mean" and "float" not in x.dtype:
            return None
        if initial:
            config["initial"] = None
        return class_name, config, [x]
    return handle


def _statistic(class_name):
    """``torch.std``/``var`` with the population estimate (Keras' ``ops.std``/``var``)."""
    def handle(args, kwargs):
        kwargs = dict(kwargs)
        unbiased = kwargs.pop("unbiased", True)
        correction = kwargs.pop("correction", None)
        if (correction if correction is not None else int(bool(unbiased))) != 0:
            return None
        b = _bind(args, kwargs, ("input", "dim", "keepdim"), {"dim": None, "keepdim": False})
        if b is None or not _is_sym(b["input"]):
            return None
        return class_name, {"axis": _axis(b["dim"]), "keepdims": bool(b["keepdim"])}, \
            [b["input"]]
    return handle


def _count_nonzero(args, kwargs):
    b = _bind(args, kwargs, ("input", "dim"), {"dim": None})
    if b is None or not _is_sym(b["input"]):
        return None
    return "CountNonzero", {"axis": _axis(b["dim"])}, [b["input"]]


def _arg_reduction(class_name):
    def handle(args, kwargs):
        b = _bind(args, kwargs, ("input", "dim", "keepdim"), {"dim": None, "keepdim": False})
        if b is None or not _is_sym(b["input"]) or (b["dim"] is None and b["keepdim"]):
            return None
        return class_name, {"axis": _axis(b["dim"]), "keepdims": bool(b["keepdim"])}, \
            [b["input"]]
    return handle


def _max_min(reduce_name, pair_name):
    def handle(args, kwargs):
        if kwargs:
            return None
        if len(args) == 1 and _is_sym(args[0]):
            return reduce_name, {"axis": None, "keepdims": False, "initial": None}, [args[0]]
        if len(args) == 2 and all(_is_sym(a) for a in args):
            return pair_name, {}, list(args)
        return None
    return handle


def _cumulative(class_name):
    def handle(args, kwargs):
        b = _bind(args, kwargs, ("input", "dim", "dtype"), {"dtype": None})
        if b is None or not _is_sym(b["input"]) or not _is_int(b["dim"]):
            return None
        return class_name, {"axis": int(b["dim"]), "dtype": _dtype_name(b["dtype"])}, \
            [b["input"]]
    return handle


def _cast(dtype):
    def handle(args, kwargs):
        b = _bind(args, kwargs, ("input",))
        if b is None or not _is_sym(b["input"]):
            return None
        return "Cast", {"dtype": dtype}, [b["input"]]
    return handle


def _to(args, kwargs):
    """``x.to(dtype)`` (no device, no copy flags): Keras' ``Cast``."""
    if not args or not _is_sym(args[0]):
        return None
    rest, kwargs = list(args[1:]), dict(kwargs)
    if "dtype" in kwargs and not rest:
        rest = [kwargs.pop("dtype")]
    if kwargs or len(rest) != 1 or not isinstance(rest[0], torch.dtype):
        return None
    return "Cast", {"dtype": standardize_dtype(rest[0])}, [args[0]]


def _where(args, kwargs):
    b = _bind(args, kwargs, ("condition", "input", "other"))
    if b is None or not _is_sym(b["condition"]):
        return None
    x, y = _operand(b["input"], b["other"]), _operand(b["other"], b["input"])
    if x is _NO or y is _NO:
        return None
    return "Where", {}, [b["condition"], x, y]


def _clamp(args, kwargs):
    b = _bind(args, kwargs, ("input", "min", "max"), {"min": None, "max": None})
    if b is None or not _is_sym(b["input"]) or b["input"].dtype == "bool":
        return None
    x, low, high = b["input"], b["min"], b["max"]
    if not all(v is None or _is_number(v) for v in (low, high)):
        return None
    if low is not None and high is not None:
        return "Clip", {"x_min": low, "x_max": high}, [x]
    if low is not None:
        return "Maximum", {}, [x, low]
    if high is not None:
        return "Minimum", {}, [x, high]
    return None


def _clamp_min(args, kwargs):
    b = _bind(args, kwargs, ("input", "min"))
    return None if b is None else _clamp((b["input"], b["min"]), {})


def _clamp_max(args, kwargs):
    b = _bind(args, kwargs, ("input", "max"))
    return None if b is None else _clamp((b["input"], None, b["max"]), {})


def _split(args, kwargs):
    b = _bind(args, kwargs, ("input", "indices_or_sections", "dim"), {"dim": 0})
    if b is None or not _is_sym(b["input"]) or not _is_int(b["dim"]):
        return None
    parts = b["indices_or_sections"]
    if not _is_int(parts):
        parts = _ints([parts]) if isinstance(parts, (list, tuple)) else None
    if parts is None:
        return None
    return "Split", {"indices_or_sections": parts, "axis": int(b["dim"])}, [b["input"]]


def _topk(args, kwargs):
    b = _bind(args, kwargs, ("input", "k", "dim", "largest", "sorted"),
              {"dim": -1, "largest": True, "sorted": True})
    if b is None or not _is_sym(b["input"]) or not _is_int(b["k"]) or not b["largest"]:
        return None
    if b["dim"] not in (-1, b["input"].ndim - 1):
        return None
    return "TopK", {"k": int(b["k"]), "sorted": bool(b["sorted"])}, [b["input"]]


def _ints_config(class_name, names, keys, defaults=None):
    """Ops whose torch arguments after the input are ints (or lists of ints) Keras keeps in
    its config under other names: ``torch.diff(x, n, dim)`` -> ``Diff(n, axis)``."""
    def handle(args, kwargs):
        b = _bind(args, kwargs, ("input",) + names, defaults)
        if b is None or not _is_sym(b["input"]):
            return None
        config = {}
        for name, key in zip(names, keys):
            value = b[name]
            if isinstance(value, (list, tuple)):
                value = _ints([value])
            elif not _is_int(value):
                return None
            if value is None:
                return None
            config[key] = value
        return class_name, config, [b["input"]]
    return handle


def _diff(args, kwargs):
    b = _bind(args, kwargs, ("input", "n", "dim", "prepend", "append"),
              {"n": 1, "dim": -1, "prepend": None, "append": None})
    if b is None or b["prepend"] is not None or b["append"] is not None:
        return None
    return _ints_config("Diff", ("n", "dim"), ("n", "axis"))((b["input"], b["n"], b["dim"]), {})


def _argsort(args, kwargs):
    b = _bind(args, kwargs, ("input", "dim", "descending", "stable"),
              {"dim": -1, "descending": False, "stable": False})
    if b is None or not _is_sym(b["input"]) or b["descending"] or not _is_int(b["dim"]):
        return None
    return "Argsort", {"axis": int(b["dim"])}, [b["input"]]


def _repeat(args, kwargs):
    b = _bind(args, kwargs, ("input", "repeats", "dim"), {"dim": None})
    if b is None or not _is_sym(b["input"]) or not _is_int(b["repeats"]):
        return None
    if b["dim"] is not None and not _is_int(b["dim"]):
        return None
    return "Repeat", {"repeats": int(b["repeats"]), "axis": b["dim"]}, [b["input"]]


def _unbind(args, kwargs):
    b = _bind(args, kwargs, ("input", "dim"), {"dim": 0})
    if b is None or not _is_sym(b["input"]) or not _is_int(b["dim"]):
        return None
    return "Unstack", {"num": None, "axis": int(b["dim"])}, [b["input"]]


def _einsum(args, kwargs):
    if kwargs or not args or not isinstance(args[0], str):
        return None
    operands = list(args[1:])
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = list(operands[0])
    if not operands or not all(_is_sym(t) for t in operands):
        return None
    return "Einsum", {"subscripts": args[0]}, operands


def _tensordot(args, kwargs):
    b = _bind(args, kwargs, ("a", "b", "dims", "out"), {"dims": 2, "out": None})
    if b is None or b["out"] is not None or not (_is_sym(b["a"]) and _is_sym(b["b"])):
        return None
    dims = b["dims"]
    if isinstance(dims, (list, tuple)) and len(dims) == 2:
        axes = [_ints([d]) for d in dims]  # an int or a list of ints per operand
        if any(a is None for a in axes):
            return None
    elif _is_int(dims):
        axes = int(dims)
    else:
        return None
    return "Tensordot", {"axes": axes}, [b["a"], b["b"]]


def _pad(args, kwargs):
    b = _bind(args, kwargs, ("input", "pad", "mode", "value"), {"mode": "constant", "value": None})
    if b is None or not _is_sym(b["input"]) or b["mode"] != "constant":
        return None
    pad, ndim = _ints([b["pad"]]), b["input"].ndim
    if pad is None or len(pad) % 2 or len(pad) > 2 * ndim or any(p < 0 for p in pad):
        return None
    if b["value"] is not None and not _is_number(b["value"]):
        return None
    pairs = [[pad[i], pad[i + 1]] for i in range(0, len(pad), 2)][::-1]  # last axis first
    width = [[0, 0]] * (ndim - len(pairs)) + pairs
    return "Pad", {"pad_width": width, "mode": "constant"}, [b["input"]], \
        {"constant_values": b["value"]}


def _nan_to_num(args, kwargs):
    b = _bind(args, kwargs, ("input", "nan", "posinf", "neginf"),
              {"nan": 0.0, "posinf": None, "neginf": None})
    if b is None or not _is_sym(b["input"]):
        return None
    if not all(b[k] is None or _is_number(b[k]) for k in ("nan", "posinf", "neginf")):
        return None
    return "NanToNum", {k: b[k] for k in ("nan", "posinf", "neginf")}, [b["input"]]


def _like(class_name):
    def handle(args, kwargs):
        b = _bind(args, kwargs, ("input", "dtype"), {"dtype": None})
        if b is None or not _is_sym(b["input"]):
            return None
        return class_name, {"dtype": _dtype_name(b["dtype"])}, [b["input"]]
    return handle


def _norm(args, kwargs):
    b = _bind(args, kwargs, ("x", "ord", "dim", "keepdim", "dtype"),
              {"ord": 2, "dim": None, "keepdim": False, "dtype": None})
    if b is None or not _is_sym(b["x"]) or b["dtype"] is not None or b["dim"] is None:
        return None
    axis = _axis(b["dim"])
    if isinstance(axis, list) and len(axis) == 1:
        axis = axis[0]
    if isinstance(axis, list) or not _is_number(b["ord"]):
        return None  # over two axes Keras takes matrix norms
    return "Norm", {"ord": None if b["ord"] == 2 else b["ord"], "axis": axis,
                    "keepdims": bool(b["keepdim"])}, [b["x"]]


def _softmax_like(class_name):
    def handle(args, kwargs):
        kwargs = {k: v for k, v in kwargs.items() if k != "_stacklevel"}
        b = _bind(args, kwargs, ("input", "dim", "dtype"), {"dtype": None})
        if b is None or not _is_sym(b["input"]) or b["dtype"] is not None:
            return None
        if not _is_int(b["dim"]):
            return None
        return class_name, {"axis": int(b["dim"])}, [b["input"]]
    return handle


def _with_number(class_name, torch_name, key, default):
    """``F.elu(x, alpha)`` -> ``Elu(alpha=...)``; ``inplace`` must be False."""
    def handle(args, kwargs):
        b = _bind(args, kwargs, ("input", torch_name, "inplace"),
                  {torch_name: default, "inplace": False})
        if b is None or not _is_sym(b["input"]) or b["inplace"] or not _is_number(b[torch_name]):
            return None
        return class_name, {key: b[torch_name]}, [b["input"]]
    return handle


def _gelu(args, kwargs):
    b = _bind(args, kwargs, ("input", "approximate"), {"approximate": "none"})
    if b is None or not _is_sym(b["input"]) or b["approximate"] not in ("none", "tanh"):
        return None
    return "Gelu", {"approximate": b["approximate"] == "tanh"}, [b["input"]]


def _round(args, kwargs):
    b = _bind(args, kwargs, ("input", "decimals"), {"decimals": 0})
    if b is None or not _is_sym(b["input"]) or not _is_int(b["decimals"]):
        return None
    return "Round", {"decimals": int(b["decimals"])}, [b["input"]]


def _reshape(args, kwargs):
    if kwargs or not args or not _is_sym(args[0]):
        return None
    shape = _ints(list(args[1:]))
    if shape is None:
        return None
    return "Reshape", {"newshape": shape}, [args[0]]


def _reshape_fn(args, kwargs):
    b = _bind(args, kwargs, ("input", "shape"))
    if b is None:
        return None
    return _reshape((b["input"], b["shape"]), {})


def _permute(args, kwargs):
    b = _bind(args, kwargs, ("input", "dims")) if "dims" in kwargs else None
    if b is not None:
        args = (b["input"], b["dims"])
    if not args or not _is_sym(args[0]) or (kwargs and b is None):
        return None
    axes = _ints(list(args[1:]))
    if axes is None:
        return None
    return "Transpose", {"axes": axes}, [args[0]]


def _swap(args, kwargs):
    b = _bind(args, kwargs, ("input", "dim0", "dim1"))
    if b is None or not _is_sym(b["input"]) or not (_is_int(b["dim0"]) and _is_int(b["dim1"])):
        return None
    x = b["input"]
    axes = list(range(x.ndim))
    i, j = b["dim0"] % x.ndim, b["dim1"] % x.ndim
    axes[i], axes[j] = axes[j], axes[i]
    return "Transpose", {"axes": axes}, [x]


def _unsqueeze(args, kwargs):
    b = _bind(args, kwargs, ("input", "dim"))
    if b is None or not _is_sym(b["input"]) or not _is_int(b["dim"]):
        return None
    return "ExpandDims", {"axis": int(b["dim"])}, [b["input"]]


def _squeeze(args, kwargs):
    b = _bind(args, kwargs, ("input", "dim"), {"dim": None})
    if b is None or not _is_sym(b["input"]):
        return None
    x, axis = b["input"], _axis(b["dim"])
    dims = [axis] if isinstance(axis, int) else axis
    if dims is not None and any(x.shape[d] != 1 for d in dims):
        return None  # torch leaves such a dim alone where Keras refuses it
    return "Squeeze", {"axis": axis}, [x]


def _key_item(item):
    if isinstance(item, slice):
        parts = (item.start, item.stop, item.step)
        if not all(p is None or _is_int(p) for p in parts):
            return False, None
        return True, {"class_name": "__slice__",
                      "config": {"start": item.start, "stop": item.stop, "step": item.step}}
    if item is Ellipsis:
        return True, {"class_name": "__ellipsis__", "config": {}}
    if item is None or _is_int(item):
        return True, item
    return False, None


def _getitem(args, kwargs):
    if kwargs or len(args) != 2 or not _is_sym(args[0]):
        return None
    key = args[1]
    items = list(key) if isinstance(key, tuple) else [key]
    out = []
    for item in items:
        ok, enc = _key_item(item)
        if not ok:
            return None
        out.append(enc)
    return "GetItem", {}, [args[0], out if isinstance(key, tuple) else out[0]]


_UNARY = (
    ("Negative", "neg negative", "neg negative __neg__"),
    ("Exp", "exp", "exp"),
    ("Exp2", "exp2", "exp2"),
    ("Expm1", "expm1 special.expm1", "expm1"),
    ("Log", "log", "log"),
    ("Log1p", "log1p special.log1p", "log1p"),
    ("Log2", "log2", "log2"),
    ("Log10", "log10", "log10"),
    ("Sqrt", "sqrt", "sqrt"),
    ("Rsqrt", "rsqrt", "rsqrt"),
    ("Square", "square", "square"),
    ("Absolute", "abs absolute", "abs absolute __abs__"),
    ("Tanh", "tanh", "tanh"),
    ("Sin", "sin", "sin"), ("Cos", "cos", "cos"), ("Tan", "tan", "tan"),
    ("Arcsin", "asin arcsin", "asin arcsin"), ("Arccos", "acos arccos", "acos arccos"),
    ("Arctan", "atan arctan", "atan arctan"),
    ("Sinh", "sinh", "sinh"), ("Cosh", "cosh", "cosh"),
    ("Arcsinh", "asinh arcsinh", "asinh arcsinh"), ("Arccosh", "acosh arccosh", "acosh arccosh"),
    ("Arctanh", "atanh arctanh", "atanh arctanh"),
    ("Erf", "erf special.erf", "erf"), ("Erfc", "erfc special.erfc", "erfc"),
    ("Erfinv", "erfinv special.erfinv", "erfinv"),
    ("Ceil", "ceil", "ceil"), ("Floor", "floor", "floor"), ("Trunc", "trunc fix", "trunc fix"),
    ("Sign", "sign", "sign"), ("Signbit", "signbit", "signbit"),
    ("Reciprocal", "reciprocal", "reciprocal"),
    ("Deg2rad", "deg2rad", "deg2rad"), ("Rad2deg", "rad2deg", "rad2deg"),
    ("Isnan", "isnan", "isnan"), ("Isinf", "isinf", "isinf"),
    ("Isfinite", "isfinite", "isfinite"),
    ("Isposinf", "isposinf", "isposinf"), ("Isneginf", "isneginf", "isneginf"),
    ("LogicalNot", "logical_not", "logical_not"),
    ("BitwiseInvert", "bitwise_not", "bitwise_not"),
)

_BINARY = (
    ("Add", "add", "add __add__", "__radd__"),
    ("Subtract", "sub subtract", "sub subtract __sub__", "__rsub__"),
    ("Multiply", "mul multiply", "mul multiply __mul__", "__rmul__"),
    ("TrueDivide", "true_divide", "true_divide __truediv__", "__rtruediv__"),
    ("Matmul", "matmul mm bmm", "matmul mm bmm __matmul__", "__rmatmul__"),
    ("Power", "", "pow __pow__", "__rpow__"),
    ("FloorDivide", "floor_divide", "floor_divide __floordiv__", "__rfloordiv__"),
    ("Mod", "remainder", "remainder __mod__", "__rmod__"),
    ("Fmod", "fmod", "fmod", ""),
    ("Maximum", "maximum", "maximum", ""),
    ("Minimum", "minimum", "minimum", ""),
    ("Arctan2", "atan2 arctan2", "atan2 arctan2", ""),
    ("Hypot", "hypot", "hypot", ""),
    ("Logaddexp", "logaddexp", "logaddexp", ""),
    ("Heaviside", "heaviside", "heaviside", ""),
    ("Greater", "gt greater", "gt greater __gt__", ""),
    ("GreaterEqual", "ge greater_equal", "ge greater_equal __ge__", ""),
    ("Less", "lt less", "lt less __lt__", ""),
    ("LessEqual", "le less_equal", "le less_equal __le__", ""),
    ("Equal", "eq", "eq", ""),
    ("NotEqual", "ne not_equal", "ne not_equal", ""),
    ("LogicalAnd", "logical_and", "logical_and", ""),
    ("LogicalOr", "logical_or", "logical_or", ""),
    ("LogicalXor", "logical_xor", "logical_xor", ""),
    ("BitwiseAnd", "bitwise_and", "bitwise_and", ""),
    ("BitwiseOr", "bitwise_or", "bitwise_or", ""),
    ("BitwiseXor", "bitwise_xor", "bitwise_xor", ""),
)


def _torch(names):
    """torch functions by name (``"special.erf"`` for submodules); the names are literals here."""
    out = []
    for name in names.split():
        namespace, _, attr = name.rpartition(".")
        value = getattr(getattr(torch, namespace) if namespace else torch, attr, None)
        if value is not None:
            out.append(value)
    return tuple(out)


def _methods(names):
    return tuple(v for v in (getattr(torch.Tensor, n, None) for n in names.split())
                 if v is not None)


def _is_data(v) -> bool:
    if v is None or isinstance(v, (bool, int, float, str)):
        return not isinstance(v, torch.Tensor)
    return isinstance(v, (list, tuple)) and all(_is_data(x) for x in v)


def _data(v):
    return [_data(x) for x in v] if isinstance(v, (list, tuple)) else v


def _image_op(class_name, function, call, data=(), fix=None):
    """A whole image kernel (recorded as one call, see image_warps.py) as Keras' op class.

    ``call`` names the node's call arguments in Keras' order: symbolic tensors, except those
    in ``data`` (``output_shape``); every other parameter goes in the op's config.
    """
    signature = inspect.signature(function)

    def handle(args, kwargs):
        b = signature.bind(*args, **kwargs)
        b.apply_defaults()
        values = dict(b.arguments)
        if fix is not None:
            values = fix(values)
        if not all(_is_sym(values[n]) for n in call if n not in data):
            return None
        if not all(_is_data(values[n]) for n in values if n not in call or n in data):
            return None
        if values.get("data_format", "") is None:  # Keras' op config holds the resolved format
            values["data_format"] = _config.image_data_format()
        config = {n: _data(v) for n, v in values.items() if n not in call}
        return class_name, config, [_data(values[n]) if n in data else values[n] for n in call]
    return handle


def _patches_3d(values):
    for key in ("size", "strides"):  # Keras' ExtractPatches knows 3-D patches by a 3-tuple size
        if isinstance(values[key], int):
            values[key] = [values[key]] * 3
    return values


def _build_table():
    T = torch.Tensor
    entries = []

    def add(fns, handler):
        for fn in fns:
            entries.append((fn, handler))

    for cls_name, fns, methods in _UNARY:
        add(_torch(fns) + _methods(methods), _unary(cls_name))
    for cls_name, fns, methods, reflected in _BINARY:
        add(_torch(fns) + _methods(methods), _binary(cls_name))
        add(_methods(reflected), _binary(cls_name, swap=True))
    # torch.div(a, b) divides truly unless given a rounding_mode (then it is not mapped)
    add((torch.div, torch.divide, T.div, T.divide), _binary("TrueDivide"))
    add((torch.pow,), _binary("Power", names=("input", "exponent")))
    for dunder, reflected, logical, bitwise in (
        ("__and__", "__rand__", "LogicalAnd", "BitwiseAnd"),
        ("__or__", "__ror__", "LogicalOr", "BitwiseOr"),
        ("__xor__", "__rxor__", "LogicalXor", "BitwiseXor"),
    ):
        add(_methods(dunder), _by_dtype(logical, bitwise))
        add(_methods(reflected), _by_dtype(logical, bitwise, swap=True))
    add((T.__invert__,), _invert)
    add((torch.sigmoid, T.sigmoid, F.sigmoid, torch.special.expit), _unary("Sigmoid"))
    add((torch.relu, T.relu), _unary("Relu"))
    add((F.relu,), _unary("Relu", extra=(("inplace", False),)))
    add((F.selu,), _unary("Selu", extra=(("inplace", False),)))
    add((F.silu,), _unary("Silu", extra=(("inplace", False),)))
    add((F.softsign,), _unary("Softsign"))
    add((F.softplus,), _unary("Softplus", extra=(("beta", 1.0), ("threshold", 20.0))))
    add((F.elu,), _with_number("Elu", "alpha", "alpha", 1.0))
    add((F.leaky_relu,), _with_number("LeakyRelu", "negative_slope", "negative_slope", 0.01))
    add((F.gelu,), _gelu)
    add((torch.round, T.round), _round)
    add((torch.cat, torch.concat, torch.concatenate), _join("Concatenate"))
    add((torch.stack,), _join("Stack"))
    add((torch.mean, T.mean), _reduction("Mean", has_dtype=True))
    add((torch.sum, T.sum), _reduction("Sum", has_dtype=True))
    add((torch.prod, T.prod), _reduction("Prod", has_dtype=True, keras_dtype=True))
    add((torch.amax, T.amax), _reduction("Max", initial=True))
    add((torch.amin, T.amin), _reduction("Min", initial=True))
    add((torch.any, T.any), _reduction("Any"))
    add((torch.all, T.all), _reduction("All"))
    add((torch.logsumexp, T.logsumexp), _reduction("Logsumexp"))
    add((torch.std, T.std), _statistic("Std"))
    add((torch.var, T.var), _statistic("Var"))
    add((torch.argmax, T.argmax), _arg_reduction("Argmax"))
    add((torch.argmin, T.argmin), _arg_reduction("Argmin"))
    add((torch.count_nonzero, T.count_nonzero), _count_nonzero)
    add((torch.max,), _max_min("Max", "Maximum"))
    add((torch.min,), _max_min("Min", "Minimum"))
    add((torch.cumsum, T.cumsum), _cumulative("Cumsum"))
    add((torch.cumprod, T.cumprod), _cumulative("Cumprod"))
    add((T.to,), _to)
    for method, dtype in (("float", "float32"), ("double", "float64"), ("half", "float16"),
                          ("long", "int64"), ("int", "int32"), ("short", "int16"),
                          ("bool", "bool"), ("byte", "uint8")):
        add(_methods(method), _cast(dtype))
    add((torch.where,), _where)
    add((torch.clamp, torch.clip, T.clamp, T.clip), _clamp)
    add((torch.clamp_min, T.clamp_min), _clamp_min)
    add((torch.clamp_max, T.clamp_max), _clamp_max)
    add((torch.tensor_split, T.tensor_split), _split)
    add((torch.topk, T.topk), _topk)
    add((torch.diagonal, T.diagonal), _ints_config(
        "Diagonal", ("offset", "dim1", "dim2"), ("offset", "axis1", "axis2"),
        {"offset": 0, "dim1": 0, "dim2": 1}))
    add((torch.tril, T.tril), _ints_config("Tril", ("diagonal",), ("k",), {"diagonal": 0}))
    add((torch.triu, T.triu), _ints_config("Triu", ("diagonal",), ("k",), {"diagonal": 0}))
    add((torch.flip, T.flip), _ints_config("Flip", ("dims",), ("axis",)))
    add((torch.roll, T.roll), _ints_config("Roll", ("shifts", "dims"), ("shift", "axis")))
    add((torch.tile, T.tile), _ints_config("Tile", ("dims",), ("repeats",)))
    add((torch.movedim, torch.moveaxis, T.movedim, T.moveaxis),
        _ints_config("Moveaxis", ("source", "destination"), ("source", "destination")))
    add((torch.diff, T.diff), _diff)
    add((torch.argsort, T.argsort), _argsort)
    add((torch.repeat_interleave, T.repeat_interleave), _repeat)
    add((torch.unbind, T.unbind), _unbind)
    add((torch.einsum,), _einsum)
    add((torch.tensordot,), _tensordot)
    add((F.pad,), _pad)
    add((torch.nan_to_num, T.nan_to_num), _nan_to_num)
    add((torch.zeros_like,), _like("ZerosLike"))
    add((torch.ones_like,), _like("OnesLike"))
    add((torch.linalg.vector_norm,), _norm)
    add((torch.reshape,), _reshape_fn)
    add((T.reshape, T.view), _reshape)
    add((torch.permute,), lambda a, k: _permute(a, k))
    add((T.permute,), _permute)
    add((torch.transpose, torch.swapaxes, T.transpose, T.swapaxes), _swap)
    add((torch.unsqueeze, T.unsqueeze), _unsqueeze)
    add((torch.squeeze, T.squeeze), _squeeze)
    add((torch.softmax, T.softmax, F.softmax), _softmax_like("Softmax"))
    add((torch.log_softmax, T.log_softmax, F.log_softmax), _softmax_like("LogSoftmax"))
    add((T.__getitem__,), _getitem)
    add((image_warps.perspective_transform,), _image_op(
        "PerspectiveTransform", image_warps.perspective_transform,
        ("images", "start_points", "end_points")))
    add((image_warps.elastic_transform,), _image_op(
        "ElasticTransform", image_warps.elastic_transform, ("images",)))
    add((image_warps.scale_and_translate,), _image_op(
        "ScaleAndTranslate", image_warps.scale_and_translate,
        ("images", "output_shape", "scale", "translation"), data=("output_shape",)))
    add((image_filters.sobel_edges,), _image_op(
        "SobelEdges", image_filters.sobel_edges, ("images",)))
    add((image_filters.ssim,), _image_op("SSIM", image_filters.ssim, ("image1", "image2")))
    add((image_filters.extract_patches_3d,), _image_op(
        "ExtractPatches", image_filters.extract_patches_3d, ("volumes",), fix=_patches_3d))
    for fn, handler in entries:
        _TABLE.setdefault(id(fn), (fn, handler))


def keras_form(function, args, kwargs):
    """``(class_name, config, call_args, call_kwargs)`` of Keras' op for this call, or None."""
    if not _TABLE:
        _build_table()
    entry = _TABLE.get(id(function))
    if entry is None or entry[0] is not function:
        return None
    try:
        form = entry[1](tuple(args), dict(kwargs or {}))
    except (TypeError, ValueError, IndexError, AttributeError):
        return None
    if form is None:
        return None
    return form if len(form) == 4 else (*form, {})


__all__ = ["keras_form"]
