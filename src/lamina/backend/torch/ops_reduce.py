"""Reductions with Keras 3 names and semantics (part of ``backend.torch.ops``).
"""

from __future__ import annotations

import math as _math

import numpy as np
import torch

from lamina.backend.torch.core import to_engine_dtype

from lamina.backend.torch._ops_util import (  # noqa: F401
    _F,
    _INT32,
    _SMALL_INTS,
    _t,
    _dims,
    _all_dims,
    _float,
    _shape,
    _int32,
    _scalar_tensor,
    _quantile,
    _cum,
    _nan_fill,
    _nanarg,
    _rep,
    _pad_axis,
    _dtype_or_float,
    _fill_dtype,
    _window,
    _wrap_negative,
)


def sum(x, axis=None, keepdims=False):
    if x.dtype in _SMALL_INTS:
        return torch.sum(x, dim=_dims(axis), keepdim=keepdims, dtype=_INT32)
    if x.is_floating_point():  # keeps its dtype; a symbolic x's dtype is a name, not a torch dtype
        return torch.sum(x, dim=_dims(axis), keepdim=keepdims)
    return torch.sum(x, dim=_dims(axis), keepdim=keepdims, dtype=to_engine_dtype(x.dtype))


def mean(x, axis=None, keepdims=False):
    if not x.is_floating_point():
        x = _float(x)
    if axis is None:  # the common call, kept short: torch.mean(x) is its fastest form
        return torch.mean(x, dim=None, keepdim=True) if keepdims else torch.mean(x)
    if type(axis) is int:
        return torch.mean(x, dim=axis, keepdim=keepdims)
    if axis == () or axis == []:
        return x
    return torch.mean(x, dim=_dims(axis), keepdim=keepdims)


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
    elif dt is None and not x.is_floating_point():
        dt = to_engine_dtype(x.dtype)  # Keras: int32 stays int32 (torch widens to int64)
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


def quantile(x, q, axis=None, method="linear", keepdims=False):
    return _quantile(torch.quantile, x, q, axis, method, keepdims)


def percentile(x, q, axis=None, method="linear", keepdims=False):
    q = q / 100.0 if hasattr(q, "__torch_function__") else np.asarray(q, dtype="float64") / 100.0
    return quantile(x, q, axis=axis, method=method, keepdims=keepdims)


def argmax(x, axis=None, keepdims=False):
    if x.dtype == torch.bool:
        x = x.to(torch.uint8)  # torch refuses bools
    if axis is None and keepdims:
        return torch.argmax(x.reshape(-1)).to(_INT32).reshape((1,) * x.ndim)
    return torch.argmax(x, dim=axis, keepdim=keepdims).to(_INT32)


def argmin(x, axis=None, keepdims=False):
    if x.dtype == torch.bool:
        x = x.to(torch.uint8)  # torch refuses bools
    if axis is None and keepdims:
        return torch.argmin(x.reshape(-1)).to(_INT32).reshape((1,) * x.ndim)
    return torch.argmin(x, dim=axis, keepdim=keepdims).to(_INT32)


def cumsum(x, axis=None, dtype=None):
    return _cum(torch.cumsum, x, axis, dtype)


def cumprod(x, axis=None, dtype=None):
    return _cum(torch.cumprod, x, axis, dtype)


def any(x, axis=None, keepdims=False):
    if x.dtype == torch.uint8:
        x = x.bool()  # torch returns uint8 for uint8 input; Keras always bool
    if axis is None:
        out = torch.any(x)
        return out.reshape((1,) * x.ndim) if keepdims else out
    return torch.any(x, dim=_dims(axis), keepdim=keepdims)


def all(x, axis=None, keepdims=False):
    if x.dtype == torch.uint8:
        x = x.bool()  # torch returns uint8 for uint8 input; Keras always bool
    if axis is None:
        out = torch.all(x)
        return out.reshape((1,) * x.ndim) if keepdims else out
    return torch.all(x, dim=_dims(axis), keepdim=keepdims)


def count_nonzero(x, axis=None):
    return torch.count_nonzero(x, dim=_dims(axis)).to(_INT32)


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


__all__ = [n for n in dir() if not n.startswith("_") and callable(globals()[n]) and n not in ("annotations",)]
