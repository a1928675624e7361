"""Torch calls recorded between layers, in the form Keras 3 saves its own ops.

A functional model that calls ``a + b``, ``ops.concatenate([a, b], axis=-1)`` or ``x[:, 0]``
between layers records the torch call behind it (see symbolic.py). Keras 3 saves the same
model with nodes of its op classes (``Add``, ``Concatenate`` with ``{"axis": -1}``,
``GetItem``), which it can load back. ``keras_form`` maps a recorded torch call to that form:
``(class_name, module, op_config, call_args)``, or ``None`` when the call has no Keras
counterpart (the caller keeps the torch form then).

The call arguments are data only: symbolic tensors, Python numbers and, in a ``GetItem`` key,
Keras' ``__slice__``/``__ellipsis__`` markers. A call with a real tensor among its arguments
(a weight, a constant) is not mapped: Keras' op nodes carry no tensors.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from lamina.backend.torch import symbolic
from lamina.backend.torch.core import standardize_dtype

_NUMPY = "keras.src.ops.numpy"
_NN = "keras.src.ops.nn"
_TABLE: dict[int, object] = {}


def _is_sym(x) -> bool:
    return isinstance(x, symbolic._STATE["symbolic_class"])


def _is_value(x) -> bool:
    """A symbolic tensor or a plain Python number (what a Keras op node may hold)."""
    return _is_sym(x) or (isinstance(x, (int, float, bool)) and not isinstance(x, torch.Tensor))


def _bind(args, kwargs, names, defaults=None):
    """Torch's (args, kwargs) as a dict by parameter name, or None for unknown arguments."""
    if len(args) > len(names):
        return None
    bound = dict(defaults or {})
    bound.update(zip(names, args))
    for k, v in kwargs.items():
        if k not in names or k in dict(zip(names, args)):
            return None
        bound[k] = v
    if any(n not in bound for n in names if n not in (defaults or {})):
        return None
    return bound


def _axis(dim):
    if isinstance(dim, (list, tuple)):
        return None if len(dim) == 0 else [int(d) for d in dim]
    return dim if dim is None else int(dim)


def _ints(values):
    if len(values) == 1 and isinstance(values[0], (list, tuple, torch.Size)):
        values = values[0]
    if not all(isinstance(v, int) for v in values):
        return None
    return [int(v) for v in values]


# -- handlers: (args, kwargs) -> (class_name, module, config, call_args) or None --------------


def _binary(class_name, swap=False, names=("input", "other")):
    def handle(args, kwargs):
        b = _bind(args, kwargs, names)
        if b is None or not all(_is_value(b[n]) for n in names):
            return None
        x, y = b[names[0]], b[names[1]]
        return class_name, _NUMPY, {}, [y, x] if swap else [x, y]
    return handle


def _unary(class_name, module=_NUMPY, extra=()):
    def handle(args, kwargs):
        b = _bind(args, kwargs, ("input",) + tuple(n for n, _ in extra), dict(extra))
        if b is None or not _is_sym(b["input"]):
            return None
        if any(b[n] != d for n, d in extra):
            return None
        return class_name, module, {}, [b["input"]]
    return handle


def _join(class_name):
    def handle(args, kwargs):
        b = _bind(args, kwargs, ("tensors", "dim"), {"dim": 0})
        if b is None or not isinstance(b["tensors"], (list, tuple)):
            return None
        if not all(_is_sym(t) for t in b["tensors"]) or not isinstance(b["dim"], int):
            return None
        return class_name, _NUMPY, {"axis": int(b["dim"])}, [list(b["tensors"])]
    return handle


def _reduction(class_name, has_dtype=False, initial=False):
    names = ("input", "dim", "keepdim") + (("dtype",) if has_dtype else ())
    defaults = {"dim": None, "keepdim": False, "dtype": None}

    def handle(args, kwargs):
        b = _bind(args, kwargs, names, defaults)
        if b is None or not _is_sym(b["input"]):
            return None
        x, dtype = b["input"], b.get("dtype")
        if dtype is not None and standardize_dtype(dtype) != x.dtype:
            return None
        if class_name == "Mean" and "float" not in x.dtype:
            return None
        config = {"axis": _axis(b["dim"]), "keepdims": bool(b["keepdim"])}
        if initial:
            config["initial"] = None
        return class_name, _NUMPY, config, [x]
    return handle


def _max_min(reduce_name, pair_name):
    def handle(args, kwargs):
        if kwargs:
            return None
        if len(args) == 1 and _is_sym(args[0]):
            return reduce_name, _NUMPY, {"axis": None, "keepdims": False, "initial": None}, \
                [args[0]]
        if len(args) == 2 and all(_is_sym(a) for a in args):
            return pair_name, _NUMPY, {}, list(args)
        return None
    return handle


def _reshape(args, kwargs):
    if kwargs or not args or not _is_sym(args[0]):
        return None
    shape = _ints(list(args[1:]))
    if shape is None:
        return None
    return "Reshape", _NUMPY, {"newshape": shape}, [args[0]]


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
    return "Transpose", _NUMPY, {"axes": axes}, [args[0]]


def _swap(args, kwargs):
    b = _bind(args, kwargs, ("input", "dim0", "dim1"))
    if b is None or not _is_sym(b["input"]):
        return None
    x = b["input"]
    axes = list(range(x.ndim))
    i, j = b["dim0"] % x.ndim, b["dim1"] % x.ndim
    axes[i], axes[j] = axes[j], axes[i]
    return "Transpose", _NUMPY, {"axes": axes}, [x]


def _unsqueeze(args, kwargs):
    b = _bind(args, kwargs, ("input", "dim"))
    if b is None or not _is_sym(b["input"]) or not isinstance(b["dim"], int):
        return None
    return "ExpandDims", _NUMPY, {"axis": int(b["dim"])}, [b["input"]]


def _squeeze(args, kwargs):
    b = _bind(args, kwargs, ("input", "dim"), {"dim": None})
    if b is None or not _is_sym(b["input"]):
        return None
    x, axis = b["input"], _axis(b["dim"])
    dims = [axis] if isinstance(axis, int) else axis
    if dims is not None and any(x.shape[d] != 1 for d in dims):
        return None  # torch leaves such a dim alone where Keras refuses it
    return "Squeeze", _NUMPY, {"axis": axis}, [x]


def _softmax(args, kwargs):
    kwargs = {k: v for k, v in kwargs.items() if k != "_stacklevel"}
    b = _bind(args, kwargs, ("input", "dim", "dtype"), {"dtype": None})
    if b is None or not _is_sym(b["input"]) or b["dtype"] is not None:
        return None
    if not isinstance(b["dim"], int):
        return None
    return "Softmax", _NN, {"axis": int(b["dim"])}, [b["input"]]


def _key_item(item):
    if isinstance(item, slice):
        parts = (item.start, item.stop, item.step)
        if not all(p is None or isinstance(p, int) for p in parts):
            return False, None
        return True, {"class_name": "__slice__",
                      "config": {"start": item.start, "stop": item.stop, "step": item.step}}
    if item is Ellipsis:
        return True, {"class_name": "__ellipsis__", "config": {}}
    if item is None or (isinstance(item, int) and not isinstance(item, bool)):
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
    return "GetItem", _NUMPY, {}, [args[0], out if isinstance(key, tuple) else out[0]]


def _build_table():
    T = torch.Tensor
    entries = []

    def add(fns, handler):
        for fn in fns:
            entries.append((fn, handler))

    for cls_name, fns, rfns in (
        ("Add", (torch.add, T.add, T.__add__), (T.__radd__,)),
        ("Subtract", (torch.sub, torch.subtract, T.sub, T.__sub__), (T.__rsub__,)),
        ("Multiply", (torch.mul, torch.multiply, T.mul, T.__mul__), (T.__rmul__,)),
        ("TrueDivide", (torch.true_divide, T.__truediv__), (T.__rtruediv__,)),
        ("Matmul", (torch.matmul, T.matmul, T.__matmul__), (T.__rmatmul__,)),
        ("Power", (T.pow, T.__pow__), (T.__rpow__,)),
        ("Maximum", (torch.maximum,), ()),
        ("Minimum", (torch.minimum,), ()),
        ("Greater", (torch.gt, torch.greater, T.__gt__), ()),
        ("GreaterEqual", (torch.ge, torch.greater_equal, T.__ge__), ()),
        ("Less", (torch.lt, torch.less, T.__lt__), ()),
        ("LessEqual", (torch.le, torch.less_equal, T.__le__), ()),
        ("Equal", (torch.eq, T.eq), ()),
        ("NotEqual", (torch.ne, torch.not_equal, T.ne), ()),
    ):
        add(fns, _binary(cls_name))
        add(rfns, _binary(cls_name, swap=True))
    # torch.div(a, b) divides truly unless given a rounding_mode (then it is not mapped)
    add((torch.div, torch.divide, T.div), _binary("TrueDivide"))
    add((torch.pow,), _binary("Power", names=("input", "exponent")))
    for cls_name, fns in (
        ("Negative", (torch.neg, torch.negative, T.neg, T.__neg__)),
        ("Exp", (torch.exp, T.exp)),
        ("Log", (torch.log, T.log)),
        ("Sqrt", (torch.sqrt, T.sqrt)),
        ("Square", (torch.square, T.square)),
        ("Absolute", (torch.abs, torch.absolute, T.abs, T.__abs__)),
        ("Tanh", (torch.tanh, T.tanh)),
    ):
        add(fns, _unary(cls_name))
    add((torch.sigmoid, T.sigmoid, F.sigmoid), _unary("Sigmoid", _NN))
    add((torch.relu, T.relu), _unary("Relu", _NN))
    add((F.relu,), _unary("Relu", _NN, extra=(("inplace", False),)))
    add((torch.cat, torch.concat, torch.concatenate), _join("Concatenate"))
    add((torch.stack,), _join("Stack"))
    add((torch.mean, T.mean), _reduction("Mean", has_dtype=True))
    add((torch.sum, T.sum), _reduction("Sum", has_dtype=True))
    add((torch.amax, T.amax), _reduction("Max", initial=True))
    add((torch.amin, T.amin), _reduction("Min", initial=True))
    add((torch.max,), _max_min("Max", "Maximum"))
    add((torch.min,), _max_min("Min", "Minimum"))
    add((torch.reshape,), _reshape_fn)
    add((T.reshape, T.view), _reshape)
    add((torch.permute,), lambda a, k: _permute(a, k))
    add((T.permute,), _permute)
    add((torch.transpose, torch.swapaxes, T.transpose, T.swapaxes), _swap)
    add((torch.unsqueeze, T.unsqueeze), _unsqueeze)
    add((torch.squeeze, T.squeeze), _squeeze)
    add((torch.softmax, T.softmax, F.softmax), _softmax)
    add((T.__getitem__,), _getitem)
    for fn, handler in entries:
        _TABLE.setdefault(id(fn), (fn, handler))


def keras_form(function, args, kwargs):
    """``(class_name, module, config, call_args)`` of Keras' op for this torch call, or None."""
    if not _TABLE:
        _build_table()
    entry = _TABLE.get(id(function))
    if entry is None or entry[0] is not function:
        return None
    try:
        return entry[1](tuple(args), dict(kwargs or {}))
    except (TypeError, ValueError, IndexError, AttributeError):
        return None


__all__ = ["keras_form"]
