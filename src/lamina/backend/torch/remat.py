"""Rematerialization on PyTorch: activation checkpointing (``torch.utils.checkpoint``)."""

from __future__ import annotations

import functools

import torch
import torch.utils.checkpoint


def remat(f):
    """``f`` whose intermediate activations are recomputed in the backward pass, not stored."""

    @functools.wraps(f)
    def wrapped(*args, **kwargs):
        if not torch.is_grad_enabled():  # nothing to save memory for
            return f(*args, **kwargs)
        return torch.utils.checkpoint.checkpoint(f, *args, use_reentrant=False, **kwargs)

    return wrapped
