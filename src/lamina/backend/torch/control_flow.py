"""``keras.ops.core`` on PyTorch: control flow, scatter/slice updates, gradients' helpers.

Control flow runs eagerly in Python (torch has no graph to build), with Keras' signatures and
results, so the same code also works under ``torch.compile``'s tracing where it can.
"""

from __future__ import annotations

import builtins

import torch

from lamina import tree
from lamina.backend.torch import core as _core
from lamina.backend.torch.core import DEVICE, to_engine_dtype


def stop_gradient(variable):
    # a function, not torch.Tensor.detach itself: that descriptor refuses symbolic tensors
    return variable.detach()


def _t(x):
    return x if hasattr(x, "__torch_function__") else convert_to_tensor(x)


def _is_meta(x):
    return isinstance(x, torch.Tensor) and x.device.type == "meta"


def cond(pred, true_fn, false_fn):
    """``true_fn()`` if ``pred`` else ``false_fn()``."""
    if _is_meta(pred):
        return true_fn()  # shape-only evaluation: both branches must agree, take the first
    return true_fn() if bool(pred) else false_fn()


def switch(index, branches, *operands):
    """``branches[index](*operands)``, with ``index`` clamped into range as Keras."""
    i = builtins.min(builtins.max(int(index), 0), len(branches) - 1)
    return branches[i](*operands)


def while_loop(cond, body, loop_vars, maximum_iterations=None):
    is_seq = isinstance(loop_vars, (list, tuple))
    state = tuple(loop_vars) if is_seq else (loop_vars,)
    i = 0
    while (maximum_iterations is None or i < maximum_iterations) and bool(cond(*state)):
        state = body(*state)
        if not isinstance(state, (list, tuple)):
            state = (state,)
        state = tuple(state)
        i += 1
    return state if is_seq else state[0]


def fori_loop(lower, upper, body_fun, init_val):
    val = init_val
    for i in range(int(lower), int(upper)):
        val = body_fun(i, val)
    return val


def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    """``jax.lax.scan``: ``carry, y = f(carry, x)`` over the leading axis; returns (carry, ys)."""
    if not callable(f):
        raise TypeError(f"scan: f must be callable; got {f!r}")
    if xs is None and length is None:
        raise ValueError("scan: give xs to scan over or a length")
    xs_flat = [] if xs is None else [_t(v) for v in tree.flatten(xs)]
    n = int(length) if length is not None else xs_flat[0].shape[0]
    carry = init
    ys = []
    steps = range(n - 1, -1, -1) if reverse else range(n)
    for i in steps:
        x = tree.pack_sequence_as(xs, [v[i] for v in xs_flat]) if xs is not None else None
        carry, y = f(carry, x)
        ys.append(y)
    if reverse:
        ys.reverse()
    if not ys or ys[0] is None:
        return carry, None
    flat_ys = [tree.flatten(y) for y in ys]
    stacked = [torch.stack([_t(fy[j]) for fy in flat_ys]) for j in range(len(flat_ys[0]))]
    return carry, tree.pack_sequence_as(ys[0], stacked)


def map(f, xs):
    """``f`` over the leading axis of ``xs``, results stacked."""
    flat = [_t(v) for v in tree.flatten(xs)]
    outs = [f(tree.pack_sequence_as(xs, [v[i] for v in flat])) for i in range(flat[0].shape[0])]
    flat_outs = [tree.flatten(o) for o in outs]
    stacked = [torch.stack([fo[j] for fo in flat_outs]) for j in range(len(flat_outs[0]))]
    return tree.pack_sequence_as(outs[0], stacked)


def associative_scan(f, elems, reverse=False, axis=0):
    """Inclusive scan of an associative ``f`` along ``axis`` (sequential on torch)."""
    flat = [_t(v) for v in tree.flatten(elems)]
    if reverse:
        flat = [torch.flip(v, (axis,)) for v in flat]
    n = flat[0].shape[axis]
    slices = [[v.select(axis, i) for v in flat] for i in range(n)]
    acc = slices[0]
    outs = [acc]
    for i in range(1, n):
        a = tree.pack_sequence_as(elems, acc)
        b = tree.pack_sequence_as(elems, slices[i])
        acc = tree.flatten(f(a, b))
        outs.append(acc)
    stacked = [torch.stack([o[j] for o in outs], dim=axis) for j in range(len(flat))]
    if reverse:
        stacked = [torch.flip(v, (axis,)) for v in stacked]
    return tree.pack_sequence_as(elems, stacked)


def vectorized_map(function, elements):
    return torch.vmap(function)(elements)


def scatter(indices, values, shape):
    """A zeros tensor of ``shape`` with ``values`` added at ``indices`` (duplicates add up)."""
    indices = _t(indices).long()
    values = _t(values)
    out = torch.zeros(tuple(shape), dtype=values.dtype, device=values.device)
    k = indices.shape[-1]
    idx = tuple(indices.reshape(-1, k).T)
    return out.index_put(idx, values.reshape((-1,) + tuple(shape[k:])), accumulate=True)


def scatter_update(inputs, indices, updates, reduction=None):
    """``inputs`` with the entries (or slices) at ``indices`` replaced by ``updates``."""
    indices = _t(indices).long()
    updates = _t(updates).to(inputs.dtype)
    idx = tuple(indices.T)
    if reduction is None:
        return inputs.index_put(idx, updates)
    if reduction == "add":
        return inputs.index_put(idx, updates, accumulate=True)
    out = inputs.clone()
    op = {"max": torch.maximum, "min": torch.minimum, "mul": torch.mul}.get(reduction)
    if op is None:
        raise ValueError(f"scatter_update: unknown reduction {reduction!r}")
    for i in range(indices.shape[0]):
        where = tuple(indices[i].tolist())
        out[where] = op(out[where], updates[i])
    return out


def slice(inputs, start_indices, shape):
    """The block of ``shape`` starting at ``start_indices``."""
    if isinstance(start_indices, (list, tuple)) and builtins.all(
            isinstance(s, int) for s in start_indices):
        return inputs[tuple(builtins.slice(s, s + n) for s, n in zip(start_indices, shape))]
    starts = _t(start_indices).long()
    out = inputs
    for dim, n in enumerate(shape):
        out = torch.narrow(out, dim, starts[dim], int(n))
    return out


def slice_update(inputs, start_indices, updates):
    """``inputs`` with the block at ``start_indices`` replaced by ``updates``."""
    if isinstance(inputs, torch.Tensor) and isinstance(start_indices, (list, tuple)) \
            and builtins.all(isinstance(s, int) for s in start_indices):
        # (a symbolic ``inputs`` takes the index_put path below: it records, assignment cannot)
        index = tuple(builtins.slice(s, s + n) for s, n in zip(start_indices, updates.shape))
        out = inputs.clone()
        out[index] = updates
        return out
    starts = _t(start_indices).long()
    ranges = [torch.arange(n, device=inputs.device) + starts[d]
              for d, n in enumerate(updates.shape)]
    grids = torch.meshgrid(*ranges, indexing="ij")
    return inputs.index_put(tuple(g.reshape(-1) for g in grids), updates.reshape(-1))


def saturate_cast(x, dtype):
    """Cast, clipping to the target dtype's range first (no wrap-around)."""
    dt = to_engine_dtype(dtype)
    if dt.is_floating_point:
        info = torch.finfo(dt)
    elif dt == torch.bool:
        return x.to(dt)
    else:
        info = torch.iinfo(dt)
    lo, hi = float(info.min), float(info.max)
    if x.is_floating_point() or x.dtype.itemsize > dt.itemsize or not dt.is_floating_point:
        if x.is_floating_point():
            x = torch.clamp(x, lo, hi)
        else:
            src = torch.iinfo(x.dtype) if x.dtype != torch.bool else None
            if src is not None and (src.min < lo or src.max > hi):
                x = torch.clamp(x, int(builtins.max(lo, src.min)), int(builtins.min(hi, src.max)))
    return x.to(dt)


class custom_gradient:  # noqa: N801 - Keras' name
    """Decorator: ``f(*args)`` returns ``(output, grad_fn)``; ``grad_fn(*args, upstream=g)``.

    >>> @custom_gradient
    ... def log1pexp(x):
    ...     e = torch.exp(x)
    ...     def grad(*args, upstream=None):
    ...         return upstream * (1 - 1 / (1 + e))
    ...     return torch.log(1 + e), grad
    """

    def __init__(self, forward_fn):
        self.forward_fn = forward_fn
        self.__wrapped__ = forward_fn

    def __call__(self, *args, **kwargs):
        return _CustomGradient.apply(self.forward_fn, kwargs, *args)


class _CustomGradient(torch.autograd.Function):
    @staticmethod
    def forward(ctx, forward_fn, kwargs, *args):
        ctx.save_for_backward(*[a for a in args if isinstance(a, torch.Tensor)])
        with torch.enable_grad():
            output, ctx.grad_fn = forward_fn(*args, **kwargs)
        ctx.n_args = len(args)
        return output.detach() if isinstance(output, torch.Tensor) else output

    @staticmethod
    def backward(ctx, *grad_outputs):
        upstream = grad_outputs[0] if len(grad_outputs) == 1 else grad_outputs
        grads = ctx.grad_fn(*ctx.saved_tensors, upstream=upstream)
        if not isinstance(grads, (list, tuple)):
            grads = (grads,)
        grads = tuple(grads) + (None,) * (ctx.n_args - len(grads))
        return (None, None) + grads


def cast(x, dtype):
    """``x`` as ``dtype`` (tensors, arrays, Python values and symbolic tensors)."""
    dt = to_engine_dtype(dtype)
    if isinstance(x, torch.Tensor):
        return x if x.dtype == dt else x.to(dt)
    if hasattr(x, "__torch_function__"):  # a symbolic tensor: record the cast
        return x.to(dt)
    return _core.convert_to_tensor(x, dt)


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    """A tensor on the default device (Keras' rules for Python numbers); symbolic ones pass."""
    if isinstance(x, torch.Tensor) or not hasattr(x, "__torch_function__"):
        return _core.convert_to_tensor(x, dtype)
    return x if dtype is None else cast(x, dtype)


def unstack(x, num=None, axis=0):
    return list(torch.unbind(x, dim=axis))


_ = DEVICE

__all__ = ["associative_scan", "cast", "cond", "convert_to_tensor", "custom_gradient", "fori_loop", "map", "saturate_cast",
           "scan", "scatter", "scatter_update", "slice", "slice_update", "stop_gradient",
           "switch", "unstack", "vectorized_map", "while_loop"]
