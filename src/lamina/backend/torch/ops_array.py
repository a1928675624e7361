"""Array creation, shape manipulation and indexing with Keras 3 semantics (part of ``backend.torch.ops``).
"""

from __future__ import annotations

import builtins
import math as _math

import numpy as np
import torch

from lamina import config
from lamina.backend.torch.core import DEVICE, to_engine_dtype

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


def reshape(x, newshape):
    return torch.reshape(x, tuple(newshape) if not isinstance(newshape, int) else (newshape,))


def ravel(x):
    return torch.reshape(x, (-1,))


def transpose(x, axes=None):
    if axes is None:
        return x.permute(*reversed(range(x.ndim))) if x.ndim else x
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
    return torch.cat(xs if type(xs) in (list, tuple) else list(xs), dim=axis)


def append(x1, x2, axis=None):
    if axis is None:
        return torch.cat([x1.reshape(-1), x2.reshape(-1)], dim=0)
    return torch.cat([x1, x2], dim=axis)


def stack(x, axis=0):
    return torch.stack(x if type(x) in (list, tuple) else list(x), dim=axis)


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


def broadcast_to(x, shape):
    # None (an unknown dim from ops.shape of a symbolic tensor) keeps x's own size there
    return torch.broadcast_to(x, tuple(-1 if d is None else d for d in shape))


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
        # torch flattens and restores the shape itself: one call, so on a symbolic x with an
        # unknown batch size nothing is reshaped through it
        return torch.roll(x, shifts=shift)
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


def _linspace_float32(start, stop, num, endpoint):
    """Keras-on-torch's float32 linspace, value for value: ``torch.linspace`` in float32 for
    numbers (after moving ``stop`` in by one step for ``endpoint=False``), and
    ``start + arange(num) / (num - 1) * (stop - start)`` in float32 for arrays and tensors
    (0-d ones too: Keras tests ``hasattr(start, "__len__")``)."""
    if not endpoint and num > 1:
        stop = stop - (stop - start) / num
    if not isinstance(start, torch.Tensor) and not isinstance(stop, torch.Tensor) \
            and np.ndim(start) == 0 and np.ndim(stop) == 0:
        return torch.linspace(float(start), float(stop), num, dtype=torch.float32,
                              device=DEVICE)
    start_t = torch.as_tensor(start, dtype=torch.float32, device=DEVICE)
    stop_t = torch.as_tensor(stop, dtype=torch.float32, device=DEVICE)
    steps = torch.arange(num, dtype=torch.float32, device=DEVICE) / (num - 1)
    return start_t[None] + steps.reshape((-1,) + (1,) * start_t.ndim) * (stop_t - start_t)[None]


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    dt = to_engine_dtype(dtype) or to_engine_dtype(config.floatx())
    if dt == torch.float32 and not retstep and num > 1 and not any(  # not symbolic ones
            hasattr(v, "__torch_function__") and not isinstance(v, torch.Tensor)
            for v in (start, stop)):
        # Keras computes float32 results in float32 (MelSpectrogram's mel grid, ...): the same
        # rounding, not float64 rounded once
        out = _linspace_float32(start, stop, num, endpoint)
        return torch.movedim(out, 0, axis) if axis != 0 else out
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


def dot(x1, x2):
    if x1.ndim == 0 or x2.ndim == 0:
        return x1 * x2
    if x2.ndim == 1:
        return torch.matmul(x1, x2)
    return torch.tensordot(x1, x2, dims=([-1], [-2]))


def _same_dtype(x1, x2):
    """Operands of a product in their common dtype (torch's products refuse mixed dtypes)."""
    if x1.dtype == x2.dtype:
        return x1, x2
    dt = torch.promote_types(x1.dtype, x2.dtype)
    return x1.to(dt), x2.to(dt)


def tensordot(x1, x2, axes=2):
    x1, x2 = _same_dtype(x1, x2)
    if isinstance(axes, (list, tuple)) and len(axes) == 2:
        a, b = axes
        axes = ([a] if isinstance(a, int) else list(a), [b] if isinstance(b, int) else list(b))
    return torch.tensordot(x1, x2, dims=axes)


def inner(x1, x2):
    return torch.inner(*_same_dtype(x1, x2))


def vdot(x1, x2):
    return torch.vdot(x1.reshape(-1), x2.reshape(-1))


def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    if axis is not None:
        axisa = axisb = axisc = axis
    x1, x2 = _same_dtype(x1, x2)
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
    counts = torch.histc(x, bins=bins, min=lo, max=hi)  # counts in x's float dtype, as Keras
    edges = torch.linspace(lo, hi, bins + 1, dtype=x.dtype, device=x.device)
    return counts, edges


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
    if None in x.shape or None in indices.shape:
        # symbolic, with an unknown (batch) dim: broadcast by adding zeros, which needs no sizes
        x = x + torch.zeros_like(indices.narrow(axis, 0, 1), dtype=to_engine_dtype(x.dtype))
        indices = indices + torch.zeros_like(x.narrow(axis, 0, 1), dtype=torch.int64)
        return torch.take_along_dim(x, indices, dim=axis)
    shape = list(torch.broadcast_shapes(
        tuple(1 if i == axis % x.ndim else d for i, d in enumerate(x.shape)),
        tuple(1 if i == axis % x.ndim else d for i, d in enumerate(indices.shape))))
    xs, ids = list(shape), list(shape)
    xs[axis % x.ndim] = x.shape[axis]
    ids[axis % x.ndim] = indices.shape[axis]
    return torch.take_along_dim(x.expand(xs), indices.expand(ids), dim=axis)


def nonzero(x):
    # Keras' torch backend: one (ndim, count) int32 tensor, not NumPy's tuple of arrays
    return torch.nonzero(x).T.to(_INT32)


def unravel_index(indices, shape):
    out = []
    for dim in reversed(shape):
        out.append(indices % dim)
        indices = torch.div(indices, dim, rounding_mode="floor")
    dt = to_engine_dtype(indices.dtype)  # (a symbolic tensor's dtype is a string)
    dt = _INT32 if dt == torch.int64 else dt  # Keras: int32 indices
    return tuple(i.to(dt) for i in reversed(out))


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


def unique(x, sorted=True, return_index=False, return_inverse=False, return_counts=False,
           axis=None, size=None, fill_value=None):
    """Sorted unique values (of the flattened ``x``, or slices along ``axis``), then as asked
    the index of each one's first occurrence, the inverse map and the counts (int32).

    ``size`` pads or truncates to that many values, as Keras does: values with
    ``fill_value`` (0 when None), counts with 0, first indices with 1.
    """
    values, inverse, counts = torch.unique(x, sorted=True, return_inverse=True,
                                           return_counts=True, dim=axis)
    dim = 0 if axis is None else axis % x.ndim
    first = None
    if return_index:
        n = x.numel() if axis is None else x.shape[dim]
        positions = torch.arange(n, device=x.device)
        first = torch.full((values.shape[dim],), n, dtype=positions.dtype, device=x.device)
        first = first.scatter_reduce(0, inverse.reshape(-1), positions, reduce="amin")
    if size is not None:
        have = values.shape[dim]
        if have >= size:
            values = values.narrow(dim, 0, size)
            counts, first = counts[:size], None if first is None else first[:size]
        else:
            shape = list(values.shape)
            shape[dim] = size - have
            fill = torch.full(shape, 0 if fill_value is None else fill_value,
                              dtype=values.dtype, device=values.device)
            values = torch.cat([values, fill], dim=dim)
            counts = _F.pad(counts, [0, size - have], value=0)
            if first is not None:
                first = _F.pad(first, [0, size - have], value=1)
    extras = [first] if return_index else []
    extras += [inverse] if return_inverse else []
    extras += [counts] if return_counts else []
    if not extras:
        return values
    return (values,) + tuple(v.to(_INT32) for v in extras)


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


__all__ = [n for n in dir() if not n.startswith("_") and callable(globals()[n]) and n not in ("annotations",)]
