"""``keras.ops.linalg`` on PyTorch."""

from __future__ import annotations

import torch

from lamina.backend.torch.core import to_engine_dtype
from lamina.backend.torch.ops import norm  # noqa: F401  (keras.ops.linalg.norm is numpy's norm)


def _float(x):
    return x if x.is_floating_point() or x.is_complex() else x.float()


def cholesky(x, upper=False):
    out, info = torch.linalg.cholesky_ex(_float(x), upper=upper)
    # a symbolic call has no values to check: the model's run checks them
    if isinstance(info, torch.Tensor) and bool(torch.any(info != 0)):
        raise ValueError("cholesky: the matrix is not positive definite")
    return out


def cholesky_inverse(x, upper=False):
    return torch.cholesky_inverse(_float(x), upper=upper)


def det(x):
    return torch.linalg.det(_float(x))


def eig(x):
    return torch.linalg.eig(_float(x))


def eigh(x):
    return torch.linalg.eigh(_float(x))


def inv(x):
    return torch.linalg.inv(_float(x))


def lu_factor(x):
    lu, pivots = torch.linalg.lu_factor(_float(x))
    return lu, pivots - 1  # 0-based pivots, as Keras (LAPACK's are 1-based)


def qr(x, mode="reduced"):
    if mode not in ("reduced", "complete"):
        raise ValueError(f"qr: mode must be 'reduced' or 'complete'; got {mode!r}")
    return torch.linalg.qr(_float(x), mode=mode)


def solve(a, b):
    return torch.linalg.solve(_float(a), _float(b))


def solve_triangular(a, b, lower=False):
    b = _float(b)
    vector = b.ndim == a.ndim - 1
    if vector:
        b = b.unsqueeze(-1)
    out = torch.linalg.solve_triangular(_float(a), b, upper=not lower)
    return out.squeeze(-1) if vector else out


def svd(x, full_matrices=True, compute_uv=True):
    if not compute_uv:
        return torch.linalg.svdvals(_float(x))
    return torch.linalg.svd(_float(x), full_matrices=full_matrices)


def lstsq(a, b, rcond=None):
    """Least-squares solution of ``a @ x = b`` (SVD based, any rank)."""
    a, b = _float(a), _float(b)
    vector = b.ndim == 1
    if vector:
        b = b.unsqueeze(-1)
    u, s, vh = torch.linalg.svd(a, full_matrices=False)
    if rcond is None:
        rcond = torch.finfo(to_engine_dtype(a.dtype)).eps * max(a.shape[-2:])
    keep = s > rcond * s.max()
    s_inv = torch.where(keep, 1.0 / torch.where(keep, s, torch.ones_like(s)), torch.zeros_like(s))
    out = vh.mT @ (s_inv.unsqueeze(-1) * (u.mT @ b))
    return out.squeeze(-1) if vector else out


def matrix_rank(x, tol=None):
    # Keras' (and NumPy's) ``tol`` is an absolute threshold on the singular values
    return torch.linalg.matrix_rank(_float(x), atol=tol).to(torch.int32)


def pinv(x, rcond=None):
    # Keras' (and NumPy's) ``rcond``: singular values below rcond * the largest count as 0
    return torch.linalg.pinv(_float(x), rtol=rcond)


def jvp(fun, primals, tangents, has_aux=False):
    return torch.func.jvp(fun, tuple(primals), tuple(tangents), has_aux=has_aux)


__all__ = ["cholesky", "cholesky_inverse", "det", "eig", "eigh", "inv", "jvp", "lstsq",
           "lu_factor", "matrix_rank", "norm", "pinv", "qr", "solve",
           "solve_triangular", "svd"]
