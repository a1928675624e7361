"""Dense-layer matrix products on CPU through oneDNN.

torch's ``addmm``/``mm`` on CPU go to MKL's GEMM, which on some x86 CPUs (AMD EPYC here)
reaches half the speed oneDNN gets for the same product: measured on 2 cores, a
128x784 @ 784x512 product takes 568 us through ``addmm`` and 222 us through oneDNN
(``torch.ops.mkldnn._linear_pointwise``, the kernel torch's own compiler emits for frozen
linear layers); XLA, which Keras 3 on JAX uses, is at 288 us. oneDNN reads torch's strided
tensors directly, so the transposed operands of the backward pass cost no copies.

``linear`` takes the oneDNN path for float32 CPU products of at least ``MIN_MACS``
multiply-adds (below that the extra Python of a custom autograd function costs more than it
saves) and torch's own ops otherwise. Set ``LAMINA_ONEDNN_LINEAR=0`` to switch it off.
Results agree with ``addmm`` to float32 rounding (relative ~1e-7) and are deterministic.
"""

from __future__ import annotations

import os
import platform

import torch

MIN_MACS = 4_000_000


def _available():
    if os.environ.get("LAMINA_ONEDNN_LINEAR", "1") == "0":
        return None
    if platform.machine().lower() not in ("x86_64", "amd64"):
        return None
    if not torch.backends.mkldnn.is_available():
        return None
    return getattr(torch.ops.mkldnn, "_linear_pointwise", None)


_LP = _available()
_peek_transforms = torch._C._functorch.peek_interpreter_stack
_is_compiling = torch.compiler.is_compiling


if _LP is not None:

    @torch.library.custom_op("lamina::onednn_linear", mutates_args=())
    def _onednn_linear(x: torch.Tensor, weight: torch.Tensor,
                       bias: torch.Tensor | None) -> torch.Tensor:
        return _LP(x, weight, bias, "none", [], "")

    @_onednn_linear.register_fake
    def _(x, weight, bias):
        return x.new_empty((x.shape[0], weight.shape[0]))


def _mm(x, weight, bias=None):
    """``x @ weight.T + bias`` by oneDNN (weight in torch's ``(out, in)`` layout, any strides).

    Under torch.compile it is an opaque custom op: the compiler's own lowering of
    ``_linear_pointwise`` takes only frozen, constant weights.
    """
    if _is_compiling():
        return torch.ops.lamina.onednn_linear(x, weight, bias)
    return _LP(x, weight, bias, "none", [], "")


def _dense(t):
    """oneDNN is slow on broadcast (stride-0) operands, e.g. the gradient of ``y.sum()``."""
    return t.contiguous() if 0 in t.stride() else t


class _OneDNNLinear(torch.autograd.Function):
    """``x @ kernel + bias`` (x 2-D, kernel Keras' ``(in, out)``) with oneDNN both ways."""

    @staticmethod
    def forward(ctx, x, kernel, bias):
        ctx.save_for_backward(x, kernel)
        ctx.has_bias = bias is not None
        return _mm(x, kernel.t(), bias)

    @staticmethod
    def backward(ctx, grad):
        x, kernel = ctx.saved_tensors
        need_x, need_k, need_b = ctx.needs_input_grad
        dx = dk = db = None
        if torch.is_grad_enabled():
            # create_graph=True: a differentiable backward for higher derivatives.
            if need_x:
                dx = grad @ kernel.t()
            if need_k:
                dk = x.t() @ grad
        else:
            grad = _dense(grad)
            if need_x:
                dx = _mm(grad, kernel)
            if need_k:
                dk = _mm(x.t(), grad.t())
        if ctx.has_bias and need_b:
            db = grad.sum(0)
        return dx, dk, db


def linear(x, kernel, bias=None):
    """``x @ kernel + bias`` for a Keras ``(in, out)`` kernel, the fastest way the CPU has.

    Integer and boolean inputs (raw uint8 images, 0/1 vectors) are promoted to the kernel's
    dtype, as Keras' matmul does."""
    if not x.is_floating_point() and kernel.is_floating_point():
        x = x.to(kernel.dtype)
    if (
        _LP is not None
        and x.is_cpu
        and x.dtype is torch.float32
        and kernel.dtype is torch.float32
        and x.ndim >= 2
        and kernel.ndim == 2
        and x.numel() * kernel.shape[1] >= MIN_MACS
        and (_is_compiling() or _peek_transforms() is None)
        and (bias is None or bias.dtype is torch.float32)
    ):
        lead = x.shape[:-1]
        x2 = x if x.ndim == 2 else x.reshape(-1, x.shape[-1])
        if torch.is_grad_enabled() and (
            x.requires_grad or kernel.requires_grad or (bias is not None and bias.requires_grad)
        ):
            out = _OneDNNLinear.apply(_dense(x2), kernel, bias)
        else:
            out = _mm(_dense(x2), kernel.t(), bias)
        return out if x.ndim == 2 else out.reshape(*lead, kernel.shape[1])
    if bias is None:
        return torch.matmul(x, kernel)
    if x.ndim == 2:
        return torch.addmm(bias, x, kernel)
    return torch.matmul(x, kernel) + bias
