"""TensorFlow's tensor functions, by their TensorFlow names and arguments, on ``keras.ops``."""

from __future__ import annotations

import builtins

import numpy as np

from lamina import ops
from lamina.backend import core
from lamina.compat.tensorflow._dtypes import DType, _name_of


def _unsupported(name, module="tf"):
    """The error for a TensorFlow name the stand-in does not have."""
    hint = ""
    if hasattr(ops, name):
        hint = f" keras.ops.{name} may do what you need."
    return AttributeError(
        f"{module}.{name} is not in lamina's TensorFlow stand-in (lamina runs tf.keras scripts "
        f"on another engine, so only TensorFlow's common tensor functions are there).{hint} "
        "See docs/keras_scripts.md for what the stand-in covers."
    )


def _t(x, dtype=None):
    if isinstance(x, (str, bytes, list, tuple, np.ndarray)):
        strings = _string_array(x)
        if strings is not None:
            return strings
    return ops.convert_to_tensor(x, dtype=_name_of(dtype)) if dtype is not None \
        else ops.convert_to_tensor(x)


def _string_array(x):
    """Strings as lamina holds them (NumPy ``str`` arrays, which string inputs, lookups and
    ``TextVectorization`` take), or None when ``x`` holds no strings; engines have no string
    tensors, so ``tf.constant(["a", "b"])`` is this array."""
    if isinstance(x, np.ndarray) and x.dtype.kind not in "USO":
        return None
    a = np.asarray(x)
    if a.dtype.kind == "O":
        flat = a.ravel()
        if not flat.size or not all(isinstance(v, (str, bytes)) for v in flat):
            return None
    elif a.dtype.kind not in "US":
        return None
    if a.dtype.kind in "SO":
        a = np.vectorize(lambda v: v.decode("utf-8") if isinstance(v, bytes) else v,
                         otypes=[object])(a).astype(str)
    return a


def _axis(axis):
    if isinstance(axis, (list, tuple)):
        return tuple(int(a) for a in axis)
    if core.is_tensor(axis):
        value = core.convert_to_numpy(axis)
        return tuple(int(a) for a in np.ravel(value)) if np.ndim(value) else int(value)
    return axis


Tensor = type(core.convert_to_tensor(0.0))


def is_tensor(x):
    return core.is_tensor(x)


def constant(value, dtype=None, shape=None, name=None):
    """A tensor from a Python value or array; ``shape`` broadcasts a scalar as TF does."""
    t = _t(value, dtype)
    if shape is not None:
        shape = tuple(shape)
        t = ops.broadcast_to(t, shape) if t.ndim == 0 or tuple(t.shape) != shape and \
            int(np.prod(t.shape)) == 1 else ops.reshape(t, shape)
    return t


def convert_to_tensor(value, dtype=None, dtype_hint=None, name=None):
    return _t(value, dtype if dtype is not None else None)


def cast(x, dtype, name=None):
    return ops.cast(x, _name_of(dtype))


def identity(x, name=None):
    return _t(x)


def stop_gradient(x, name=None):
    return ops.stop_gradient(_t(x))


def _reduce(fn):
    def reduce(input_tensor, axis=None, keepdims=False, name=None):
        return fn(_t(input_tensor), axis=_axis(axis), keepdims=keepdims)

    reduce.__name__ = fn.__name__
    return reduce


reduce_mean = _reduce(ops.mean)
reduce_sum = _reduce(ops.sum)
reduce_max = _reduce(ops.max)
reduce_min = _reduce(ops.min)
reduce_prod = _reduce(ops.prod)
reduce_any = _reduce(ops.any)
reduce_all = _reduce(ops.all)
reduce_logsumexp = _reduce(ops.logsumexp)
reduce_std = _reduce(ops.std)
reduce_variance = _reduce(ops.var)


def matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False,
           a_is_sparse=False, b_is_sparse=False, output_type=None, name=None):
    a, b = _t(a), _t(b)
    if transpose_a or adjoint_a:
        a = ops.swapaxes(ops.conj(a) if adjoint_a else a, -1, -2)
    if transpose_b or adjoint_b:
        b = ops.swapaxes(ops.conj(b) if adjoint_b else b, -1, -2)
    out = ops.matmul(a, b)
    return ops.cast(out, _name_of(output_type)) if output_type is not None else out


def zeros(shape, dtype="float32", name=None, layout=None):
    return ops.zeros(tuple(shape) if not isinstance(shape, int) else (shape,), _name_of(dtype))


def ones(shape, dtype="float32", name=None, layout=None):
    return ops.ones(tuple(shape) if not isinstance(shape, int) else (shape,), _name_of(dtype))


def zeros_like(input, dtype=None, name=None, layout=None):  # noqa: A002 - TF's name
    return ops.zeros_like(_t(input), dtype=_name_of(dtype))


def ones_like(input, dtype=None, name=None, layout=None):  # noqa: A002
    return ops.ones_like(_t(input), dtype=_name_of(dtype))


def fill(dims, value, name=None, layout=None):
    return ops.full(tuple(dims), value, dtype=core.standardize_dtype(_t(value).dtype))


def eye(num_rows, num_columns=None, batch_shape=None, dtype="float32", name=None):
    out = ops.eye(num_rows, num_columns, dtype=_name_of(dtype))
    if batch_shape:
        out = ops.broadcast_to(out, tuple(batch_shape) + tuple(out.shape))
    return out


def range(start, limit=None, delta=1, dtype=None, name="range"):  # noqa: A001
    if limit is None:
        start, limit = 0, start
    if dtype is None:
        dtype = "float32" if any(isinstance(v, float) for v in (start, limit, delta)) \
            else "int32"
    return ops.arange(start, limit, delta, dtype=_name_of(dtype))


def linspace(start, stop, num, name=None, axis=0):
    return ops.linspace(start, stop, num, axis=axis)


def _strings(x):
    """True for the string arrays ``_t`` gives strings as (shape functions take them)."""
    return isinstance(x, np.ndarray) and x.dtype.kind in "USO"


def concat(values, axis, name="concat"):
    values = [_t(v) for v in values]
    if builtins.any(_strings(v) for v in values):
        return np.concatenate(values, axis=int(axis))
    return ops.concatenate(values, axis=int(axis))


def stack(values, axis=0, name="stack"):
    values = [_t(v) for v in values]
    if builtins.any(_strings(v) for v in values):
        return np.stack(values, axis=int(axis))
    return ops.stack(values, axis=axis)


def unstack(value, num=None, axis=0, name="unstack"):
    return ops.unstack(_t(value), num=num, axis=axis)


def reshape(tensor, shape, name=None):
    tensor = _t(tensor)
    shape = tuple(int(s) for s in (
        core.convert_to_numpy(shape) if core.is_tensor(shape) else shape))
    return np.reshape(tensor, shape) if _strings(tensor) else ops.reshape(tensor, shape)


def transpose(a, perm=None, conjugate=False, name="transpose"):
    a = _t(a)
    if _strings(a):
        return np.transpose(a, perm)
    out = ops.transpose(a, axes=perm)
    return ops.conj(out) if conjugate else out


def expand_dims(input, axis, name=None):  # noqa: A002
    x = _t(input)
    return np.expand_dims(x, int(axis)) if _strings(x) else ops.expand_dims(x, int(axis))


def squeeze(input, axis=None, name=None):  # noqa: A002
    x = _t(input)
    return np.squeeze(x, axis=_axis(axis)) if _strings(x) else ops.squeeze(x, axis=_axis(axis))


def tile(input, multiples, name=None):  # noqa: A002
    x, multiples = _t(input), tuple(int(m) for m in multiples)
    return np.tile(x, multiples) if _strings(x) else ops.tile(x, multiples)


def gather(params, indices, validate_indices=None, axis=None, batch_dims=0, name=None):
    params, indices = _t(params), _t(indices)
    axis = 0 if axis is None else int(axis)
    if batch_dims:
        raise NotImplementedError("tf.gather(batch_dims=...) is not in lamina's stand-in; use "
                                  "keras.ops.take_along_axis")
    return ops.take(params, indices, axis=axis)


def gather_nd(params, indices, batch_dims=0, name=None):
    if batch_dims:
        raise NotImplementedError("tf.gather_nd(batch_dims=...) is not in lamina's stand-in")
    params = _t(params)
    idx = core.convert_to_numpy(_t(indices)).astype("int64")
    flat = idx.reshape(-1, idx.shape[-1])
    picked = [params[tuple(int(i) for i in row)] for row in flat]
    out = ops.stack(picked) if picked else ops.zeros((0,), core.standardize_dtype(params.dtype))
    return ops.reshape(out, idx.shape[:-1] + tuple(params.shape[idx.shape[-1]:]))


def where(condition, x=None, y=None, name=None):
    """``tf.where``: elementwise choice, or (with one argument) the indices of true entries."""
    if x is None and y is None:
        return ops.cast(ops.transpose(ops.stack(ops.nonzero(_t(condition)))), "int64")
    return ops.where(_t(condition), x, y)


def one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None):
    dtype = _name_of(dtype) or "float32"
    out = ops.one_hot(ops.cast(_t(indices), "int64"), int(depth), axis=-1 if axis is None
                      else axis, dtype=dtype)
    if on_value is not None or off_value is not None:
        on = 1 if on_value is None else on_value
        off = 0 if off_value is None else off_value
        out = ops.where(ops.cast(out, "bool"), ops.cast(on, dtype), ops.cast(off, dtype))
    return out


def argmax(input, axis=None, output_type="int64", name=None):  # noqa: A002
    return ops.cast(ops.argmax(_t(input), axis=0 if axis is None else int(axis)),
                    _name_of(output_type))


def argmin(input, axis=None, output_type="int64", name=None):  # noqa: A002
    return ops.cast(ops.argmin(_t(input), axis=0 if axis is None else int(axis)),
                    _name_of(output_type))


def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    return ops.clip(_t(t), clip_value_min, clip_value_max)


def clip_by_norm(t, clip_norm, axes=None, name=None):
    t = _t(t)
    norm = ops.sqrt(ops.sum(ops.square(t), axis=_axis(axes), keepdims=True))
    return t * clip_norm / ops.maximum(norm, clip_norm)


def clip_by_global_norm(t_list, clip_norm, use_norm=None, name=None):
    tensors = [None if t is None else _t(t) for t in t_list]
    if use_norm is None:
        use_norm = ops.sqrt(builtins.sum(ops.sum(ops.square(t)) for t in tensors if t is not None))
    scale = clip_norm / ops.maximum(use_norm, clip_norm)
    return [None if t is None else t * scale for t in tensors], use_norm


def norm(tensor, ord="euclidean", axis=None, keepdims=None, name=None):  # noqa: A002
    return ops.norm(_t(tensor), ord=None if ord == "euclidean" else ord, axis=_axis(axis),
                    keepdims=builtins.bool(keepdims))


def shape(input, out_type="int32", name=None):  # noqa: A002
    """The shape as a tensor; on symbolic tensors, each entry as ``keras.ops.shape`` gives it."""
    x = input
    dims = ops.shape(x)
    if builtins.any(not isinstance(d, int) for d in dims):
        return dims  # symbolic: the dynamic batch size stays a recorded value
    return ops.convert_to_tensor(list(dims), dtype=_name_of(out_type))


def size(input, out_type="int32", name=None):  # noqa: A002
    return ops.convert_to_tensor(int(np.prod(ops.shape(input))), dtype=_name_of(out_type))


def rank(input, name=None):  # noqa: A002
    return ops.convert_to_tensor(len(ops.shape(input)), dtype="int32")


def split(value, num_or_size_splits, axis=0, num=None, name="split"):
    value = _t(value)
    if isinstance(num_or_size_splits, int):
        return ops.split(value, num_or_size_splits, axis=axis)
    sizes = [int(s) for s in num_or_size_splits]
    if -1 in sizes:
        known = builtins.sum(s for s in sizes if s != -1)
        sizes[sizes.index(-1)] = value.shape[axis] - known
    return ops.split(value, list(np.cumsum(sizes)[:-1]), axis=axis)


def boolean_mask(tensor, mask, axis=None, name="boolean_mask"):
    tensor, mask = _t(tensor), core.convert_to_numpy(_t(mask)).astype(builtins.bool)
    axis = 0 if axis is None else int(axis)
    index = (builtins.slice(None),) * axis + (mask,)
    return tensor[index] if mask.ndim == 1 else tensor[index]


def sequence_mask(lengths, maxlen=None, dtype="bool", name=None):
    lengths = _t(lengths)
    if maxlen is None:
        maxlen = int(core.convert_to_numpy(ops.max(lengths)))
    mask = ops.expand_dims(ops.arange(maxlen), 0) < ops.expand_dims(lengths, -1)
    return ops.cast(mask, _name_of(dtype))


def einsum(equation, *inputs, **kwargs):
    return ops.einsum(equation, *[_t(i) for i in inputs])


def sort(values, axis=-1, direction="ASCENDING", name=None):
    out = ops.sort(_t(values), axis=axis)
    return ops.flip(out, axis=axis) if direction == "DESCENDING" else out


def argsort(values, axis=-1, direction="ASCENDING", stable=False, name=None):
    values = _t(values)
    return ops.cast(ops.argsort(-values if direction == "DESCENDING" else values, axis=axis),
                    "int32")


def reverse(tensor, axis, name=None):
    return ops.flip(_t(tensor), axis=_axis(axis))


def pad(tensor, paddings, mode="CONSTANT", constant_values=0, name=None):
    return ops.pad(_t(tensor), [list(p) for p in paddings], mode=mode.lower(),
                   constant_values=constant_values if mode.upper() == "CONSTANT" else None)


def broadcast_to(input, shape, name=None):  # noqa: A002
    return ops.broadcast_to(_t(input), tuple(shape))


def cumsum(x, axis=0, exclusive=False, reverse=False, name=None):
    x = _t(x)
    if reverse:
        x = ops.flip(x, axis=axis)
    out = ops.cumsum(x, axis=axis)
    if exclusive:
        out = out - x
    return ops.flip(out, axis=axis) if reverse else out


def add_n(inputs, name=None):
    total = None
    for x in inputs:
        total = _t(x) if total is None else total + _t(x)
    return total


def _elementwise(name, keras_name=None):
    fn = getattr(ops, keras_name or name)

    def op(*args, name=None, **kwargs):
        return fn(*[_t(a) if not isinstance(a, (int, float)) else a for a in args], **kwargs)

    op.__name__ = name
    return op


_ELEMENTWISE = {
    "abs": None, "exp": None, "log": None, "sqrt": None, "square": None, "sign": None,
    "tanh": None, "sigmoid": None, "sin": None, "cos": None, "tan": None, "floor": None,
    "ceil": None, "round": None, "maximum": None, "minimum": None, "add": None,
    "subtract": None, "multiply": None, "divide": None, "pow": "power", "equal": None,
    "not_equal": None, "greater": None, "greater_equal": None, "less": None,
    "less_equal": None, "logical_and": None, "logical_or": None, "logical_not": None,
    "logical_xor": None, "negative": None, "reciprocal": None, "truediv": "true_divide",
    "floordiv": "floor_divide", "mod": None, "rsqrt": None, "log1p": None, "expm1": None,
    "erf": None, "asin": "arcsin", "acos": "arccos", "atan": "arctan", "atan2": "arctan2",
    "sinh": None, "cosh": None, "asinh": "arcsinh", "acosh": "arccosh", "atanh": "arctanh",
    "is_nan": "isnan", "is_inf": "isinf", "is_finite": "isfinite", "conj": None,
    "real": None, "imag": None, "squared_difference": None,
}

__all__ = [
    "Tensor", "add_n", "argmax", "argmin", "argsort", "boolean_mask", "broadcast_to", "cast",
    "clip_by_global_norm", "clip_by_norm", "clip_by_value", "concat", "constant",
    "convert_to_tensor", "cumsum", "einsum", "expand_dims", "eye", "fill", "gather",
    "gather_nd", "identity", "is_tensor", "linspace", "matmul", "norm", "one_hot", "ones",
    "ones_like", "pad", "range", "rank", "reduce_all", "reduce_any", "reduce_logsumexp",
    "reduce_max", "reduce_mean", "reduce_min", "reduce_prod", "reduce_std", "reduce_sum",
    "reduce_variance", "reshape", "reverse", "sequence_mask", "shape", "size", "sort",
    "split", "squeeze", "stack", "stop_gradient", "tile", "transpose", "unstack", "where",
    "zeros", "zeros_like",
]

for _name, _keras in _ELEMENTWISE.items():
    if _name == "squared_difference":
        def squared_difference(x, y, name=None):
            return ops.square(_t(x) - _t(y))
        continue
    if _name == "rsqrt" and not hasattr(ops, "rsqrt"):
        def rsqrt(x, name=None):
            return 1.0 / ops.sqrt(_t(x))
        continue
    if hasattr(ops, _keras or _name):
        globals()[_name] = _elementwise(_name, _keras)
for _name in _ELEMENTWISE:
    if _name in globals():
        __all__.append(_name)
del _name, _keras

DType = DType  # re-exported for the math/nn modules
