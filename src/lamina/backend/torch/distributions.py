"""More random distributions on PyTorch, for ``lamina.random`` (Keras' keras.random).

``seed`` is an int (the same draw every time), a ``torch.Generator`` (advancing state) or
None (drawn from torch's global generator, which ``lamina.utils.set_random_seed`` seeds).
"""

from __future__ import annotations

import contextlib

import torch

from lamina import config
from lamina.backend.torch.core import DEVICE, to_engine_dtype
from lamina.backend.torch.random import make_generator


def _gen(seed):
    return seed if isinstance(seed, torch.Generator) else make_generator(seed)


def _float(dtype):
    return to_engine_dtype(dtype or config.floatx())


def _shape(shape):
    return (shape,) if isinstance(shape, int) else tuple(shape)


@contextlib.contextmanager
def _seeded(seed):
    """Torch's global generator, seeded from ``seed``, for samplers that take no generator."""
    g = _gen(seed)
    draw = int(torch.randint(0, 2**62, (1,), generator=g, device=g.device).item())
    with torch.random.fork_rng(devices=[] if DEVICE.type == "cpu" else [DEVICE]):
        torch.manual_seed(draw)
        yield


def categorical(logits, num_samples, dtype="int32", seed=None):
    """``num_samples`` class indices per row of ``logits`` (batch, classes)."""
    probs = torch.softmax(logits.float(), dim=-1)
    out = torch.multinomial(probs, num_samples, replacement=True, generator=_gen(seed))
    return out.to(to_engine_dtype(dtype))


def dropout(inputs, rate, noise_shape=None, seed=None):
    """Zero entries with probability ``rate``; scale the rest by ``1 / (1 - rate)``."""
    shape = tuple(inputs.shape) if noise_shape is None else tuple(
        inputs.shape[i] if d is None else d for i, d in enumerate(noise_shape))
    keep = torch.empty(shape, dtype=inputs.dtype, device=inputs.device)
    keep.bernoulli_(1.0 - rate, generator=_gen(seed))
    return inputs * keep / (1.0 - rate)


def shuffle(x, axis=0, seed=None):
    """``x`` with its entries along ``axis`` in a random order."""
    g = _gen(seed)
    perm = torch.randperm(x.shape[axis], generator=g, device=g.device).to(x.device)
    return torch.index_select(x, axis, perm)


def gamma(shape, alpha, dtype=None, seed=None):
    dt = _float(dtype)
    alpha_t = torch.broadcast_to(torch.as_tensor(alpha, dtype=torch.float32, device=DEVICE),
                                 _shape(shape))
    with _seeded(seed):
        return torch._standard_gamma(alpha_t.contiguous()).to(dt)


def binomial(shape, counts, probabilities, dtype=None, seed=None):
    dt = _float(dtype)
    c = torch.broadcast_to(torch.as_tensor(counts, dtype=torch.float32, device=DEVICE),
                           _shape(shape)).contiguous()
    p = torch.broadcast_to(torch.as_tensor(probabilities, dtype=torch.float32, device=DEVICE),
                           _shape(shape)).contiguous()
    with _seeded(seed):
        return torch.binomial(c, p).to(dt)


def beta(shape, alpha, beta, dtype=None, seed=None):
    dt = _float(dtype)
    g = _gen(seed)
    s1, s2 = (int(v) for v in torch.randint(0, 2**62, (2,), generator=g, device=g.device))
    x = gamma(shape, alpha, "float32", s1)
    y = gamma(shape, beta, "float32", s2)
    return (x / (x + y)).to(dt)


__all__ = ["beta", "binomial", "categorical", "dropout", "gamma", "shuffle"]
