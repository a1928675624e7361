"""Neural-network kernels on PyTorch: activations, dropout and the cross-entropies.

Formulas follow Keras 3 (e.g. cross-entropies on probabilities renormalise and clip to
[epsilon, 1 - epsilon] before the log).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from lamina import config

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
    return torch.clamp(x, 0.0, 6.0)


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
    """Inverted dropout: zero each entry with probability ``rate``, scale the rest by 1/(1-rate)."""
    if noise_shape is None:
        return F.dropout(x, rate, True)
    shape = tuple(x.shape[i] if d is None else d for i, d in enumerate(noise_shape))
    keep = torch.empty(shape, device=x.device, dtype=x.dtype).bernoulli_(1.0 - rate)
    return x * keep / (1.0 - rate)


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


def moments(x, axes, keepdims=False):
    dims = tuple(axes)
    mean = torch.mean(x, dim=dims, keepdim=True)
    variance = torch.mean(torch.square(x - mean), dim=dims, keepdim=keepdims)
    return (mean if keepdims else torch.squeeze(mean, dims)), variance


def linear(x, kernel, bias=None):
    """``x @ kernel + bias`` with a Keras ``(in, out)`` kernel, one fused call where possible."""
    if bias is None:
        return torch.matmul(x, kernel)
    if x.ndim == 2:
        return torch.addmm(bias, x, kernel)
    return torch.matmul(x, kernel) + bias


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
    k = torch.arange(1, x.shape[axis] + 1, device=x.device, dtype=x.dtype).view(view)
    # the support holds the k largest entries with 1 + k * z_k > sum of the k largest
    k_max = torch.sum((1 + k * z > cum).to(torch.int64), dim=axis, keepdim=True)
    tau = (torch.gather(cum, axis, k_max - 1) - 1) / k_max.to(x.dtype)
    return torch.clamp(x - tau, min=0)
