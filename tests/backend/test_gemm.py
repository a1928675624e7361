"""The oneDNN path of Dense's matrix product agrees with NumPy, forwards and backwards."""

import numpy as np
import pytest
import torch

from lamina.backend.torch import gemm

needs_onednn = pytest.mark.skipif(gemm._LP is None, reason="oneDNN linear not available here")


def _data(m, k, n, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((m, k)).astype(np.float32),
            rng.standard_normal((k, n)).astype(np.float32),
            rng.standard_normal(n).astype(np.float32),
            rng.standard_normal((m, n)).astype(np.float32))


def _spy(monkeypatch):
    calls = []
    real = gemm._LP

    def counting(*args):
        calls.append(tuple(args[0].shape))
        return real(*args)

    monkeypatch.setattr(gemm, "_LP", counting)
    return calls


@needs_onednn
@pytest.mark.parametrize("use_bias", [True, False])
def test_forward_and_gradients_match_numpy(monkeypatch, use_bias):
    xs, ks, bs, gs = _data(128, 300, 200)
    calls = _spy(monkeypatch)
    x = torch.tensor(xs, requires_grad=True)
    k = torch.tensor(ks, requires_grad=True)
    b = torch.tensor(bs, requires_grad=True) if use_bias else None
    y = gemm.linear(x, k, b)
    want = xs.astype(np.float64) @ ks + (bs if use_bias else 0)
    np.testing.assert_allclose(y.detach().numpy(), want, rtol=1e-5, atol=1e-4)
    grads = torch.autograd.grad(y, [x, k] + ([b] if use_bias else []), torch.tensor(gs))
    np.testing.assert_allclose(grads[0].numpy(), gs.astype(np.float64) @ ks.T, rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(grads[1].numpy(), xs.T.astype(np.float64) @ gs, rtol=1e-5, atol=1e-4)
    if use_bias:
        np.testing.assert_allclose(grads[2].numpy(), gs.sum(0), rtol=1e-5, atol=1e-4)
    assert len(calls) == 3  # forward, d/dx, d/dkernel all went through oneDNN
    assert grads[1].stride() == k.stride()


@needs_onednn
def test_three_d_input_and_broadcast_gradient(monkeypatch):
    xs, ks, bs, _ = _data(4 * 64, 200, 100, seed=1)
    calls = _spy(monkeypatch)
    x = torch.tensor(xs.reshape(4, 64, 200))
    k = torch.tensor(ks, requires_grad=True)
    y = gemm.linear(x, k, torch.tensor(bs))
    assert y.shape == (4, 64, 100)
    (gk,) = torch.autograd.grad(y.sum(), [k])  # the gradient of sum() is a stride-0 tensor
    np.testing.assert_allclose(gk.numpy(), np.broadcast_to(xs.sum(0)[:, None], ks.shape),
                               rtol=1e-4, atol=1e-3)
    assert calls


@needs_onednn
def test_second_derivatives_are_exact():
    xs, ks, _, _ = _data(64, 300, 300, seed=2)
    x = torch.tensor(xs, dtype=torch.float32, requires_grad=True)
    k = torch.tensor(ks, requires_grad=True)
    y = gemm.linear(x, k)
    (gx,) = torch.autograd.grad((y * y).sum(), [x], create_graph=True)
    (gk,) = torch.autograd.grad(gx.sum(), [k])
    # d/dk of sum_i (2 y k^T)_i: computed by torch's own ops on the same expression.
    x2, k2 = x.detach().clone().requires_grad_(), k.detach().clone().requires_grad_()
    (gx2,) = torch.autograd.grad(((x2 @ k2) ** 2).sum(), [x2], create_graph=True)
    (gk2,) = torch.autograd.grad(gx2.sum(), [k2])
    np.testing.assert_allclose(gk.numpy(), gk2.numpy(), rtol=1e-4, atol=1e-2)


def test_small_products_and_other_dtypes_use_torch(monkeypatch):
    calls = _spy(monkeypatch)
    x = torch.ones(2, 3)
    k = torch.ones(3, 4)
    assert torch.equal(gemm.linear(x, k, torch.ones(4)), torch.full((2, 4), 4.0))
    big = torch.ones(128, 300, dtype=torch.float64)
    assert gemm.linear(big, torch.ones(300, 200, dtype=torch.float64)).dtype == torch.float64
    assert calls == []


@needs_onednn
def test_under_torch_func_transforms_falls_back(monkeypatch):
    xs, ks, _, _ = _data(128, 300, 200, seed=3)
    k = torch.tensor(ks)
    grad = torch.func.grad(lambda x: gemm.linear(x, k).sum())(torch.tensor(xs))
    np.testing.assert_allclose(grad.numpy(), np.broadcast_to(ks.sum(1), xs.shape), rtol=1e-4,
                               atol=1e-3)
