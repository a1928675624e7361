"""Private helpers shared by the NumPy-like op modules (ops.py, ops_reduce.py, ops_array.py).
"""

from __future__ import annotations


import numpy as np
import torch

from lamina import config
from lamina.backend.torch.core import DEVICE, convert_to_tensor, to_engine_dtype


_F = torch.nn.functional


_INT32 = torch.int32


_SMALL_INTS = (torch.bool, torch.int8, torch.int16, torch.uint8)


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


def _scalar_tensor(v):
    """``v`` as a tensor; Python numbers take Keras' dtypes (int32, floatx), not torch's."""
    return v if hasattr(v, "__torch_function__") else convert_to_tensor(v)


def _py_operands(x1, x2):
    """Operands for a binary op where Keras types Python numbers as int32 / floatx.

    Torch widens a Python int to int64 when the other operand is a bool tensor or another
    number; Keras gives int32. Tensors of other dtypes pass untouched (torch's weak-scalar
    promotion already agrees with Keras there).
    """
    t1, t2 = hasattr(x1, "__torch_function__"), hasattr(x2, "__torch_function__")
    if t1 and t2:
        return x1, x2
    if not t1 and not t2:
        return convert_to_tensor(x1), convert_to_tensor(x2)
    if t1 and type(x2) is int and x1.dtype == torch.bool:
        return x1, convert_to_tensor(x2)
    if t2 and type(x1) is int and x2.dtype == torch.bool:
        return convert_to_tensor(x1), x2
    return x1, x2


def _quantile(fn, x, q, axis, method, keepdims):
    x = _float(x)
    dtype = to_engine_dtype(x.dtype)  # a symbolic tensor's dtype is Keras' string
    if dtype in (torch.float16, torch.bfloat16):  # torch's quantile takes float32/64 only
        return _quantile(fn, x.float(), q, axis, method, keepdims).to(dtype)
    q = q.to(dtype) if hasattr(q, "__torch_function__") else \
        torch.as_tensor(np.asarray(q), dtype=dtype, device=x.device)
    if axis is None:
        out = fn(x.reshape(-1), q, dim=0, interpolation=method)
        if keepdims:
            out = out.reshape(tuple(q.shape) + (1,) * x.ndim)
        return out
    axes = tuple(a % x.ndim for a in _all_dims(x, axis))
    rest = [d for d in range(x.ndim) if d not in axes]
    # flatten, not reshape to x.shape: a symbolic tensor's batch dim is None
    moved = x.permute(*rest, *axes).flatten(len(rest))
    out = fn(moved, q, dim=-1, interpolation=method)
    if keepdims:
        for a in sorted(axes):
            out = out.unsqueeze(len(q.shape) + a)
    return out


def _cum(fn, x, axis, dtype):
    dt = to_engine_dtype(dtype)
    if dt is None and not x.is_floating_point():
        # Keras: bools count in int32, ints keep their dtype (torch would widen to int64)
        dt = _INT32 if x.dtype == torch.bool else to_engine_dtype(x.dtype)
    if axis is None:
        return fn(x.reshape(-1), dim=0, dtype=dt)
    return fn(x, dim=axis, dtype=dt)


def _nan_fill(x, value):
    return torch.where(torch.isnan(x), torch.full((), value, dtype=to_engine_dtype(x.dtype), device=x.device), x) \
        if x.is_floating_point() else x


def _nanarg(fn, fill, x, axis, keepdims):
    filled = _nan_fill(x, fill)
    out = fn(filled, axis, keepdims)
    all_nan = torch.all(torch.isnan(x), dim=axis, keepdim=keepdims) if axis is not None else \
        torch.all(torch.isnan(x))
    return torch.where(all_nan, torch.full((), -1, dtype=_INT32, device=x.device), out)


def _rep(repeats):
    if isinstance(repeats, (list, tuple, np.ndarray)):
        return torch.as_tensor(np.asarray(repeats), dtype=torch.int64, device=DEVICE)
    return repeats


def _pad_axis(x, axis, before, after, mode):
    """Pad one axis by gathering indices: works for any rank and dtype, and on symbolic
    tensors (no reshape through the unknown batch dim, which would lose its size)."""
    n = x.shape[axis]
    idx = torch.arange(-before, n + after, device=DEVICE)
    if mode == "symmetric":
        idx = idx % (2 * n)
        idx = torch.where(idx >= n, 2 * n - 1 - idx, idx)
    elif mode == "reflect":
        period = max(2 * (n - 1), 1)
        idx = idx.abs() % period
        idx = torch.where(idx >= n, period - idx, idx)
    elif mode == "replicate":
        idx = idx.clamp(0, n - 1)
    elif mode == "circular":
        idx = idx % n
    else:
        raise ValueError(
            f"pad: mode must be one of 'constant', 'reflect', 'symmetric', 'edge', 'wrap'; "
            f"got {mode!r}")
    return torch.index_select(x, axis, idx)


def _dtype_or_float(dtype):
    return to_engine_dtype(dtype or config.floatx())


def _fill_dtype(fill_value, dtype):
    # Keras' ``full`` without a dtype is floatx, whatever the fill value's type
    return to_engine_dtype(dtype or config.floatx())


def _window(fn, x, **kwargs):
    return fn(int(x), periodic=False, dtype=to_engine_dtype(config.floatx()), device=DEVICE,
              **kwargs)


def _wrap_negative(indices, size):
    return torch.where(indices < 0, indices + size, indices)


