"""NumPy-like ops with Keras 3 names and semantics, on PyTorch.

Where torch's function already has Keras' signature it is bound as is (no wrapper); the rest
are thin translations of argument names (``axis``/``keepdims``) with no checks or conversions.
"""

from __future__ import annotations

import builtins

import numpy as np
import torch

from lamina.backend.torch.core import DEVICE, convert_to_tensor, to_engine_dtype

# bound directly: torch's signature is Keras'
add = torch.add
subtract = torch.subtract
multiply = torch.multiply
divide = torch.true_divide
true_divide = torch.true_divide
negative = torch.negative
power = torch.pow
matmul = torch.matmul
abs = torch.abs
absolute = torch.abs
sign = torch.sign
sqrt = torch.sqrt
square = torch.square
exp = torch.exp
expm1 = torch.expm1
log = torch.log
log1p = torch.log1p
log2 = torch.log2
log10 = torch.log10
sin = torch.sin
cos = torch.cos
tan = torch.tan
tanh = torch.tanh
sinh = torch.sinh
cosh = torch.cosh
arcsin = torch.arcsin
arccos = torch.arccos
arctan = torch.arctan
arctanh = torch.arctanh
floor = torch.floor
ceil = torch.ceil
reciprocal = torch.reciprocal
erf = torch.erf
rsqrt = torch.rsqrt
maximum = torch.maximum
minimum = torch.minimum
equal = torch.eq
not_equal = torch.ne
greater = torch.gt
greater_equal = torch.ge
less = torch.lt
less_equal = torch.le
logical_and = torch.logical_and
logical_or = torch.logical_or
logical_not = torch.logical_not
isnan = torch.isnan
isinf = torch.isinf
isfinite = torch.isfinite
outer = torch.outer
einsum = torch.einsum
stop_gradient = torch.Tensor.detach
moveaxis = torch.movedim
zeros_like = torch.zeros_like
ones_like = torch.ones_like


def _dims(axis):
    if axis is None:
        return None
    return tuple(axis) if isinstance(axis, (list, tuple)) else axis


def round(x, decimals=0):
    return torch.round(x, decimals=decimals)


def clip(x, x_min, x_max):
    return torch.clamp(x, x_min, x_max)


def where(condition, x1=None, x2=None):
    if x1 is None and x2 is None:
        return torch.nonzero(condition, as_tuple=True)
    if not isinstance(x1, torch.Tensor):
        x1 = torch.as_tensor(x1, device=condition.device)
    if not isinstance(x2, torch.Tensor):
        x2 = torch.as_tensor(x2, device=condition.device)
    return torch.where(condition, x1, x2)


def sum(x, axis=None, keepdims=False):
    return torch.sum(x, dim=_dims(axis), keepdim=keepdims)


def mean(x, axis=None, keepdims=False):
    if not x.is_floating_point():
        x = x.float()
    return torch.mean(x, dim=_dims(axis), keepdim=keepdims)


def max(x, axis=None, keepdims=False, initial=None):
    out = torch.amax(x, dim=_dims(axis) if axis is not None else (), keepdim=keepdims)
    return out if initial is None else torch.clamp(out, min=initial)


def min(x, axis=None, keepdims=False, initial=None):
    out = torch.amin(x, dim=_dims(axis) if axis is not None else (), keepdim=keepdims)
    return out if initial is None else torch.clamp(out, max=initial)


def prod(x, axis=None, keepdims=False, dtype=None):
    if axis is None:
        out = torch.prod(x, dtype=to_engine_dtype(dtype))
        return out.reshape((1,) * x.ndim) if keepdims else out
    for a in sorted([axis] if isinstance(axis, int) else list(axis), reverse=True):
        x = torch.prod(x, dim=a, keepdim=keepdims)
    return x


def var(x, axis=None, keepdims=False):
    return torch.var(x, dim=_dims(axis), unbiased=False, keepdim=keepdims)


def std(x, axis=None, keepdims=False):
    return torch.std(x, dim=_dims(axis), unbiased=False, keepdim=keepdims)


def argmax(x, axis=None, keepdims=False):
    return torch.argmax(x, dim=axis, keepdim=keepdims)


def argmin(x, axis=None, keepdims=False):
    return torch.argmin(x, dim=axis, keepdim=keepdims)


def cumsum(x, axis=None, dtype=None):
    if axis is None:
        x, axis = x.reshape(-1), 0
    return torch.cumsum(x, dim=axis, dtype=to_engine_dtype(dtype))


def cumprod(x, axis=None, dtype=None):
    if axis is None:
        x, axis = x.reshape(-1), 0
    return torch.cumprod(x, dim=axis, dtype=to_engine_dtype(dtype))


def any(x, axis=None, keepdims=False):
    if axis is None:
        out = torch.any(x)
        return out.reshape((1,) * x.ndim) if keepdims else out
    return torch.any(x, dim=_dims(axis), keepdim=keepdims)


def all(x, axis=None, keepdims=False):
    if axis is None:
        out = torch.all(x)
        return out.reshape((1,) * x.ndim) if keepdims else out
    return torch.all(x, dim=_dims(axis), keepdim=keepdims)


def logsumexp(x, axis=None, keepdims=False):
    if axis is None:
        axis = tuple(range(x.ndim))
    return torch.logsumexp(x, dim=_dims(axis), keepdim=keepdims)


def norm(x, ord=None, axis=None, keepdims=False):
    return torch.linalg.norm(x, ord=ord, dim=_dims(axis), keepdim=keepdims)


def reshape(x, newshape):
    return torch.reshape(x, tuple(newshape) if not isinstance(newshape, int) else (newshape,))


def transpose(x, axes=None):
    if axes is None:
        return x.permute(*reversed(range(x.ndim)))
    return x.permute(*axes)


def expand_dims(x, axis):
    return torch.unsqueeze(x, axis)


def squeeze(x, axis=None):
    if axis is None:
        return torch.squeeze(x)
    return torch.squeeze(x, dim=_dims(axis))


def concatenate(xs, axis=0):
    return torch.cat(list(xs), dim=axis)


def stack(xs, axis=0):
    return torch.stack(list(xs), dim=axis)


def split(x, indices_or_sections, axis=0):
    if isinstance(indices_or_sections, int):
        return list(torch.tensor_split(x, indices_or_sections, dim=axis))
    return list(torch.tensor_split(x, list(indices_or_sections), dim=axis))


def tile(x, repeats):
    return torch.tile(x, tuple(repeats) if not isinstance(repeats, int) else (repeats,))


def repeat(x, repeats, axis=None):
    if axis is None:
        x, axis = x.reshape(-1), 0
    return torch.repeat_interleave(x, repeats, dim=axis)


def broadcast_to(x, shape):
    return torch.broadcast_to(x, tuple(shape))


def _shape(shape):
    return (shape,) if isinstance(shape, int) else tuple(shape)


def zeros(shape, dtype=None):
    return torch.zeros(_shape(shape), dtype=to_engine_dtype(dtype or "float32"), device=DEVICE)


def ones(shape, dtype=None):
    return torch.ones(_shape(shape), dtype=to_engine_dtype(dtype or "float32"), device=DEVICE)


def full(shape, fill_value, dtype=None):
    return torch.full(_shape(shape), fill_value, dtype=to_engine_dtype(dtype), device=DEVICE)


def full_like(x, fill_value, dtype=None):
    return torch.full_like(x, fill_value, dtype=to_engine_dtype(dtype))


def eye(N, M=None, k=0, dtype=None):
    m = N if M is None else M
    out = torch.zeros((N, m), dtype=to_engine_dtype(dtype or "float32"), device=DEVICE)
    idx = torch.arange(builtins.max(0, builtins.min(N, m - k) if k >= 0 else builtins.min(N + k, m)))
    rows, cols = (idx, idx + k) if k >= 0 else (idx - k, idx)
    out[rows, cols] = 1
    return out


def arange(start, stop=None, step=1, dtype=None):
    if stop is None:
        start, stop = 0, start
    dt = to_engine_dtype(dtype)
    if dt is None:
        is_float = builtins.any(isinstance(v, float) for v in (start, stop, step))
        dt = torch.float32 if is_float else torch.int32
    return torch.arange(start, stop, step, dtype=dt, device=DEVICE)


def take(x, indices, axis=None):
    if not isinstance(indices, torch.Tensor):
        indices = torch.as_tensor(indices, device=x.device)
    indices = indices.long()
    if axis is None:
        return x.reshape(-1)[indices]
    axis = axis % x.ndim
    out = torch.index_select(x, axis, indices.reshape(-1))
    return out.reshape(x.shape[:axis] + indices.shape + x.shape[axis + 1 :])


def take_along_axis(x, indices, axis=None):
    if axis is None:
        return torch.take_along_dim(x.reshape(-1), indices.long().reshape(-1))
    return torch.take_along_dim(x, indices.long(), dim=axis)


def one_hot(x, num_classes, axis=-1, dtype=None):
    out = torch.nn.functional.one_hot(x.long(), num_classes).to(to_engine_dtype(dtype or "float32"))
    if axis != -1:
        out = torch.movedim(out, -1, axis)
    return out


def sort(x, axis=-1):
    return torch.sort(x, dim=axis).values


def argsort(x, axis=-1):
    return torch.argsort(x, dim=axis, stable=True)


def flip(x, axis=None):
    if axis is None:
        axis = tuple(range(x.ndim))
    return torch.flip(x, dims=_shape(axis))


def roll(x, shift, axis=None):
    return torch.roll(x, shifts=shift, dims=axis)


def pad(x, pad_width, mode="constant", constant_values=None):
    flat = []
    for before, after in reversed([tuple(p) for p in pad_width]):
        flat += [before, after]
    if mode == "constant":
        return torch.nn.functional.pad(x, flat, value=constant_values or 0)
    return torch.nn.functional.pad(x, flat, mode=mode)


def dot(x1, x2):
    if x1.ndim == 0 or x2.ndim == 0:
        return x1 * x2
    if x2.ndim == 1:
        return torch.matmul(x1, x2)
    return torch.tensordot(x1, x2, dims=([-1], [-2]))


def tensordot(x1, x2, axes=2):
    return torch.tensordot(x1, x2, dims=axes)


def cond(pred, true_fn, false_fn):
    return true_fn() if bool(pred) else false_fn()


def size(x):
    return x.numel()


def ndim(x):
    return x.ndim


def shape(x):
    return tuple(x.shape)


def numpy_scalar(x):
    return x.item() if isinstance(x, torch.Tensor) else np.asarray(x).item()


def convert_to_tensor_like(value, like):
    return torch.as_tensor(value, dtype=like.dtype, device=like.device)


__all__ = [n for n in dir() if not n.startswith("_") and n not in ("torch", "np", "builtins", "annotations")]
_ = convert_to_tensor
