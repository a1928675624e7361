"""The torch side of symbolic tensors: ``__torch_function__`` for graph building.

``SymbolicTensor`` (lamina/ops/symbolic.py) defines ``__torch_function__``, so any torch
function given a symbolic tensor (directly or in a list, as ``torch.cat`` takes them) calls
``torch_function`` here instead of running. Real tensors never come this way: torch checks for
the protocol in C, so ops on real tensors pay nothing (DESIGN rule 2).

``torch_function`` runs the function on shape-only "meta" tensors standing in for the
symbolic ones. If it yields tensors, the recorder (registered from above, by the op layer)
turns the call into a graph node and returns new symbolic tensors; other results (``bool``,
``int``) are returned as they are, so wrappers may branch on ``x.is_floating_point()``.
"""

from __future__ import annotations

import importlib

import torch

from lamina.backend.torch.core import DEVICE, standardize_dtype, to_engine_dtype
from lamina.backend.torch.op_table import PROPERTIES, STRING_ARGUMENTS, TABLE

_PROBE_SIZES = (7, 11)
_DTYPE_NAMES = frozenset({
    "bool", "uint8", "uint16", "uint32", "uint64", "int8", "int16", "int32", "int64",
    "bfloat16", "float16", "float32", "float64", "complex64", "complex128",
})
_STATE = {"symbolic_class": None, "recorder": None}


def set_symbolic_class(cls) -> None:
    """Tell the backend which class is the symbolic tensor (set by lamina.ops.symbolic)."""
    _STATE["symbolic_class"] = cls


def set_recorder(fn) -> None:
    """``fn(function, args, kwargs, specs, structure)`` -> symbolic outputs (set by the op layer)."""
    _STATE["recorder"] = fn


def recorder():
    return _STATE["recorder"]


# -- running a call on meta tensors ------------------------------------------------------------


def _replace(structure, fn):
    sym = _STATE["symbolic_class"]
    if isinstance(structure, sym):
        return fn(structure)
    if isinstance(structure, (list, tuple)) and not isinstance(structure, torch.Size):
        out = [_replace(v, fn) for v in structure]
        return tuple(out) if isinstance(structure, tuple) else out
    if isinstance(structure, dict):
        return {k: _replace(v, fn) for k, v in structure.items()}
    return structure


def _flat_tensors(x, out):
    if isinstance(x, torch.Tensor):
        out.append(x)
    elif isinstance(x, (list, tuple)) and not isinstance(x, torch.Size):
        for v in x:
            _flat_tensors(v, out)
    elif isinstance(x, dict):
        for k in sorted(x):
            _flat_tensors(x[k], out)
    return out


def _run(function, args, kwargs, size, fake):
    def stand_in(t):
        shape = tuple(size if d is None else d for d in t.shape)
        if fake:
            return torch.empty(shape, dtype=to_engine_dtype(t.dtype))
        return torch.empty(shape, dtype=to_engine_dtype(t.dtype), device="meta")

    real_args = _replace(args, stand_in)
    real_kwargs = _replace(kwargs, stand_in)
    with torch.no_grad():
        return function(*real_args, **real_kwargs)


def _probe(function, args, kwargs, size):
    try:
        return _run(function, args, kwargs, size, fake=False)
    except (RuntimeError, NotImplementedError, TypeError):
        # real tensors (weights, constants) mixed with meta ones: run under FakeTensorMode,
        # which gives the real tensors shape-only twins
        from torch._subclasses.fake_tensor import FakeTensorMode

        with FakeTensorMode(allow_non_fake_inputs=True):
            return _run(function, args, kwargs, size, fake=True)


def _has_unknown(structure):
    found = []
    _replace(structure, lambda t: found.append(any(d is None for d in t.shape)))
    return any(found)


def output_specs(function, args, kwargs):
    """Run ``function`` shape-only; return (first result, [(shape, dtype)] of its tensors)."""
    first = _probe(function, args, kwargs, _PROBE_SIZES[0])
    tensors = _flat_tensors(first, [])
    if not tensors:
        return first, None
    shapes = [list(t.shape) for t in tensors]
    if _has_unknown((args, kwargs)):
        second = _flat_tensors(_probe(function, args, kwargs, _PROBE_SIZES[1]), [])
        shapes = [[a if a == b else None for a, b in zip(s, t.shape)]
                  for s, t in zip(shapes, second)]
    return first, [(tuple(s), standardize_dtype(t.dtype)) for s, t in zip(shapes, tensors)]


def _engine_dtypes(function, args, kwargs):
    """Keras dtype names (a symbolic tensor's ``dtype``) as torch dtypes where torch takes one:
    kernels written for real tensors pass ``x.dtype`` on (``y.to(x.dtype)``, ``dtype=x.dtype``),
    and torch would read ``"float32"`` as a device name."""
    if function is torch.Tensor.to:
        args = tuple(to_engine_dtype(a) if isinstance(a, str) and a in _DTYPE_NAMES else a
                     for a in args)
    if isinstance(kwargs.get("dtype"), str):
        kwargs = {**kwargs, "dtype": to_engine_dtype(kwargs["dtype"])}
    return args, kwargs


_RESHAPES = frozenset({torch.Tensor.reshape, torch.Tensor.view, torch.reshape})
_EXPANDS = frozenset({torch.Tensor.expand, torch.broadcast_to, torch.Tensor.broadcast_to})


def _unknown_sizes(function, args):
    """Sizes taken from a symbolic tensor's shape (``n, h, w, c = x.shape``, then
    ``x.reshape(n, ...)``) hold None for the unknown batch dim: torch's -1 says the same where
    it is unambiguous (one None in a reshape; any None in an expand, which keeps that size)."""
    if function not in _RESHAPES and function not in _EXPANDS or len(args) < 2:
        return args
    sizes = args[1] if len(args) == 2 and isinstance(args[1], (list, tuple)) else args[1:]
    if not any(d is None for d in sizes):
        return args
    if function in _RESHAPES and sum(d is None for d in sizes) != 1:
        return args
    sizes = tuple(-1 if d is None else d for d in sizes)
    return (args[0], sizes)


def torch_function(function, types, args=(), kwargs=None):
    """The ``__torch_function__`` of symbolic tensors: record ``function(*args, **kwargs)``."""
    args, kwargs = _engine_dtypes(function, args, kwargs or {})
    args = _unknown_sizes(function, args)
    first, specs = output_specs(function, args, kwargs)
    if specs is None:
        if isinstance(first, torch.Size):
            return tuple(first)
        return first
    record = _STATE["recorder"]
    if record is None:  # the op layer registers itself on import; import it on first use
        importlib.import_module("lamina.layers.core.op_layer")
        record = _STATE["recorder"]
    return record(function, args, kwargs, specs, first)


# -- Tensor methods, properties and dunders on symbolic tensors ------------------------------


class _Property:
    """``x.<name>`` for a tensor property (``T``, ``mT``, ``real``), as a recordable function."""

    def __init__(self, name):
        self.name = name
        self.__name__ = name
        self.__qualname__ = f"Tensor.{name}"

    def __call__(self, x):
        return getattr(x, self.name)


_PROPERTIES: dict[str, _Property] = {}


def tensor_attribute(x, name):
    """``x.name`` for a symbolic ``x``: a bound method that records, or a recorded property."""
    attr = getattr(torch.Tensor, name, None)
    if attr is None:
        raise AttributeError(f"A symbolic tensor has no attribute {name!r}")
    if name == "device":
        return DEVICE
    if callable(attr):
        def method(*args, **kwargs):
            return torch_function(attr, (), (x,) + args, kwargs)

        method.__name__ = name
        return method
    prop = _PROPERTIES.setdefault(name, _Property(name))
    return torch_function(prop, (), (x,), {})


def apply_method(name, x, *args):
    """``x.<name>(*args)`` for dunders (``__add__``, ``__getitem__``) on a symbolic ``x``."""
    return torch_function(getattr(torch.Tensor, name), (), (x,) + args, {})


# -- naming functions for saved configs ------------------------------------------------------
# A saved op layer names its function; loading looks the name up in op_table's closed table
# (a dictionary of pure tensor functions), never by importing or walking attributes.

_NAMES: dict[int, str] = {}


def function_name(function) -> str:
    """The dotted name ``function_from_name`` turns back into ``function`` (``"torch.cumsum"``).

    Raises ValueError for a function outside lamina's table of tensor ops: it could not be
    loaded back, so it is not saved.
    """
    if isinstance(function, _Property) and function.name in PROPERTIES:
        return f"torch.Tensor.{function.name}"
    if not _NAMES:
        for name, value in reversed(TABLE.items()):  # the first name listed wins
            _NAMES[id(value)] = name
    name = _NAMES.get(id(function))
    if name is None or TABLE[name] is not function:
        label = getattr(function, "__qualname__", None) or repr(function)
        raise ValueError(
            f"The op {label!r} called between layers cannot be saved: it is not one of "
            "lamina's tensor ops (backend/torch/op_table.py), so a file naming it would not "
            "load. Use a lamina.ops function, or a custom layer registered with "
            "@register_keras_serializable()."
        )
    return name


def function_from_name(name):
    """The torch function a saved op layer names, or None if it is not in the closed table."""
    if not isinstance(name, str):
        return None
    prefix, _, attribute = name.rpartition(".")
    if prefix == "torch.Tensor" and attribute in PROPERTIES:
        return _PROPERTIES.setdefault(attribute, _Property(attribute))
    return TABLE.get(name)


def string_arguments(name: str) -> tuple:
    """Where the function called ``name`` takes a string: ``((position, keyword), ...)``."""
    return STRING_ARGUMENTS.get(name, ())


def short_name(function) -> str:
    """A layer name for an op node: ``cat``, ``add``, ``getitem``."""
    name = function.__name__ if hasattr(function, "__name__") else type(function).__name__
    return name.strip("_") or "op"


def keras_form(function, args, kwargs):
    """Keras' own op form of a recorded call: ``(class_name, config, args, kwargs)`` or None."""
    from lamina.backend.torch.keras_ops import keras_form as form

    return form(function, args, kwargs)


# -- constants in recorded calls, as config data --------------------------------------------


def encode_constant(value):
    """A JSON-friendly stand-in for an engine object in a call, or None if not one."""
    if isinstance(value, torch.dtype):
        return {"class_name": "__dtype__", "config": {"name": standardize_dtype(value)}}
    if isinstance(value, torch.device):
        return {"class_name": "__device__", "config": {"name": None}}
    return None


def decode_constant(marker):
    """The engine object a stand-in names; a ValueError for anything else (it is file data)."""
    kind = marker.get("class_name")
    config = marker.get("config")
    if kind == "__dtype__" and isinstance(config, dict) and isinstance(config.get("name"), str):
        return to_engine_dtype(config["name"])  # a ValueError for an unknown dtype name
    if kind == "__device__":
        return DEVICE
    raise ValueError(f"Unknown constant marker {marker!r}")


def is_tensor(x) -> bool:
    return isinstance(x, torch.Tensor)


def tensor_config(t) -> dict:
    return {"value": t.detach().cpu().tolist(), "dtype": standardize_dtype(t.dtype)}


def _is_number_list(value) -> bool:
    if isinstance(value, list):
        return all(_is_number_list(v) for v in value)
    return isinstance(value, (bool, int, float))


def tensor_from_config(cfg):
    """The constant tensor ``tensor_config`` wrote; a ValueError unless it is numbers."""
    if not (isinstance(cfg, dict) and isinstance(cfg.get("dtype"), str)
            and _is_number_list(cfg.get("value"))):
        raise ValueError(
            "A saved constant tensor must be {'value': numbers (nested lists), 'dtype': name}; "
            f"got {str(cfg)[:200]}"
        )
    return torch.tensor(cfg["value"], dtype=to_engine_dtype(cfg["dtype"]), device=DEVICE)


__all__ = ["apply_method", "decode_constant", "encode_constant", "function_from_name",
           "function_name", "is_tensor", "keras_form", "output_specs", "recorder", "set_recorder",
           "set_symbolic_class", "short_name", "string_arguments", "tensor_attribute",
           "tensor_config", "tensor_from_config", "torch_function"]
