"""Neural-network kernels on PyTorch: activations, dropout and the cross-entropies.

Formulas follow Keras 3 (e.g. cross-entropies on probabilities renormalise and clip to
[epsilon, 1 - epsilon] before the log).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from lamina import config
from lamina.backend.torch.core import to_engine_dtype
from lamina.backend.torch.gemm import linear  # noqa: F401  (re-exported)

relu = torch.relu
sigmoid = torch.sigmoid
tanh = torch.tanh
softplus = F.softplus
softsign = F.softsign
silu = F.silu
selu = F.selu
mish = F.mish
log_sigmoid = F.logsigmoid
hard_tanh = F.hardtanh


def relu6(x):
    # ints stay ints, as in Keras (a float bound would make the result float)
    return torch.clamp(x, 0.0, 6.0) if x.is_floating_point() else torch.clamp(x, 0, 6)


def hard_sigmoid(x):
    return torch.clamp(x + 3.0, 0.0, 6.0) / 6.0


def hard_silu(x):
    return x * hard_sigmoid(x)


def gelu(x, approximate=True):
    return F.gelu(x, approximate="tanh" if approximate else "none")


def elu(x, alpha=1.0):
    return F.elu(x, alpha=alpha)


def celu(x, alpha=1.0):
    return F.celu(x, alpha=alpha)


def leaky_relu(x, negative_slope=0.2):
    return F.leaky_relu(x, negative_slope)


def glu(x, axis=-1):
    return F.glu(x, dim=axis)


def softmax(x, axis=-1):
    return torch.softmax(x, dim=axis)


def log_softmax(x, axis=-1):
    return torch.log_softmax(x, dim=axis)


def dropout(x, rate, noise_shape=None):
    """Inverted dropout: zero each entry with probability ``rate``, scale the rest by 1/(1-rate).

    The mask is ``uniform >= rate``: on CPU torch draws uniforms about 3x faster than it draws
    Bernoulli variables (2.3 ms against 8 ms for the seeds' convnet's 1.2M activations), and
    the two are the same distribution.
    """
    if noise_shape is None:
        if rate >= 1.0:
            return F.dropout(x, rate, True)
        shape = x.shape
    else:
        shape = tuple(x.shape[i] if d is None else d for i, d in enumerate(noise_shape))
    dtype = x.dtype if x.dtype in (torch.float32, torch.float64) else torch.float32
    keep = torch.rand(shape, device=x.device, dtype=dtype) >= rate
    return x * keep.to(x.dtype).mul_(1.0 / (1.0 - rate))


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    if from_logits:
        log_prob = torch.log_softmax(output, dim=axis)
    else:
        eps = config.epsilon()
        output = output / torch.sum(output, dim=axis, keepdim=True)
        log_prob = torch.log(torch.clamp(output, eps, 1.0 - eps))
    return -torch.sum(target * log_prob, dim=axis)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    if target.ndim == output.ndim and target.shape[-1] == 1:
        target = target.squeeze(-1)
    if from_logits:
        log_prob = torch.log_softmax(output, dim=axis)
    else:
        eps = config.epsilon()
        output = output / torch.sum(output, dim=axis, keepdim=True)
        log_prob = torch.log(torch.clamp(output, eps, 1.0 - eps))
    if axis != -1 and axis != output.ndim - 1:
        log_prob = torch.movedim(log_prob, axis, -1)
    return -torch.gather(log_prob, -1, target.long().unsqueeze(-1)).squeeze(-1)


def binary_crossentropy(target, output, from_logits=False):
    if from_logits:
        return F.binary_cross_entropy_with_logits(output, target, reduction="none")
    eps = config.epsilon()
    output = torch.clamp(output, eps, 1.0 - eps)
    return -(target * torch.log(output) + (1.0 - target) * torch.log(1.0 - output))


def moments(x, axes, keepdims=False, synchronized=False):
    if synchronized:  # as Keras on torch: statistics across devices are not implemented
        raise NotImplementedError("moments: synchronized=True is not supported on torch")
    dims = tuple(axes)
    mean = torch.mean(x, dim=dims, keepdim=True)
    variance = torch.mean(torch.square(x - mean), dim=dims, keepdim=keepdims)
    return (mean if keepdims else torch.squeeze(mean, dims)), variance


# Kernels behind lamina.activations that torch has no single call for (Keras 3 formulas).


def sparse_plus(x):
    """0 for x <= -1, (x + 1)^2 / 4 for -1 < x < 1, x for x >= 1."""
    return torch.where(x <= -1, torch.zeros_like(x), torch.where(x < 1, 0.25 * (x + 1) ** 2, x))


def sparse_sigmoid(x):
    """0 for x <= -1, (x + 1) / 2 between, 1 for x >= 1."""
    return torch.clamp(0.5 * (x + 1), 0.0, 1.0)


def squareplus(x, b=4):
    return (x + torch.sqrt(x * x + b)) / 2


def soft_shrink(x, threshold=0.5):
    return F.softshrink(x, threshold)


def hard_shrink(x, threshold=0.5):
    return F.hardshrink(x, threshold)


def tanh_shrink(x):
    return F.tanhshrink(x)


def threshold(x, threshold, default_value):
    """x where x > threshold, else default_value."""
    return F.threshold(x, threshold, default_value)


def sparsemax(x, axis=-1):
    """Euclidean projection of x onto the probability simplex along ``axis``."""
    z, _ = torch.sort(x, dim=axis, descending=True)
    cum = torch.cumsum(z, dim=axis)
    view = [1] * x.ndim
    view[axis] = -1
    k = torch.arange(1, x.shape[axis] + 1, device=x.device, dtype=to_engine_dtype(x.dtype)).view(view)
    # the support holds the k largest entries with 1 + k * z_k > sum of the k largest
    k_max = torch.sum((1 + k * z > cum).to(torch.int64), dim=axis, keepdim=True)
    tau = (torch.gather(cum, axis, k_max - 1) - 1) / k_max.to(x.dtype)
    return torch.clamp(x - tau, min=0)


# --- normalization kernels (BatchNormalization, LayerNormalization, ...) -------------------
# Each takes Keras' arguments and returns Keras' numbers; they reshape to the layout torch's
# fused kernels want with views (no copies for contiguous inputs).


def _channel_view(x, axis):
    """``x`` viewed as (before, channels) or (before, channels, after) for torch's batch_norm."""
    axis = axis % x.ndim
    shape = x.shape
    before = 1
    for d in shape[:axis]:
        before *= d
    after = 1
    for d in shape[axis + 1:]:
        after *= d
    if after == 1:
        return x.reshape(before, shape[axis])
    return x.reshape(before, shape[axis], after)


def _per_channel(v, ndim, axis):
    shape = [1] * ndim
    shape[axis % ndim] = -1
    return v.reshape(shape)


def batch_normalization(x, mean, variance, axis=-1, offset=None, scale=None, epsilon=1e-3):
    """Normalize ``x`` with given per-channel statistics (Keras' ``ops.batch_normalization``)."""
    if x.is_floating_point() and x.dtype == mean.dtype and x.ndim >= 2 and x.numel():
        return F.batch_norm(_channel_view(x, axis), mean, variance, scale, offset, False, 0.0,
                            epsilon).reshape(x.shape)
    mean, variance = _per_channel(mean, x.ndim, axis), _per_channel(variance, x.ndim, axis)
    inv = torch.rsqrt(variance + epsilon)
    if scale is not None:
        inv = inv * _per_channel(scale, x.ndim, axis)
    out = (x - mean) * inv
    if offset is not None:
        out = out + _per_channel(offset, x.ndim, axis)
    return out


def batch_norm_train(x, axis=-1, scale=None, offset=None, epsilon=1e-3):
    """Normalize ``x`` with its own batch statistics over every axis but ``axis``.

    Returns ``(outputs, mean, variance)`` with the biased variance (as Keras' ``moments``).
    One fused torch kernel: its running-stat buffers, given momentum 1, receive the batch mean
    and the unbiased variance, which is turned into the biased one here.
    """
    view = _channel_view(x, axis)
    n = view.numel() // view.shape[1]
    if n < 2:  # torch refuses one value per channel; the variance is then 0
        dims = [d for d in range(x.ndim) if d != axis % x.ndim]
        mean = torch.mean(x, dim=dims)
        var = torch.zeros_like(mean)
        return batch_normalization(x, mean, var, axis, offset, scale, epsilon), mean, var
    c = view.shape[1]
    mean = torch.zeros(c, dtype=x.dtype, device=x.device)
    var = torch.zeros(c, dtype=x.dtype, device=x.device)
    out = F.batch_norm(view, mean, var, scale, offset, True, 1.0, epsilon).reshape(x.shape)
    # not in place: autograd keeps the buffers batch_norm was given
    return out, mean, var * ((n - 1) / n)


def update_moving(moving, value, momentum):
    """``moving = moving * momentum + value * (1 - momentum)`` in place, outside autograd."""
    with torch.no_grad():
        moving.copy_(moving * momentum + value.to(moving.dtype) * (1.0 - momentum))


def layer_normalization(x, gamma=None, beta=None, axis=-1, epsilon=None):
    """Keras' ``ops.layer_normalization``: F.layer_norm where the axes are the trailing ones."""
    ndim = x.ndim
    if isinstance(axis, int):
        axis = (axis,)
    if epsilon is None:
        epsilon = config.epsilon()
    if not x.is_floating_point():  # Keras normalizes ints and bools in floatx, then casts back
        out = layer_normalization(x.to(to_engine_dtype(config.floatx())), gamma, beta, axis,
                                  epsilon)
        return out.to(x.dtype)
    axes = sorted(a % ndim for a in axis)
    if axes == list(range(ndim - len(axes), ndim)):
        shape = tuple(x.shape[a] for a in axes)
        if gamma is not None and gamma.dtype != x.dtype:
            gamma = gamma.to(x.dtype)
        if beta is not None and beta.dtype != x.dtype:
            beta = beta.to(x.dtype)
        return F.layer_norm(x, shape, gamma, beta, epsilon)
    var, mean = torch.var_mean(x, dim=axes, keepdim=True, correction=0)
    bshape = [1] * ndim
    for a in axes:
        bshape[a] = x.shape[a]
    inv = torch.rsqrt(var + epsilon)
    if gamma is not None:
        inv = inv * gamma.reshape(bshape)
    res = -mean * inv
    if beta is not None:
        res = res + beta.reshape(bshape)
    return x * inv + res


def variance_scaling_normalization(x, gamma=None, axis=(-1,), epsilon=1e-3):
    """LayerNormalization(rms_scaling=True): ``x * rsqrt(var(x) + eps) * gamma`` (Keras 3)."""
    var = torch.var(x, dim=tuple(axis), keepdim=True, correction=0)
    out = x * torch.rsqrt(var + epsilon)
    if gamma is not None:
        bshape = [1] * x.ndim
        for a in axis:
            bshape[a] = x.shape[a]
        out = out * gamma.reshape(bshape)
    return out


def rms_normalization(x, scale=None, axis=-1, epsilon=None):
    """``x * rsqrt(mean(x**2) + eps) * scale`` (Keras' ``ops.rms_normalization``)."""
    ndim = x.ndim
    if isinstance(axis, int):
        axis = (axis,)
    if epsilon is None:
        epsilon = config.epsilon()
    if not x.is_floating_point():  # Keras normalizes ints and bools in floatx, then casts back
        out = rms_normalization(x.to(to_engine_dtype(config.floatx())), scale, axis, epsilon)
        return out.to(x.dtype)
    axes = sorted(a % ndim for a in axis)
    if axes == list(range(ndim - len(axes), ndim)):
        return F.rms_norm(x, tuple(x.shape[a] for a in axes), scale, epsilon)
    out = x * torch.rsqrt(torch.mean(torch.square(x), dim=axes, keepdim=True) + epsilon)
    if scale is not None:
        out = out * scale
    return out


def group_normalization(x, groups, gamma=None, beta=None, axis=-1, epsilon=1e-3):
    """Normalize each group of ``groups`` channels (along ``axis``) over all non-batch axes."""
    ndim = x.ndim
    axis = axis % ndim
    c = x.shape[axis]
    if axis == 1:
        return F.group_norm(x, groups, gamma, beta, epsilon)
    gshape = list(x.shape[:axis]) + [groups, c // groups] + list(x.shape[axis + 1:])
    xg = x.reshape(gshape)
    dims = [d for d in range(1, ndim + 1) if d != axis]
    var, mean = torch.var_mean(xg, dim=dims, keepdim=True, correction=0)
    bshape = [1] * (ndim + 1)
    bshape[axis], bshape[axis + 1] = groups, c // groups
    inv = torch.rsqrt(var + epsilon)
    if gamma is not None:
        inv = inv * gamma.reshape(bshape)
    res = -mean * inv
    if beta is not None:
        res = res + beta.reshape(bshape)
    return (xg * inv + res).reshape(x.shape)


def l2_normalize(x, axis=-1, epsilon=1e-12):
    """``x * min(rsqrt(sum(x**2)), 1/epsilon)`` along ``axis`` (Keras' ``ops.normalize``)."""
    dims = tuple(axis) if isinstance(axis, (list, tuple)) else axis
    inv = torch.rsqrt(torch.sum(torch.square(x), dim=dims, keepdim=True))
    return x * torch.clamp(inv, max=1.0 / epsilon)


def embedding_lookup(table, ids):
    """Rows ``ids`` of ``table`` (any shape of integer ids)."""
    if ids.dtype not in (torch.int32, torch.int64):
        ids = ids.to(torch.int32)
    return F.embedding(ids, table)


# --- noise kernels (GaussianNoise, GaussianDropout, AlphaDropout, SpatialDropout) ----------


def normal_like(x, mean=0.0, stddev=1.0, generator=None):
    """Normal draws shaped like ``x`` (torch's global generator when ``generator`` is None)."""
    return torch.empty_like(x).normal_(mean, stddev, generator=generator)


def keep_mask(x, shape, rate, generator=None):
    """A 0/1 tensor of ``shape`` (None entries take x's size), 1 with probability 1 - rate."""
    shape = tuple(x.shape[i] if d is None else d for i, d in enumerate(shape))
    draws = torch.empty(shape, dtype=x.dtype, device=x.device).uniform_(generator=generator)
    return (draws >= rate).to(x.dtype)
