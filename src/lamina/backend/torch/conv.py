"""Convolution, pooling and resampling kernels on PyTorch, in Keras 3's layouts.

Kernels are Keras-shaped: a convolution kernel is ``(*spatial, in // groups, out)``, a
transposed one ``(*spatial, out, in)``, a depthwise one ``(*spatial, in, depth_multiplier)``.
Signatures follow ``keras.ops`` (``conv(inputs, kernel, strides, padding, data_format,
dilation_rate)``); the trailing ``bias=`` keyword is lamina's own, so a layer's bias is added
inside torch's kernel instead of by a second pass over the output.

channels_last without copies (DESIGN rule 5): an NHWC tensor seen through
``permute(0, 3, 1, 2)`` IS an NCHW tensor in torch's ``channels_last`` memory format, so torch
convolves and pools it in place and the result, permuted back, is again plain NHWC.

'same' padding is TensorFlow's: the total padding is split with the extra cell on the
right/bottom, exactly as Keras computes it.

>>> import torch
>>> x = torch.ones(2, 5, 5, 3)
>>> conv(x, torch.ones(3, 3, 3, 4), padding="same").shape
torch.Size([2, 5, 5, 4])
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from lamina import config
from lamina.backend.torch.core import to_engine_dtype

_CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
_CONV_T = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}
_MAX_POOL = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}
_AVG_POOL = {1: F.avg_pool1d, 2: F.avg_pool2d, 3: F.avg_pool3d}
# (kh, kw, ..., in, out) -> (out, in, kh, kw, ...): the Keras kernel seen in torch's layout
_KERNEL_TO_TORCH = {1: (2, 1, 0), 2: (3, 2, 0, 1), 3: (4, 3, 0, 1, 2)}
_TO_FIRST = {1: (0, 2, 1), 2: (0, 3, 1, 2), 3: (0, 4, 1, 2, 3)}
_TO_LAST = {1: (0, 2, 1), 2: (0, 2, 3, 1), 3: (0, 2, 3, 4, 1)}


def _tuple(value, n, name):
    if isinstance(value, int):
        return (value,) * n
    value = tuple(int(v) for v in value)
    if len(value) != n:
        raise ValueError(f"`{name}` must be an int or a tuple of {n} ints; got {value}")
    return value


def _rank(inputs, what):
    r = inputs.ndim - 2
    if r not in (1, 2, 3):
        raise ValueError(
            f"{what}: inputs must have rank 3, 4 or 5 (batch, spatial..., channels); "
            f"got shape {tuple(inputs.shape)}"
        )
    return r


def _channels_first(inputs, data_format, rank):
    """The NC... view of the inputs (a view, never a copy). Integer inputs (raw uint8
    images) become floatx first: torch convolves floats only (Keras on torch fails here)."""
    if not inputs.is_floating_point():
        inputs = inputs.to(_float_dtype())
    if data_format == "channels_last":
        return inputs.permute(_TO_FIRST[rank])
    return inputs


def _float_dtype():
    return to_engine_dtype(config.floatx())


def _back(outputs, data_format, rank):
    if data_format == "channels_last":
        return outputs.permute(_TO_LAST[rank])
    return outputs


def same_padding(size, kernel, stride, dilation=1):
    """TensorFlow's 'same' padding for one axis: ``(left, right)``, extra cell on the right."""
    effective = (kernel - 1) * dilation + 1
    out = -(-size // stride)
    total = max(0, (out - 1) * stride + effective - size)
    return total // 2, total - total // 2


def _padding_for(x, kernels, strides, dilations, padding):
    """Torch padding for an NC... tensor: (maybe padded tensor, symmetric padding list)."""
    if padding == "valid":
        return x, 0
    if padding != "same":
        raise ValueError(f"padding must be 'valid' or 'same'; got {padding!r}")
    pads = [same_padding(n, k, s, d) for n, k, s, d in
            zip(x.shape[2:], kernels, strides, dilations)]
    if all(lo == hi for lo, hi in pads):
        return x, [lo for lo, _ in pads]
    flat = []
    for lo, hi in reversed(pads):
        flat += [lo, hi]
    return F.pad(x, flat), 0


def _torch_kernel(kernel, rank):
    return kernel.permute(_KERNEL_TO_TORCH[rank])


def _conv_nc(x, weight, bias, strides, padding, dilations, groups, rank):
    """Convolve an NC... tensor with a torch-layout weight."""
    x, pad = _padding_for(x, weight.shape[2:], strides, dilations, padding)
    return _CONV[rank](x, weight, bias, strides, pad, dilations, groups)


def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1,
         bias=None):
    """N-D convolution, Keras kernel ``(*spatial, in // groups, out)``; groups = in // kernel in."""
    rank = _rank(inputs, "conv")
    data_format = config.standardize_data_format(data_format)
    strides = _tuple(strides, rank, "strides")
    dilations = _tuple(dilation_rate, rank, "dilation_rate")
    x = _channels_first(inputs, data_format, rank)
    in_channels = x.shape[1]
    if in_channels % kernel.shape[-2]:
        raise ValueError(
            f"conv: the input has {in_channels} channels, which is not a multiple of the "
            f"kernel's input channels {kernel.shape[-2]} (kernel shape {tuple(kernel.shape)})"
        )
    groups = in_channels // kernel.shape[-2]
    y = _conv_nc(x, _torch_kernel(kernel, rank), bias, strides, padding, dilations, groups, rank)
    return _back(y, data_format, rank)


def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None,
                   dilation_rate=1, bias=None):
    """Per-channel convolution, Keras kernel ``(*spatial, in, depth_multiplier)``."""
    rank = _rank(inputs, "depthwise_conv")
    data_format = config.standardize_data_format(data_format)
    strides = _tuple(strides, rank, "strides")
    dilations = _tuple(dilation_rate, rank, "dilation_rate")
    x = _channels_first(inputs, data_format, rank)
    in_channels = kernel.shape[-2]
    if x.shape[1] != in_channels:
        raise ValueError(
            f"depthwise_conv: the input has {x.shape[1]} channels but the kernel expects "
            f"{in_channels} (kernel shape {tuple(kernel.shape)})"
        )
    # output channel c * depth_multiplier + m, as in Keras, is torch's grouped layout
    flat = kernel.reshape(tuple(kernel.shape[:-2]) + (1, in_channels * kernel.shape[-1]))
    y = _conv_nc(x, _torch_kernel(flat, rank), bias, strides, padding, dilations, in_channels,
                 rank)
    return _back(y, data_format, rank)


def separable_conv(inputs, depthwise_kernel, pointwise_kernel, strides=1, padding="valid",
                   data_format=None, dilation_rate=1, bias=None):
    """Depthwise convolution followed by a 1x1 convolution with ``pointwise_kernel``."""
    data_format = config.standardize_data_format(data_format)
    y = depthwise_conv(inputs, depthwise_kernel, strides, padding, data_format, dilation_rate)
    if data_format == "channels_last":
        # a 1x1 convolution on channels-last data is a matmul over the last axis
        w = pointwise_kernel.reshape(pointwise_kernel.shape[-2], pointwise_kernel.shape[-1])
        return F.linear(y, w.t(), bias)
    return conv(y, pointwise_kernel, 1, "valid", data_format, 1, bias=bias)


def _transpose_pads(kernel, stride, dilation, padding, output_padding):
    """Keras/TF padding of the dilated input for a transposed convolution: (left, right)."""
    k = (kernel - 1) * dilation + 1
    if padding == "valid":
        extra = max(k, stride) - k if output_padding is None else output_padding
        return k - 1, k - 1 + extra
    if padding != "same":
        raise ValueError(f"padding must be 'valid' or 'same'; got {padding!r}")
    total = stride + k - 2 if output_padding is None else k + k % 2 - 2 + output_padding
    left = min(total // 2 + total % 2, k - 1)
    return left, total - left


def conv_transpose(inputs, kernel, strides=1, padding="valid", output_padding=None,
                   data_format=None, dilation_rate=1, bias=None):
    """Transposed convolution, Keras kernel ``(*spatial, out, in)``, Keras' output sizes."""
    rank = _rank(inputs, "conv_transpose")
    data_format = config.standardize_data_format(data_format)
    strides = _tuple(strides, rank, "strides")
    dilations = _tuple(dilation_rate, rank, "dilation_rate")
    outpads = (None,) * rank if output_padding is None else \
        _tuple(output_padding, rank, "output_padding")
    x = _channels_first(inputs, data_format, rank)
    if x.shape[1] != kernel.shape[-1]:
        raise ValueError(
            f"conv_transpose: the input has {x.shape[1]} channels but the kernel expects "
            f"{kernel.shape[-1]} (kernel shape {tuple(kernel.shape)})"
        )
    # torch's full output is (n - 1) * s + k; Keras' is that window cropped by
    # (k - 1 - left, k - 1 - right); torch crops p on both sides and adds op on the right
    crops = []
    for k, s, d, op in zip(kernel.shape[:rank], strides, dilations, outpads):
        lo, hi = _transpose_pads(k, s, d, padding, op)
        eff = (k - 1) * d + 1
        crops.append((eff - 1 - lo, eff - 1 - hi))
    weight = _torch_kernel(kernel, rank)
    fits = all(lo >= 0 and 0 <= lo - hi < max(s, d)
               for (lo, hi), s, d in zip(crops, strides, dilations))
    if fits:
        y = _CONV_T[rank](x, weight, bias, strides, [lo for lo, _ in crops],
                          [lo - hi for lo, hi in crops], 1, dilations)
        return _back(y, data_format, rank)
    y = _CONV_T[rank](x, weight, None, strides, 0, 0, 1, dilations)
    index = [slice(None), slice(None)]
    grow = []
    for lo, hi in crops:
        index.append(slice(max(lo, 0), -hi if hi > 0 else None))
    y = y[tuple(index)]
    for lo, hi in reversed(crops):
        grow += [max(-lo, 0), max(-hi, 0)]
    if any(grow):
        y = F.pad(y, grow)
    if bias is not None:
        y = y + bias.reshape((1, -1) + (1,) * rank)
    return _back(y, data_format, rank)


def _pool_args(inputs, pool_size, strides, what):
    rank = _rank(inputs, what)
    pool = _tuple(pool_size, rank, "pool_size")
    strides = pool if strides is None else _tuple(strides, rank, "strides")
    return rank, pool, strides


def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """Max pooling (strides default to pool_size); 'same' pads with -inf, TF-style."""
    rank, pool, strides = _pool_args(inputs, pool_size, strides, "max_pool")
    data_format = config.standardize_data_format(data_format)
    x = _channels_first(inputs, data_format, rank)
    pad = 0
    if padding == "same":
        pads = [same_padding(n, k, s) for n, k, s in zip(x.shape[2:], pool, strides)]
        if all(lo == hi for lo, hi in pads):
            pad = [lo for lo, _ in pads]
        else:
            flat = []
            for lo, hi in reversed(pads):
                flat += [lo, hi]
            x = F.pad(x, flat, value=float("-inf"))
    elif padding != "valid":
        raise ValueError(f"padding must be 'valid' or 'same'; got {padding!r}")
    if rank == 1:
        # torch's 1-D pooling copies non-contiguous inputs; pool as 2-D with a unit axis
        y = F.max_pool2d(x.unsqueeze(2), (1,) + pool, (1,) + strides,
                         (0, pad[0] if pad else 0)).squeeze(2)
    else:
        pool_fn = _max_pool2d_opaque if rank == 2 and x.is_cpu and \
            torch.compiler.is_compiling() else _MAX_POOL[rank]
        y = pool_fn(x, pool, strides, pad)
    return _back(y, data_format, rank)


# torch.compile's own CPU code for max pooling (forward with indices, and its backward) runs
# at about half the speed of torch's kernels (measured on the seeds' convnet: 52 ms a step
# compiled vs 30 ms eager, 22 ms vs 38 ms without the pooling). Under the compiler, 2-D max
# pooling on the CPU is therefore an opaque op that calls torch's kernels (GPUs keep the
# compiler's own, which it can fuse).


@torch.library.custom_op("lamina::max_pool2d", mutates_args=())
def _max_pool2d_op(x: torch.Tensor, kernel: list[int], stride: list[int],
                   padding: list[int]) -> tuple[torch.Tensor, torch.Tensor]:
    return torch.ops.aten.max_pool2d_with_indices(x, kernel, stride, padding)


@_max_pool2d_op.register_fake
def _(x, kernel, stride, padding):
    return torch.ops.aten.max_pool2d_with_indices(x, kernel, stride, padding)


@torch.library.custom_op("lamina::max_pool2d_backward", mutates_args=())
def _max_pool2d_backward_op(grad: torch.Tensor, x: torch.Tensor, indices: torch.Tensor,
                            kernel: list[int], stride: list[int],
                            padding: list[int]) -> torch.Tensor:
    return torch.ops.aten.max_pool2d_with_indices_backward(
        grad, x, kernel, stride, padding, [1, 1], False, indices)


@_max_pool2d_backward_op.register_fake
def _(grad, x, indices, kernel, stride, padding):
    return torch.empty_like(x)


def _max_pool2d_setup(ctx, inputs, output):
    x, kernel, stride, padding = inputs
    ctx.save_for_backward(x, output[1])
    ctx.args = (kernel, stride, padding)


def _max_pool2d_grad(ctx, grad, _grad_indices):
    x, indices = ctx.saved_tensors
    return _max_pool2d_backward_op(grad.contiguous(memory_format=_memory_format(x)), x, indices,
                                   *ctx.args), None, None, None


def _memory_format(x):
    return torch.channels_last if x.dim() == 4 and x.is_contiguous(
        memory_format=torch.channels_last) and not x.is_contiguous() else torch.contiguous_format


_max_pool2d_op.register_autograd(_max_pool2d_grad, setup_context=_max_pool2d_setup)


def _max_pool2d_opaque(x, pool, strides, pad):
    pad = list(pad) if isinstance(pad, (list, tuple)) else [pad, pad]
    return _max_pool2d_op(x, list(pool), list(strides), pad)[0]


def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """Average pooling; with 'same' padding the padded cells are not counted (TF/JAX)."""
    rank, pool, strides = _pool_args(inputs, pool_size, strides, "average_pool")
    data_format = config.standardize_data_format(data_format)
    x = _channels_first(inputs, data_format, rank)
    if padding == "valid":
        return _back(_AVG_POOL[rank](x, pool, strides), data_format, rank)
    if padding != "same":
        raise ValueError(f"padding must be 'valid' or 'same'; got {padding!r}")
    pads = [same_padding(n, k, s) for n, k, s in zip(x.shape[2:], pool, strides)]
    if all(lo == hi for lo, hi in pads):
        y = _AVG_POOL[rank](x, pool, strides, [lo for lo, _ in pads], count_include_pad=False)
        return _back(y, data_format, rank)
    flat = []
    for lo, hi in reversed(pads):
        flat += [lo, hi]
    sums = _AVG_POOL[rank](F.pad(x, flat), pool, strides, divisor_override=1) \
        if rank > 1 else _AVG_POOL[1](F.pad(x, flat), pool, strides) * pool[0]
    ones = torch.ones((1, 1) + tuple(x.shape[2:]), dtype=x.dtype, device=x.device)
    counts = _AVG_POOL[rank](F.pad(ones, flat), pool, strides) * math.prod(pool)
    return _back(sums / counts, data_format, rank)


def upsample(inputs, size, interpolation="nearest", data_format=None):
    """Repeat each spatial cell ``size`` times per axis ('nearest'), or resize 2-D images
    by an integer factor with 'bilinear' / 'bicubic' (half-pixel centres, no antialias)."""
    rank = inputs.ndim - 2
    size = _tuple(size, rank, "size")
    data_format = config.standardize_data_format(data_format)
    if interpolation == "nearest":
        first = 1 if data_format == "channels_last" else 2
        y = inputs
        for axis, factor in enumerate(size):
            if factor != 1:
                y = torch.repeat_interleave(y, factor, dim=first + axis)
        return y
    if interpolation not in ("bilinear", "bicubic") or rank != 2:
        raise ValueError(
            f"upsample: interpolation must be 'nearest', or 'bilinear'/'bicubic' for 2-D "
            f"images; got {interpolation!r} for rank {rank}"
        )
    x = _channels_first(inputs, data_format, rank)
    y = F.interpolate(x, size=(x.shape[2] * size[0], x.shape[3] * size[1]),
                      mode=interpolation, align_corners=False)
    return _back(y, data_format, rank)


def global_pool(inputs, mode, data_format=None, keepdims=False):
    """Mean ('average') or max ('max') over every spatial axis."""
    rank = inputs.ndim - 2
    data_format = config.standardize_data_format(data_format)
    axes = tuple(range(1, 1 + rank)) if data_format == "channels_last" else \
        tuple(range(2, 2 + rank))
    if mode == "average":
        return torch.mean(inputs, dim=axes, keepdim=keepdims)
    return torch.amax(inputs, dim=axes, keepdim=keepdims)


def pad_spatial(inputs, pads, data_format=None):
    """Zero-pad spatial axes by ``pads = ((left, right), ...)`` (one pair per spatial axis)."""
    rank = inputs.ndim - 2
    data_format = config.standardize_data_format(data_format)
    flat = []
    for lo, hi in reversed(pads):
        flat += [lo, hi]
    if data_format == "channels_last":
        flat = [0, 0] + flat
    return F.pad(inputs, flat) if rank else inputs


__all__ = ["average_pool", "conv", "conv_transpose", "depthwise_conv", "global_pool", "max_pool",
           "pad_spatial", "same_padding", "separable_conv", "upsample"]
