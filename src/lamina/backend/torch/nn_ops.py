"""The rest of ``keras.ops.nn`` on PyTorch: one-hot encodings, CTC, attention and resampling.

Activations, cross-entropies and normalizations live in ``nn.py``; convolution and pooling in
``conv.py``. These follow Keras 3's torch backend results.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from lamina import config
from lamina.backend.torch._ops_util import _float, _scalar_tensor
from lamina.backend.torch.core import convert_to_tensor, to_engine_dtype


def _t(x):
    return x if hasattr(x, "__torch_function__") else convert_to_tensor(x)


def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    """One-hot vectors of ``num_classes`` along ``axis``; negative indices give zero rows."""
    if sparse:
        raise ValueError("one_hot: sparse=True is not supported on the torch backend")
    x = _t(x).long()
    out = F.one_hot(torch.clamp(x, min=0), num_classes)
    out = out * (x >= 0).unsqueeze(-1)
    out = out.to(to_engine_dtype(dtype or config.floatx()))
    if axis != -1 and axis != out.ndim - 1:
        out = torch.movedim(out, -1, axis)
    return out


def multi_hot(inputs, num_classes=None, axis=-1, dtype=None, sparse=False, **kwargs):
    """Multi-hot encoding: 1 at every class index present in each row of ``inputs``."""
    num_classes = kwargs.pop("num_tokens", num_classes)
    x = _t(inputs)
    reduction_axis = 1 if x.ndim > 1 else 0
    return torch.amax(one_hot(x, num_classes, axis=axis, dtype=dtype, sparse=sparse),
                      dim=reduction_axis)


def ctc_loss(target, output, target_length, output_length, mask_index=0):
    """Per-sample CTC loss of logits ``output`` (batch, time, classes); blank = ``mask_index``."""
    output = _t(output)
    if not output.is_floating_point():
        output = output.float()
    log_probs = F.log_softmax(output.transpose(0, 1), dim=-1)
    return F.ctc_loss(log_probs, _t(target).long(), _t(output_length).long(),
                      _t(target_length).long(), blank=mask_index, reduction="none")


def ctc_decode(inputs, sequence_lengths, strategy="greedy", beam_width=100, top_paths=1,
               merge_repeated=True, mask_index=0):
    """Greedy CTC decoding: ``(paths (1, batch, time) int32 padded with -1, scores (batch, 1))``."""
    if strategy != "greedy":
        raise NotImplementedError(
            "ctc_decode: only strategy='greedy' is implemented in lamina; "
            "beam search is not yet available."
        )
    inputs = _t(inputs)
    if not inputs.is_floating_point():
        inputs = inputs.float()
    lengths = _t(sequence_lengths).long()
    batch, max_length, num_classes = inputs.shape
    if mask_index is None:
        mask_index = num_classes - 1
    scores, indices = torch.max(inputs, dim=-1)
    indices = indices.to(torch.int32)
    beyond = torch.arange(max_length, device=inputs.device)[None, :] >= lengths[:, None]
    indices = torch.where(beyond, mask_index, indices)
    scores = torch.where(beyond, 0.0, scores)
    if merge_repeated:
        repeat = F.pad(indices[:, 1:] == indices[:, :-1], (1, 0))
        indices = torch.where(repeat, mask_index, indices)
    invalid = indices == mask_index
    indices = torch.where(invalid, -1, indices)
    order = torch.arange(max_length, device=inputs.device).expand(batch, max_length)
    order = torch.argsort(torch.where(invalid, max_length, order), dim=-1, stable=True)
    indices = torch.take_along_dim(indices, order, dim=-1)
    return indices.unsqueeze(0), -torch.sum(scores, dim=1, keepdim=True)


def psnr(x1, x2, max_val):
    """Peak signal-to-noise ratio in dB."""
    if tuple(x1.shape) != tuple(x2.shape):
        raise ValueError(f"psnr: shapes {tuple(x1.shape)} and {tuple(x2.shape)} must match")
    mse = torch.mean((x1 - x2) ** 2)
    max_val = torch.as_tensor(max_val, dtype=to_engine_dtype(x1.dtype), device=x1.device)
    return 20 * torch.log10(max_val) - 10 * torch.log10(mse)


def dot_product_attention(query, key, value, bias=None, mask=None, scale=None, is_causal=False,
                          flash_attention=None, attn_logits_soft_cap=None):
    """Scaled dot-product attention on ``(batch, seq, heads, dim)`` inputs (Keras' layout)."""
    if query.ndim != 4 or key.ndim != 4 or value.ndim != 4:
        raise ValueError("dot_product_attention takes 4D (batch, seq, heads, dim) inputs; got "
                         f"{tuple(query.shape)}, {tuple(key.shape)}, {tuple(value.shape)}")
    if bias is not None and mask is not None:
        raise ValueError("dot_product_attention: give bias or mask, not both")
    q, k, v = (t.transpose(1, 2) for t in (query, key, value))
    if q.shape[1] > k.shape[1] > 1:  # grouped-query attention
        groups = q.shape[1] // k.shape[1]
        k = torch.repeat_interleave(k, groups, dim=1)
        v = torch.repeat_interleave(v, groups, dim=1)
    attn_mask = None
    if mask is not None:
        mask = _t(mask).bool()
        if is_causal:
            causal = torch.ones((q.shape[2], k.shape[2]), dtype=torch.bool,
                                device=q.device).tril()
            mask = mask & causal
            is_causal = False
        attn_mask = mask
    if bias is not None:
        attn_mask = _t(bias).to(q.dtype)
    if attn_logits_soft_cap is not None:
        d = q.shape[-1]
        logits = q @ k.transpose(-2, -1) * (d ** -0.5 if scale is None else scale)
        logits = attn_logits_soft_cap * torch.tanh(logits / attn_logits_soft_cap)
        if is_causal:
            attn_mask = torch.ones(logits.shape[-2:], dtype=torch.bool, device=q.device).tril()
        if attn_mask is not None:
            logits = logits + attn_mask if attn_mask.dtype != torch.bool else \
                logits.masked_fill(~attn_mask, torch.finfo(logits.dtype).min)
        out = torch.softmax(logits, dim=-1) @ v
    else:
        out = F.scaled_dot_product_attention(q.contiguous(), k.contiguous(), v.contiguous(),
                                             attn_mask=attn_mask, is_causal=is_causal,
                                             scale=scale)
    return out.transpose(1, 2)


def unfold(x, kernel_size, dilation=1, padding=0, stride=1):
    return F.unfold(x, kernel_size=kernel_size, dilation=dilation, padding=padding,
                    stride=stride)


def fold(x, output_size, kernel_size, dilation=1, padding=0, stride=1):
    return F.fold(x, output_size=output_size, kernel_size=kernel_size, dilation=dilation,
                  padding=padding, stride=stride)


def depth_to_space(x, block_size, data_format="channels_last"):
    # every size spelled out (no -1): the batch size may be unknown (None -> -1) on a symbolic x
    if data_format == "channels_last":
        n, h, w, c = x.shape
        out = x.reshape(n, h, w, block_size, block_size, c // block_size**2)
        return out.permute(0, 1, 3, 2, 4, 5).reshape(n, h * block_size, w * block_size,
                                                      c // block_size**2)
    n, c, h, w = x.shape
    out = x.reshape(n, c // block_size**2, block_size, block_size, h, w)
    return out.permute(0, 1, 4, 2, 5, 3).reshape(n, c // block_size**2, h * block_size,
                                                  w * block_size)


def space_to_depth(x, block_size, data_format="channels_last"):
    if data_format == "channels_last":
        n, h, w, c = x.shape
        out = x.reshape(n, h // block_size, block_size, w // block_size, block_size, c)
        return out.permute(0, 1, 3, 2, 4, 5).reshape(n, h // block_size, w // block_size,
                                                      c * block_size**2)
    n, c, h, w = x.shape
    out = x.reshape(n, c, h // block_size, block_size, w // block_size, block_size)
    return out.permute(0, 3, 5, 1, 2, 4).reshape(n, c * block_size**2, h // block_size,
                                                  w // block_size)


def polar(abs_, angle):
    return torch.polar(abs_, angle)


def _adaptive(fns, inputs, output_size, data_format):
    data_format = data_format or config.image_data_format()
    rank = inputs.ndim - 2
    size = output_size if isinstance(output_size, int) and rank == 1 else (
        (output_size,) * rank if isinstance(output_size, int) else tuple(output_size))
    x = torch.movedim(inputs, -1, 1) if data_format == "channels_last" else inputs
    out = fns[rank](x, size)
    return torch.movedim(out, 1, -1) if data_format == "channels_last" else out


def adaptive_average_pool(inputs, output_size, data_format=None):
    return _adaptive({1: F.adaptive_avg_pool1d, 2: F.adaptive_avg_pool2d,
                      3: F.adaptive_avg_pool3d}, inputs, output_size, data_format)


def adaptive_max_pool(inputs, output_size, data_format=None):
    return _adaptive({1: F.adaptive_max_pool1d, 2: F.adaptive_max_pool2d,
                      3: F.adaptive_max_pool3d}, inputs, output_size, data_format)


def normalize(x, axis=-1, order=2, epsilon=None):
    """``x`` divided by its ``order``-norm along ``axis`` (Keras' ops.normalize)."""
    if epsilon is None:
        epsilon = config.epsilon()
    x = _float(_scalar_tensor(x))  # lists and arrays to tensors; ints and bools to floatx
    norm = torch.linalg.vector_norm(x, ord=order, dim=axis, keepdim=True)
    return x / torch.clamp(norm, min=epsilon)


__all__ = ["adaptive_average_pool", "adaptive_max_pool", "ctc_decode", "ctc_loss",
           "depth_to_space", "dot_product_attention", "fold", "multi_hot", "normalize",
           "one_hot", "polar", "psnr", "space_to_depth", "unfold"]
