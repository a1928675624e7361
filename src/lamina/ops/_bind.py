"""Binding backend kernels into the ops modules, once, at import (DESIGN rule 2).

A public op takes what Keras' op takes: tensors, Variables, symbolic tensors, NumPy arrays,
lists and Python numbers. Each kernel is wrapped in a function generated here, with the
kernel's own signature, whose only extra work for a tensor argument is one identity test
(``type(x) is not TENSOR_TYPE``); anything else goes through the backend's converters.
Measured on torch 2.13 (benchmarks/bench_ops.py): about 0.1 us per call over the bare
kernel. The generated source for ``ops.mean`` reads::

    def mean(x, axis=_d_axis, keepdims=_d_keepdims):
        if type(x) is not _T: x = _arg(x, 'mean', 'x')
        return _k(x, axis, keepdims)

The kernels themselves (what layers, losses and the trainer call) stay in the backend; the
wrapped names are only the public face (``lamina.ops``, ``keras.ops``).
"""

from __future__ import annotations

import inspect
import types

from lamina.backend import core as _core

_T = _core.TENSOR_TYPE
_BOOL = _core.to_engine_dtype("bool")

# parameter names that hold arrays in Keras' op signatures (and the kernels', which follow them)
ARRAYS = frozenset({
    "x", "x1", "x2", "y", "a", "b", "condition", "indices", "values", "updates", "inputs",
    "input", "images", "kernel", "depthwise_kernel", "pointwise_kernel", "bias", "mask",
    "query", "key", "value", "target", "output", "targets", "predictions", "mean", "variance",
    "offset", "scale", "gamma", "beta", "data", "segment_ids", "sorted_sequence", "tensor",
    "array", "abs_", "angle", "weights", "coordinates", "transform", "sequence_lengths",
    "target_length", "output_length", "variable", "displacement_field", "start_points",
    "end_points", "image1", "image2", "volumes",
})
# parameters that hold a list of arrays
SEQUENCES = frozenset({"xs", "condlist", "choicelist"})

# (op, parameter) pairs whose name says "array" but whose value is not one in that op
_NOT_ARRAYS = frozenset({
    ("get_item", "key"), ("diagonal", "offset"), ("trace", "offset"),
    ("dot_product_attention", "scale"), ("bartlett", "x"), ("blackman", "x"),
    ("hamming", "x"), ("hanning", "x"), ("kaiser", "x"), ("kaiser", "beta"), ("array", "x"),
    ("squareplus", "b"),
})
# (op, parameter) pairs that take a sequence of arrays: a (real, imaginary) pair, a list
_SEQUENCE_ARGS = frozenset({
    ("fft", "x"), ("fft2", "x"), ("ifft2", "x"), ("irfft", "x"), ("istft", "x"),
    ("stack", "x"),
})
# binary ops whose kernel takes a Python number as second operand (kept as a number there)
KEEP_NUMBER = frozenset({
    "add", "subtract", "multiply", "divide", "true_divide", "power", "mod", "floor_divide",
    "equal", "not_equal", "greater", "greater_equal", "less",
    "less_equal",
})

# Signatures (Keras') of kernels that are engine builtins, whose own signature is the engine's
BINARY_BUILTINS = frozenset({
    "add", "subtract", "multiply", "divide", "true_divide", "fmax", "fmin", "logical_and",
    "logical_or", "logical_xor", "logaddexp2", "nextafter", "heaviside", "gcd", "lcm", "kron",
})
_BUILTIN_PARAMETERS = {
    "moveaxis": "x, source, destination",
    "einsum": "subscripts, *operands",
    "stop_gradient": "variable",
    **dict.fromkeys(["bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_left_shift",
                     "left_shift", "bitwise_right_shift", "right_shift"], "x, y"),
}
_VARARGS_ARRAYS = frozenset({"x", "operands", "arrays"})


def _is_lamina_function(fn) -> bool:
    return isinstance(fn, types.FunctionType) and (fn.__module__ or "").startswith("lamina.")


def _parameters(name, kernel) -> list[inspect.Parameter]:
    if _is_lamina_function(kernel):
        return list(inspect.signature(kernel).parameters.values())
    text = _BUILTIN_PARAMETERS.get(name, "x1, x2" if name in BINARY_BUILTINS else "x")
    params = []
    for part in (p.strip() for p in text.split(",")):
        kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
        if part.startswith("*"):
            part, kind = part[1:], inspect.Parameter.VAR_POSITIONAL
        params.append(inspect.Parameter(part, kind))
    return params


def _source(name, params, namespace) -> str | None:
    """The wrapper's source, or None when the kernel takes no array argument."""
    P = inspect.Parameter
    header, call, lines = [], [], []
    names = {p.name for p in params}
    pair = name not in _NOT_ARRAYS and {"x1", "x2"} <= names
    star_done = False
    for p in params:
        n = p.name
        default = ""
        if p.default is not P.empty:
            namespace[f"_d_{n}"] = p.default
            default = f"=_d_{n}"
        if p.kind is P.VAR_POSITIONAL:
            header.append(f"*{n}")
            call.append(f"*{n}")
            star_done = True
            if n in _VARARGS_ARRAYS:
                lines.append(_list_check(name, n))
            continue
        if p.kind is P.VAR_KEYWORD:
            header.append(f"**{n}")
            call.append(f"**{n}")
            continue
        if p.kind is P.KEYWORD_ONLY:
            if not star_done:
                header.append("*")
                star_done = True
            call.append(f"{n}={n}")
        else:
            call.append(n)
        header.append(n + default)
        if (name, n) in _NOT_ARRAYS or (pair and n in ("x1", "x2")):
            continue
        if n in SEQUENCES or (name, n) in _SEQUENCE_ARGS:
            lines.append(_list_check(name, n))
        elif n in ARRAYS:
            # an optional array (bias=None) costs its None test only
            test = f"{n} is not None and " if p.default is None else ""
            lines.append(f"    if {test}type({n}) is not _T: {n} = _arg({n}, {name!r}, {n!r})")
    if pair:
        keep = name in KEEP_NUMBER
        test = "type(x1) is not _T or type(x2) is not _T"
        if keep:
            # tensor (op) float, or non-bool tensor (op) int: the kernel's own call
            test = ("type(x1) is not _T or (type(x2) is not _T and type(x2) is not float"
                    " and (type(x2) is not int or x1.dtype is _bool))")
        lines.insert(0, f"    if {test}: x1, x2 = _pair(x1, x2, {keep}, {name!r})")
    if not lines:
        return None
    return (f"def {name}({', '.join(header)}):\n" + "\n".join(lines)
            + f"\n    return _k({', '.join(call)})\n")


def _list_check(op, n) -> str:
    # a list of tensors costs one loop of identity tests; anything else converts
    return (f"    if type({n}) is not list and type({n}) is not tuple: "
            f"{n} = _list({n}, {op!r}, {n!r})\n"
            f"    else:\n"
            f"        for _v in {n}:\n"
            f"            if type(_v) is not _T:\n"
            f"                {n} = _list({n}, {op!r}, {n!r})\n"
            f"                break")


def accepting_array_likes(name: str, kernel, module_name: str = "lamina.ops"):
    """``kernel`` as a public op that converts array-like arguments (``kernel`` itself when it
    takes no array)."""
    namespace = {"_k": kernel, "_T": _T, "_bool": _BOOL, "_arg": _core.as_tensor_arg,
                 "_pair": _core.as_tensor_pair, "_list": _core.as_tensor_list}
    src = _source(name, _parameters(name, kernel), namespace)
    if src is None:
        return kernel
    exec(compile(src, f"<lamina.ops.{name}>", "exec"), namespace)  # noqa: S102 - our own text
    fn = namespace[name]
    # the engine's own docs describe the engine's signature and examples: say what this is
    fn.__doc__ = kernel.__doc__ if _is_lamina_function(kernel) else (
        f"Keras' ``{name}``: the engine's ``{getattr(kernel, '__name__', name)}`` on tensors; "
        "NumPy arrays, lists and Python numbers convert first (Keras' dtypes).")
    fn.__module__ = module_name
    fn.__qualname__ = name
    fn.__kernel__ = kernel  # the backend kernel: what layers call (no conversion)
    fn.__lamina_source__ = src
    return fn


def bind(namespace: dict, module, names=None, convert: bool = True) -> list[str]:
    """Put ``module``'s public functions (or ``names``, those that exist) into ``namespace``,
    each wrapped to take array-likes (``convert=False``: the kernels as they are)."""
    if names is None:
        names = [n for n in getattr(module, "__all__", dir(module)) if not n.startswith("_")]
    module_name = namespace.get("__name__", "lamina.ops")
    bound = []
    for name in names:
        value = getattr(module, name, None)
        if value is None:
            continue
        if convert and callable(value) and not isinstance(value, type):
            value = accepting_array_likes(name, value, module_name)
        namespace[name] = value
        bound.append(name)
    return bound
