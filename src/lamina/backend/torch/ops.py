"""NumPy-like ops with Keras 3 names and semantics, on PyTorch (``keras.ops.numpy``).

Where torch's function already has Keras' signature and result it is bound as is (no
wrapper, DESIGN rule 2); the rest are thin translations (``axis``/``keepdims``, Keras' int32
index results, NumPy's argument conventions). Wrappers only call torch functions on their
tensor arguments, so a symbolic tensor passed in reaches ``__torch_function__`` and becomes a
graph node (see ``backend/torch/symbolic.py``) while real tensors pay nothing extra.

Inputs are tensors (and Python scalars where torch takes them); the less common ops also
accept NumPy arrays and lists, converting them once.
"""

from __future__ import annotations

import builtins
import math as _math

import numpy as np
import torch

from lamina import config
from lamina.backend.torch.core import DEVICE, convert_to_tensor, to_engine_dtype

_F = torch.nn.functional
_INT32 = torch.int32
_SMALL_INTS = (torch.bool, torch.int8, torch.int16, torch.uint8)

# -- bound directly: torch's signature and result are Keras' ----------------------------------
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
fabs = torch.abs
sign = torch.sign
sqrt = torch.sqrt
square = torch.square
exp = torch.exp
exp2 = torch.exp2
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
arctan2 = torch.arctan2
arctanh = torch.arctanh
arcsinh = torch.arcsinh
arccosh = torch.arccosh
floor = torch.floor
ceil = torch.ceil
trunc = torch.trunc
reciprocal = torch.reciprocal
fmax = torch.fmax
fmin = torch.fmin
equal = torch.eq
not_equal = torch.ne
greater = torch.gt
greater_equal = torch.ge
less = torch.lt
less_equal = torch.le
logical_and = torch.logical_and
logical_or = torch.logical_or
logical_not = torch.logical_not
logical_xor = torch.logical_xor
isnan = torch.isnan
isinf = torch.isinf
isfinite = torch.isfinite
isneginf = torch.isneginf
isposinf = torch.isposinf
isreal = torch.isreal
signbit = torch.signbit
hypot = torch.hypot
logaddexp = torch.logaddexp
logaddexp2 = torch.logaddexp2
nextafter = torch.nextafter
heaviside = torch.heaviside
i0 = torch.i0
sinc = torch.sinc
deg2rad = torch.deg2rad
rad2deg = torch.rad2deg
gcd = torch.gcd
lcm = torch.lcm
conjugate = torch.conj_physical
conj = torch.conj_physical


def real(x):
    return torch.real(x) if x.is_complex() else x


def imag(x):
    return torch.imag(x) if x.is_complex() else torch.zeros_like(x)


angle = torch.angle


def outer(x1, x2):
    return torch.outer(x1.reshape(-1), x2.reshape(-1))


kron = torch.kron
einsum = torch.einsum
moveaxis = torch.movedim
bitwise_and = torch.bitwise_and
bitwise_or = torch.bitwise_or
bitwise_xor = torch.bitwise_xor
bitwise_not = torch.bitwise_not
bitwise_invert = torch.bitwise_not
bitwise_left_shift = torch.bitwise_left_shift
left_shift = torch.bitwise_left_shift
bitwise_right_shift = torch.bitwise_right_shift
right_shift = torch.bitwise_right_shift


def _t(x):
    """``x`` as a tensor: tensors (and symbolic tensors) pass, arrays and lists convert."""
    return x if hasattr(x, "__torch_function__") else convert_to_tensor(x)


def _dims(axis):
    if axis is None:
        return None
    return tuple(axis) if isinstance(axis, (list, tuple)) else axis


def _all_dims(x, axis):
    """Torch's reductions that need explicit dims: every dim for ``axis=None``."""
    if axis is None:
        return tuple(range(x.ndim))
    return tuple(axis) if isinstance(axis, (list, tuple)) else (axis,)


def _float(x):
    """Ints and bools promote to float32 (floatx) for maths that needs floats, as Keras."""
    return x if x.is_floating_point() or x.is_complex() else x.to(to_engine_dtype(config.floatx()))


def _shape(shape):
    return (shape,) if isinstance(shape, int) else tuple(shape)


def _int32(x):
    return x.to(_INT32)


# -- elementwise ------------------------------------------------------------------------------


def round(x, decimals=0):
    if not x.is_floating_point():
        if decimals >= 0:
            return x
        factor = 10 ** (-decimals)
        return (torch.round(x.double() / factor) * factor).to(x.dtype)
    return torch.round(x, decimals=decimals)


def _scalar_tensor(v):
    return v if hasattr(v, "__torch_function__") else torch.as_tensor(v, device=DEVICE)


def maximum(x1, x2):
    try:  # tensors: torch's own call; Python numbers (which torch refuses) convert below
        return torch.maximum(x1, x2)
    except TypeError:
        return torch.maximum(_scalar_tensor(x1), _scalar_tensor(x2))


def minimum(x1, x2):
    try:
        return torch.minimum(x1, x2)
    except TypeError:
        return torch.minimum(_scalar_tensor(x1), _scalar_tensor(x2))


def clip(x, x_min, x_max):
    if x.dtype == torch.bool:
        x = x.to(_INT32)
    return torch.clamp(x, x_min, x_max)


def cbrt(x):
    x = _float(x)
    return torch.sign(x) * torch.pow(torch.abs(x), 1.0 / 3.0)


def mod(x1, x2):
    return torch.remainder(x1, x2)


def fmod(x1, x2):
    return torch.fmod(x1, x2)


def floor_divide(x1, x2):
    return torch.floor_divide(x1, x2)


def divide_no_nan(x1, x2):
    x1, x2 = _float(_t(x1)), _float(_t(x2))
    zero = x2 == 0
    return torch.where(zero, torch.zeros((), dtype=x1.dtype, device=x1.device),
                       x1 / torch.where(zero, torch.ones_like(x2), x2))


def ldexp(x1, x2):
    return _float(_t(x1)) * torch.pow(2.0, _t(x2))


def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    return torch.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)


def isclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
    x1, x2 = _t(x1), _t(x2)
    dt = torch.promote_types(x1.dtype, x2.dtype)
    return torch.isclose(x1.to(dt), x2.to(dt), rtol=rtol, atol=atol, equal_nan=equal_nan)


def allclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
    return torch.all(isclose(x1, x2, rtol, atol, equal_nan))


def where(condition, x1=None, x2=None):
    if x1 is None and x2 is None:
        return torch.stack(torch.where(condition), dim=0)
    return torch.where(condition, x1, x2)


def select(condlist, choicelist, default=0):
    out = torch.full_like(choicelist[0], default) if not hasattr(default, "shape") else default
    for cond, choice in reversed(list(zip(condlist, choicelist))):
        out = torch.where(cond, choice, out)
    return out


def isin(x1, x2, assume_unique=False, invert=False):
    return torch.isin(_t(x1), _t(x2), assume_unique=assume_unique, invert=invert)


def copy(x):
    return torch.clone(x)


def array(x, dtype=None):
    return convert_to_tensor(x, dtype)


def view(x, dtype=None):
    return x.view(to_engine_dtype(dtype))


# -- reductions -------------------------------------------------------------------------------


def sum(x, axis=None, keepdims=False):
    if x.dtype in _SMALL_INTS:
        return torch.sum(x, dim=_dims(axis), keepdim=keepdims, dtype=_INT32)
    return torch.sum(x, dim=_dims(axis), keepdim=keepdims, dtype=x.dtype)


def mean(x, axis=None, keepdims=False):
    if axis == () or axis == []:
        return x
    return torch.mean(_float(x), dim=_dims(axis), keepdim=keepdims)


def max(x, axis=None, keepdims=False, initial=None):
    out = torch.amax(x, dim=_dims(axis) if axis is not None else (), keepdim=keepdims)
    return out if initial is None else torch.clamp(out, min=initial)


def min(x, axis=None, keepdims=False, initial=None):
    out = torch.amin(x, dim=_dims(axis) if axis is not None else (), keepdim=keepdims)
    return out if initial is None else torch.clamp(out, max=initial)


def amax(x, axis=None, keepdims=False):
    return torch.amax(x, dim=_dims(axis) if axis is not None else (), keepdim=keepdims)


def amin(x, axis=None, keepdims=False):
    return torch.amin(x, dim=_dims(axis) if axis is not None else (), keepdim=keepdims)


def ptp(x, axis=None, keepdims=False):
    return amax(x, axis, keepdims) - amin(x, axis, keepdims)


def prod(x, axis=None, keepdims=False, dtype=None):
    dt = to_engine_dtype(dtype)
    if dt is None and x.dtype in _SMALL_INTS:
        dt = _INT32
    if axis is None:
        out = torch.prod(x, dtype=dt)
        return out.reshape((1,) * x.ndim) if keepdims else out
    for a in sorted([axis] if isinstance(axis, int) else [a % x.ndim for a in axis], reverse=True):
        x = torch.prod(x, dim=a, keepdim=keepdims, dtype=dt)
    return x


def var(x, axis=None, keepdims=False):
    return torch.var(_float(x), dim=_dims(axis), unbiased=False, keepdim=keepdims)


def std(x, axis=None, keepdims=False):
    return torch.std(_float(x), dim=_dims(axis), unbiased=False, keepdim=keepdims)


def average(x, axis=None, weights=None):
    x = _float(x)
    if weights is None:
        return torch.mean(x, dim=axis)
    weights = _t(weights).to(x.dtype)
    if axis is None:
        return torch.sum(x * weights) / torch.sum(weights)
    if weights.ndim == 1 and x.ndim > 1:
        shape = [1] * x.ndim
        shape[axis] = -1
        weights = weights.reshape(shape)
    return torch.sum(x * weights, dim=axis) / torch.sum(weights * torch.ones_like(x), dim=axis)


def median(x, axis=None, keepdims=False):
    return quantile(x, 0.5, axis=axis, keepdims=keepdims)


def _quantile(fn, x, q, axis, method, keepdims):
    x = _float(x)
    q = q.to(x.dtype) if hasattr(q, "__torch_function__") else \
        torch.as_tensor(np.asarray(q), dtype=x.dtype, device=x.device)
    if axis is None:
        out = fn(x.reshape(-1), q, dim=0, interpolation=method)
        if keepdims:
            out = out.reshape(tuple(q.shape) + (1,) * x.ndim)
        return out
    axes = tuple(a % x.ndim for a in _all_dims(x, axis))
    rest = [d for d in range(x.ndim) if d not in axes]
    moved = x.permute(*rest, *axes).reshape([x.shape[d] for d in rest] + [-1])
    out = fn(moved, q, dim=-1, interpolation=method)
    if keepdims:
        shape = list(x.shape)
        for a in axes:
            shape[a] = 1
        out = out.reshape(tuple(q.shape) + tuple(shape))
    return out


def quantile(x, q, axis=None, method="linear", keepdims=False):
    return _quantile(torch.quantile, x, q, axis, method, keepdims)


def percentile(x, q, axis=None, method="linear", keepdims=False):
    q = q / 100.0 if hasattr(q, "__torch_function__") else np.asarray(q, dtype="float64") / 100.0
    return quantile(x, q, axis=axis, method=method, keepdims=keepdims)


def argmax(x, axis=None, keepdims=False):
    if axis is None and keepdims:
        return torch.argmax(x.reshape(-1)).to(_INT32).reshape((1,) * x.ndim)
    return torch.argmax(x, dim=axis, keepdim=keepdims).to(_INT32)


def argmin(x, axis=None, keepdims=False):
    if axis is None and keepdims:
        return torch.argmin(x.reshape(-1)).to(_INT32).reshape((1,) * x.ndim)
    return torch.argmin(x, dim=axis, keepdim=keepdims).to(_INT32)


def _cum(fn, x, axis, dtype):
    dt = to_engine_dtype(dtype)
    if dt is None and x.dtype in _SMALL_INTS:
        dt = _INT32
    if axis is None:
        return fn(x.reshape(-1), dim=0, dtype=dt)
    return fn(x, dim=axis, dtype=dt)


def cumsum(x, axis=None, dtype=None):
    return _cum(torch.cumsum, x, axis, dtype)


def cumprod(x, axis=None, dtype=None):
    return _cum(torch.cumprod, x, axis, dtype)


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


def count_nonzero(x, axis=None):
    return torch.count_nonzero(x, dim=_dims(axis)).to(_INT32)


def _nan_fill(x, value):
    return torch.where(torch.isnan(x), torch.full((), value, dtype=x.dtype, device=x.device), x) \
        if x.is_floating_point() else x


def nansum(x, axis=None, keepdims=False):
    return sum(_nan_fill(x, 0), axis, keepdims)


def nanprod(x, axis=None, keepdims=False):
    return prod(_nan_fill(x, 1), axis, keepdims)


def nanmean(x, axis=None, keepdims=False):
    return torch.nanmean(_float(x), dim=_dims(axis), keepdim=keepdims)


def nanmax(x, axis=None, keepdims=False):
    return amax(_nan_fill(x, -_math.inf), axis, keepdims) if x.is_floating_point() else \
        amax(x, axis, keepdims)


def nanmin(x, axis=None, keepdims=False):
    return amin(_nan_fill(x, _math.inf), axis, keepdims) if x.is_floating_point() else \
        amin(x, axis, keepdims)


def nanvar(x, axis=None, keepdims=False):
    x = _float(x)
    m = torch.nanmean(x, dim=_dims(axis), keepdim=True)
    return torch.nanmean(torch.square(x - m), dim=_dims(axis), keepdim=keepdims)


def nanstd(x, axis=None, keepdims=False):
    return torch.sqrt(nanvar(x, axis, keepdims))


def nancumsum(x, axis=None, dtype=None):
    return cumsum(_nan_fill(x, 0), axis, dtype)


def nancumprod(x, axis=None, dtype=None):
    return cumprod(_nan_fill(x, 1), axis, dtype)


def nanquantile(x, q, axis=None, method="linear", keepdims=False):
    return _quantile(torch.nanquantile, x, q, axis, method, keepdims)


def nanmedian(x, axis=None, keepdims=False):
    return nanquantile(x, 0.5, axis=axis, keepdims=keepdims)


def nanpercentile(x, q, axis=None, method="linear", keepdims=False):
    return nanquantile(x, np.asarray(q) / 100.0, axis=axis, method=method, keepdims=keepdims)


def _nanarg(fn, fill, x, axis, keepdims):
    filled = _nan_fill(x, fill)
    out = fn(filled, axis, keepdims)
    all_nan = torch.all(torch.isnan(x), dim=axis, keepdim=keepdims) if axis is not None else \
        torch.all(torch.isnan(x))
    return torch.where(all_nan, torch.full((), -1, dtype=_INT32, device=x.device), out)


def nanargmax(x, axis=None, keepdims=False):
    return _nanarg(argmax, -_math.inf, x, axis, keepdims)


def nanargmin(x, axis=None, keepdims=False):
    return _nanarg(argmin, _math.inf, x, axis, keepdims)


def logsumexp(x, axis=None, keepdims=False):
    return torch.logsumexp(x, dim=_all_dims(x, axis), keepdim=keepdims)


def norm(x, ord=None, axis=None, keepdims=False):
    x = _float(x)
    if isinstance(axis, int):
        axis = (axis,)
    if ord is None or axis is None or len(axis) == 1 and isinstance(ord, (int, float)):
        if axis is None and ord is not None and x.ndim in (1, 2):
            return torch.linalg.norm(x, ord=ord, keepdim=keepdims)
        return torch.linalg.vector_norm(x, ord=2 if ord is None else ord, dim=_dims(axis),
                                        keepdim=keepdims) if (ord is None or axis is not None) \
            else torch.linalg.norm(x, ord=ord, keepdim=keepdims)
    return torch.linalg.norm(x, ord=ord, dim=_dims(axis), keepdim=keepdims)


def trace(x, offset=0, axis1=0, axis2=1):
    d = torch.diagonal(x, offset=offset, dim1=axis1, dim2=axis2)
    return sum(d, axis=-1)


def trapezoid(y, x=None, dx=1.0, axis=-1):
    y = _float(y)
    if x is None:
        return torch.trapezoid(y, dx=dx, dim=axis)
    return torch.trapezoid(y, _t(x), dim=axis)


# -- shape manipulation -----------------------------------------------------------------------


def reshape(x, newshape):
    return torch.reshape(x, tuple(newshape) if not isinstance(newshape, int) else (newshape,))


def ravel(x):
    return torch.reshape(x, (-1,))


def transpose(x, axes=None):
    if axes is None:
        return x.permute(*reversed(range(x.ndim)))
    return x.permute(*axes)


def swapaxes(x, axis1, axis2):
    return torch.swapaxes(x, axis1, axis2)


def expand_dims(x, axis):
    if isinstance(axis, (list, tuple)):
        out_ndim = x.ndim + len(axis)
        for a in sorted(a % out_ndim for a in axis):
            x = torch.unsqueeze(x, a)
        return x
    return torch.unsqueeze(x, axis)


def squeeze(x, axis=None):
    if axis is None:
        return torch.squeeze(x)
    return torch.squeeze(x, dim=_dims(axis))


def concatenate(xs, axis=0):
    if axis is None:
        return torch.cat([v.reshape(-1) for v in xs], dim=0)
    return torch.cat(list(xs), dim=axis)


def append(x1, x2, axis=None):
    if axis is None:
        return torch.cat([x1.reshape(-1), x2.reshape(-1)], dim=0)
    return torch.cat([x1, x2], dim=axis)


def stack(xs, axis=0):
    return torch.stack(list(xs), dim=axis)


def hstack(xs):
    return torch.hstack(list(xs))


def vstack(xs):
    return torch.vstack(list(xs))


def dstack(xs):
    return torch.dstack(list(xs))


def unstack(x, num=None, axis=0):
    return list(torch.unbind(x, dim=axis))


def split(x, indices_or_sections, axis=0):
    if isinstance(indices_or_sections, int):
        size = x.shape[axis]
        if size is not None and size % indices_or_sections:
            raise ValueError(
                f"split: x.shape[{axis}]={size} is not divisible by "
                f"indices_or_sections={indices_or_sections}; use array_split for unequal parts."
            )
        return list(torch.tensor_split(x, indices_or_sections, dim=axis))
    return list(torch.tensor_split(x, [int(i) for i in indices_or_sections], dim=axis))


def array_split(x, indices_or_sections, axis=0):
    return list(torch.tensor_split(x, indices_or_sections, dim=axis))


def hsplit(x, indices_or_sections):
    return split(x, indices_or_sections, axis=0 if x.ndim == 1 else 1)


def vsplit(x, indices_or_sections):
    return split(x, indices_or_sections, axis=0)


def dsplit(x, indices_or_sections):
    return split(x, indices_or_sections, axis=2)


def tile(x, repeats):
    return torch.tile(x, tuple(repeats) if not isinstance(repeats, int) else (repeats,))


def repeat(x, repeats, axis=None):
    if axis is None:
        return torch.repeat_interleave(x.reshape(-1), _rep(repeats), dim=0)
    return torch.repeat_interleave(x, _rep(repeats), dim=axis)


def _rep(repeats):
    if isinstance(repeats, (list, tuple, np.ndarray)):
        return torch.as_tensor(np.asarray(repeats), dtype=torch.int64, device=DEVICE)
    return repeats


def broadcast_to(x, shape):
    return torch.broadcast_to(x, tuple(shape))


def flip(x, axis=None):
    if axis is None:
        axis = tuple(range(x.ndim))
    return torch.flip(x, dims=_shape(axis))


def fliplr(x):
    return torch.fliplr(x)


def flipud(x):
    return torch.flipud(x)


def rot90(array, k=1, axes=(0, 1)):
    return torch.rot90(array, k, dims=tuple(axes))


def roll(x, shift, axis=None):
    if axis is None:
        return torch.roll(x.reshape(-1), shifts=shift, dims=0).reshape(x.shape)
    return torch.roll(x, shifts=shift, dims=axis)


def pad(x, pad_width, mode="constant", constant_values=None):
    if isinstance(pad_width, int):
        pad_width = [(pad_width, pad_width)] * x.ndim
    pad_width = [tuple(p) if isinstance(p, (list, tuple)) else (p, p) for p in pad_width]
    if len(pad_width) == 1 and x.ndim > 1:
        pad_width = pad_width * x.ndim
    flat = []
    for before, after in reversed(pad_width):
        flat += [int(before), int(after)]
    if mode == "constant":
        return _F.pad(x, flat, value=0 if constant_values is None else constant_values)
    if constant_values is not None:
        raise ValueError(f"pad: constant_values only goes with mode='constant'; got mode={mode!r}")
    # torch pads 'reflect'/'replicate' only over trailing dims of batched inputs: do one axis
    # at a time on a (1, 1, n) view, which works for any rank and dtype
    torch_mode = {"reflect": "reflect", "symmetric": "symmetric", "edge": "replicate",
                  "wrap": "circular"}.get(mode, mode)
    out = x
    for axis, (before, after) in enumerate(pad_width):
        if before == 0 and after == 0:
            continue
        out = _pad_axis(out, axis, int(before), int(after), torch_mode)
    return out


def _pad_axis(x, axis, before, after, mode):
    if mode == "symmetric":
        idx = torch.arange(-before, x.shape[axis] + after, device=x.device)
        n = x.shape[axis]
        period = 2 * n
        idx = idx % period
        idx = torch.where(idx >= n, period - 1 - idx, idx)
        return torch.index_select(x, axis, idx)
    moved = torch.movedim(x, axis, -1)
    shape = moved.shape
    flat = moved.reshape(1, -1, shape[-1])
    dtype = flat.dtype
    if not flat.is_floating_point():
        flat = flat.double()
    out = _F.pad(flat, [before, after], mode=mode).to(dtype)
    return torch.movedim(out.reshape(*shape[:-1], out.shape[-1]), -1, axis)


def diagonal(x, offset=0, axis1=0, axis2=1):
    return torch.diagonal(x, offset=offset, dim1=axis1, dim2=axis2)


def diag(x, k=0):
    return torch.diag(x, diagonal=k)


def diagflat(x, k=0):
    return torch.diagflat(x, offset=k)


def tril(x, k=0):
    return torch.tril(x, diagonal=k)


def triu(x, k=0):
    return torch.triu(x, diagonal=k)


def diff(a, n=1, axis=-1):
    return torch.diff(a, n=n, dim=axis)


def meshgrid(*x, indexing="xy"):
    return list(torch.meshgrid(*[_t(v) for v in x], indexing=indexing))


def size(x):
    return _math.prod(x.shape)


def ndim(x):
    return x.ndim


def shape(x):
    return tuple(x.shape)


# -- creation ---------------------------------------------------------------------------------


def _dtype_or_float(dtype):
    return to_engine_dtype(dtype or config.floatx())


def zeros(shape, dtype=None):
    return torch.zeros(_shape(shape), dtype=_dtype_or_float(dtype), device=DEVICE)


def ones(shape, dtype=None):
    return torch.ones(_shape(shape), dtype=_dtype_or_float(dtype), device=DEVICE)


def empty(shape, dtype=None):
    return torch.empty(_shape(shape), dtype=_dtype_or_float(dtype), device=DEVICE)


def zeros_like(x, dtype=None):
    return torch.zeros_like(x, dtype=to_engine_dtype(dtype))


def ones_like(x, dtype=None):
    return torch.ones_like(x, dtype=to_engine_dtype(dtype))


def empty_like(x, dtype=None):
    return torch.empty_like(x, dtype=to_engine_dtype(dtype))


def _fill_dtype(fill_value, dtype):
    if dtype is not None:
        return to_engine_dtype(dtype)
    if isinstance(fill_value, bool):
        return torch.bool
    if isinstance(fill_value, int):
        return _INT32
    if isinstance(fill_value, float):
        return to_engine_dtype(config.floatx())
    return None


def full(shape, fill_value, dtype=None):
    if hasattr(fill_value, "__torch_function__"):
        return torch.broadcast_to(fill_value, _shape(shape)).to(
            to_engine_dtype(dtype) or fill_value.dtype).clone()
    return torch.full(_shape(shape), fill_value, dtype=_fill_dtype(fill_value, dtype), device=DEVICE)


def full_like(x, fill_value, dtype=None):
    return torch.full_like(x, fill_value, dtype=to_engine_dtype(dtype))


def eye(N, M=None, k=0, dtype=None):
    m = N if M is None else M
    out = torch.zeros((N, m), dtype=_dtype_or_float(dtype), device=DEVICE)
    n_diag = builtins.max(0, builtins.min(N, m - k) if k >= 0 else builtins.min(N + k, m))
    idx = torch.arange(n_diag, device=DEVICE)
    rows, cols = (idx, idx + k) if k >= 0 else (idx - k, idx)
    out[rows, cols] = 1
    return out


def identity(n, dtype=None):
    return eye(n, dtype=dtype)


def tri(N, M=None, k=0, dtype=None):
    m = N if M is None else M
    return torch.tril(torch.ones((N, m), dtype=_dtype_or_float(dtype), device=DEVICE), diagonal=k)


def arange(start, stop=None, step=1, dtype=None):
    if stop is None:
        start, stop = 0, start
    if step is None:
        step = 1
    dt = to_engine_dtype(dtype)
    if dt is None:
        is_float = builtins.any(isinstance(v, float) for v in (start, stop, step))
        dt = to_engine_dtype(config.floatx()) if is_float else _INT32
    return torch.arange(start, stop, step, dtype=dt, device=DEVICE)


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    dt = to_engine_dtype(dtype) or to_engine_dtype(config.floatx())
    start_t = torch.as_tensor(start, dtype=torch.float64, device=DEVICE) if not \
        hasattr(start, "__torch_function__") else start.double()
    stop_t = torch.as_tensor(stop, dtype=torch.float64, device=DEVICE) if not \
        hasattr(stop, "__torch_function__") else stop.double()
    div = (num - 1) if endpoint else num
    steps = torch.arange(num, dtype=torch.float64, device=DEVICE)
    shape = (-1,) + (1,) * start_t.ndim
    step = (stop_t - start_t) / div if div > 0 else torch.full_like(start_t, _math.nan)
    out = start_t + steps.reshape(shape) * step
    if endpoint and num > 1:
        out[-1] = stop_t
    if axis != 0:
        out = torch.movedim(out, 0, axis)
    if not dt.is_floating_point:
        out = torch.floor(out)
    out = out.to(dt)
    return (out, step.to(dt)) if retstep else out


def logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    exps = linspace(start, stop, num, endpoint=endpoint, dtype="float64", axis=axis)
    dt = to_engine_dtype(dtype) or to_engine_dtype(config.floatx())
    return torch.pow(torch.as_tensor(base, dtype=torch.float64), exps).to(dt)


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    exps = linspace(_math.log10(start), _math.log10(stop), num, endpoint=endpoint,
                    dtype="float64", axis=axis)
    dt = to_engine_dtype(dtype) or to_engine_dtype(config.floatx())
    out = torch.pow(10.0, exps)
    out[0] = start
    if endpoint and num > 1:
        out[-1] = stop
    return out.to(dt)


def _window(fn, x, **kwargs):
    return fn(int(x), periodic=False, dtype=to_engine_dtype(config.floatx()), device=DEVICE,
              **kwargs)


def bartlett(x):
    return _window(torch.bartlett_window, x)


def blackman(x):
    return _window(torch.blackman_window, x)


def hamming(x):
    return _window(torch.hamming_window, x)


def hanning(x):
    return _window(torch.hann_window, x)


def kaiser(x, beta):
    return _window(torch.kaiser_window, x, beta=beta)


def vander(x, N=None, increasing=False):
    return torch.vander(x, N=N, increasing=increasing)


# -- products ---------------------------------------------------------------------------------


def dot(x1, x2):
    if x1.ndim == 0 or x2.ndim == 0:
        return x1 * x2
    if x2.ndim == 1:
        return torch.matmul(x1, x2)
    return torch.tensordot(x1, x2, dims=([-1], [-2]))


def tensordot(x1, x2, axes=2):
    if isinstance(axes, (list, tuple)) and len(axes) == 2:
        a, b = axes
        axes = ([a] if isinstance(a, int) else list(a), [b] if isinstance(b, int) else list(b))
    return torch.tensordot(x1, x2, dims=axes)


def inner(x1, x2):
    return torch.inner(x1, x2)


def vdot(x1, x2):
    return torch.vdot(x1.reshape(-1), x2.reshape(-1))


def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    if axis is not None:
        axisa = axisb = axisc = axis
    a = torch.movedim(x1, axisa, -1)
    b = torch.movedim(x2, axisb, -1)
    if a.shape[-1] == 2:
        a = _F.pad(a, [0, 1])
    if b.shape[-1] == 2:
        b = _F.pad(b, [0, 1])
    a, b = torch.broadcast_tensors(a, b)
    out = torch.linalg.cross(a, b, dim=-1)
    if x1.shape[axisa] == 2 and x2.shape[axisb] == 2:
        return out[..., 2]
    return torch.movedim(out, -1, axisc)


def correlate(x1, x2, mode="valid"):
    x1, x2 = _float(x1), _float(x2)
    n1, n2 = x1.shape[0], x2.shape[0]
    full_len = n1 + n2 - 1
    if mode == "full":
        pad_ = n2 - 1
    elif mode == "same":
        pad_ = n2 // 2
    else:
        pad_ = 0
    out = _F.conv1d(x1.reshape(1, 1, -1), x2.reshape(1, 1, -1), padding=pad_).reshape(-1)
    if mode == "same":
        out = out[: builtins.max(n1, n2)]
    elif mode == "full":
        out = out[:full_len]
    return out


def histogram(x, bins=10, range=None):
    x = _float(x)
    lo, hi = (float(x.min()), float(x.max())) if range is None else range
    counts = torch.histc(x, bins=bins, min=lo, max=hi)
    edges = torch.linspace(lo, hi, bins + 1, dtype=x.dtype, device=x.device)
    return counts.to(_INT32), edges


def bincount(x, weights=None, minlength=0, sparse=False):
    if x.ndim == 2:
        size = builtins.max(int(x.max()) + 1, minlength)
        w = weights if weights is not None else torch.ones_like(x, dtype=_INT32)
        out = torch.zeros((x.shape[0], size), dtype=w.dtype, device=x.device)
        return out.scatter_add_(1, x.long(), w)
    out = torch.bincount(x, weights=weights, minlength=minlength)
    return out if weights is not None else out.to(_INT32)


def digitize(x, bins):
    return torch.bucketize(x, _t(bins), right=True).to(_INT32)


def searchsorted(sorted_sequence, values, side="left"):
    return torch.searchsorted(sorted_sequence, values, side=side).to(_INT32)


def corrcoef(x):
    return torch.corrcoef(_float(x))


# -- indexing ---------------------------------------------------------------------------------


def _wrap_negative(indices, size):
    return torch.where(indices < 0, indices + size, indices)


def take(x, indices, axis=None):
    indices = _t(indices).long()
    if axis is None:
        flat = x.reshape(-1)
        return flat[_wrap_negative(indices, flat.shape[0])]
    axis = axis % x.ndim
    indices = _wrap_negative(indices, x.shape[axis])
    if axis == 0 and x.ndim == 2:
        return _F.embedding(indices, x)
    index = (slice(None),) * axis + (indices,)
    return x[index]


def take_along_axis(x, indices, axis=None):
    indices = _t(indices).long()
    if axis is None:
        flat = x.reshape(-1)
        return torch.take_along_dim(flat, _wrap_negative(indices.reshape(-1), flat.shape[0]))
    indices = _wrap_negative(indices, x.shape[axis])
    shape = list(torch.broadcast_shapes(
        tuple(1 if i == axis % x.ndim else d for i, d in enumerate(x.shape)),
        tuple(1 if i == axis % x.ndim else d for i, d in enumerate(indices.shape))))
    xs, ids = list(shape), list(shape)
    xs[axis % x.ndim] = x.shape[axis]
    ids[axis % x.ndim] = indices.shape[axis]
    return torch.take_along_dim(x.expand(xs), indices.expand(ids), dim=axis)


def nonzero(x):
    return tuple(i.to(_INT32) for i in torch.nonzero(x, as_tuple=True))


def unravel_index(indices, shape):
    out = []
    for dim in reversed(shape):
        out.append(indices % dim)
        indices = torch.div(indices, dim, rounding_mode="floor")
    return tuple(reversed(out))


def get_item(x, key):
    return x[key]


def sort(x, axis=-1):
    if axis is None:
        return torch.sort(x.reshape(-1), dim=0).values
    return torch.sort(x, dim=axis).values


def argsort(x, axis=-1):
    if axis is None:
        return torch.argsort(x.reshape(-1), dim=0, stable=True).to(_INT32)
    return torch.argsort(x, dim=axis, stable=True).to(_INT32)


def argpartition(x, kth, axis=-1):
    # a full stable sort is one valid partition: entries before kth are no larger
    return argsort(x, axis=axis)


def unique(x, sorted=True, return_inverse=False, return_counts=False, axis=None, size=None,
           fill_value=None):
    out = torch.unique(x, sorted=True, return_inverse=return_inverse,
                       return_counts=return_counts, dim=axis)
    if size is not None:
        values = out[0] if isinstance(out, tuple) else out
        n = values.shape[0]
        if n < size:
            fill = values[-1] if fill_value is None else fill_value
            pad_ = torch.full((size - n,) + tuple(values.shape[1:]), fill, dtype=values.dtype,
                              device=values.device)
            values = torch.cat([values, pad_])
        else:
            values = values[:size]
        out = (values,) + tuple(out[1:]) if isinstance(out, tuple) else values
    if isinstance(out, tuple):
        return (out[0],) + tuple(v.to(_INT32) for v in out[1:])
    return out


def vectorize(pyfunc, *, excluded=None, signature=None):
    return np.vectorize(pyfunc, excluded=excluded, signature=signature) if signature \
        else torch.vmap(pyfunc)


def slogdet(x):
    """``(sign, log|det|)`` of square matrices."""
    return tuple(torch.linalg.slogdet(_float(x)))


def rearrange(tensor, pattern, **axes_lengths):
    """einops-style ``rearrange``: ``"b (h w) c -> b h w c"`` with ``h=4`` and the like."""
    left, right = (side.strip() for side in pattern.split("->"))

    def parse(side):
        groups, cur, depth = [], None, 0
        for tok in side.replace("(", " ( ").replace(")", " ) ").split():
            if tok == "(":
                cur, depth = [], depth + 1
            elif tok == ")":
                groups.append(cur)
                cur, depth = None, depth - 1
            elif cur is not None:
                cur.append(tok)
            else:
                groups.append([tok])
        return groups

    lgroups, rgroups = parse(left), parse(right)
    if len(lgroups) != tensor.ndim:
        raise ValueError(f"rearrange: pattern {left!r} has {len(lgroups)} axes; the tensor has "
                         f"{tensor.ndim}")
    sizes = dict(axes_lengths)
    for group, dim in zip(lgroups, tensor.shape):
        unknown = [n for n in group if n not in sizes and n != "1"]
        known = _math.prod(sizes[n] for n in group if n in sizes)
        if len(unknown) == 1:
            sizes[unknown[0]] = dim // known
        elif len(unknown) > 1:
            raise ValueError(f"rearrange: cannot infer the sizes of {unknown}")
    names = [n for g in lgroups for n in g if n != "1"]
    x = tensor.reshape([sizes[n] for n in names])
    order = [names.index(n) for g in rgroups for n in g if n != "1"]
    x = x.permute(*order)
    return x.reshape([_math.prod(sizes[n] for n in g if n != "1") for g in rgroups])


def convert_to_tensor_like(value, like):
    return torch.as_tensor(value, dtype=like.dtype, device=like.device)


def numpy_scalar(x):
    return x.item() if isinstance(x, torch.Tensor) else np.asarray(x).item()


__all__ = sorted(
    n for n, v in list(globals().items())
    if not n.startswith("_") and n not in ("torch", "np", "builtins", "annotations", "config",
                                            "DEVICE", "convert_to_tensor", "to_engine_dtype",
                                            )
    and (callable(v))
)
