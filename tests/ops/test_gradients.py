"""Gradients of differentiable ops match finite differences (float64, torch's gradcheck)."""

import numpy as np
import pytest
import torch

from lamina import ops

RNG = np.random.default_rng(1)


def _x(shape, low=-1.0, high=1.0):
    return torch.tensor(RNG.uniform(low, high, shape), dtype=torch.float64, requires_grad=True)


CASES = {
    "mean": lambda x: ops.mean(x, axis=1),
    "sum": lambda x: ops.sum(x, axis=0, keepdims=True),
    "max": lambda x: ops.max(x, axis=-1),
    "std": lambda x: ops.std(x, axis=1),
    "var": lambda x: ops.var(x),
    "prod": lambda x: ops.prod(x, axis=1),
    "logsumexp": lambda x: ops.logsumexp(x, axis=1),
    "softmax": lambda x: ops.softmax(x, axis=-1),
    "log_softmax": lambda x: ops.log_softmax(x),
    "take": lambda x: ops.take(x, [2, 0], axis=1),
    "take_along_axis": lambda x: ops.take_along_axis(x, ops.argsort(x, axis=1), axis=1),
    "concatenate": lambda x: ops.concatenate([x, ops.square(x)], axis=1),
    "where": lambda x: ops.where(x > 0, x, ops.exp(x)),
    "pad_reflect": lambda x: ops.pad(x, ((1, 1), (2, 0)), mode="reflect"),
    "norm": lambda x: ops.norm(x, axis=1),
    "cumprod": lambda x: ops.cumprod(x, axis=1),
    "einsum": lambda x: ops.einsum("ij,kj->ik", x, x),
    "slice_update": lambda x: ops.slice_update(x, (0, 1), ops.square(x[:2, :2])),
    "scatter_update": lambda x: ops.scatter_update(x, [[0, 1], [2, 3]], ops.exp(x[0, :2])),
    "segment_sum": lambda x: ops.segment_sum(x, ops.convert_to_tensor([0, 0, 1]), 2),
    "det": lambda x: ops.linalg.det(x[:, :3] + 2 * ops.eye(3, dtype="float64")),
    "inv": lambda x: ops.linalg.inv(x[:, :3] + 2 * ops.eye(3, dtype="float64")),
    "solve": lambda x: ops.linalg.solve(x[:, :3] + 2 * ops.eye(3, dtype="float64"), x[:, 3:]),
    "categorical_crossentropy": lambda x: ops.categorical_crossentropy(
        ops.softmax(x), ops.softmax(x * 2), from_logits=False),
    "binary_crossentropy": lambda x: ops.binary_crossentropy(
        ops.sigmoid(x), ops.sigmoid(2 * x), from_logits=False),
    "dot_product_attention": lambda x: ops.dot_product_attention(
        ops.reshape(x, (1, 3, 2, 2)), ops.reshape(x, (1, 3, 2, 2)), ops.reshape(x, (1, 3, 2, 2))),
    "stft": lambda x: ops.stft(ops.reshape(x, (12,)), 4, 2, 4, center=False)[0],
    "resize": lambda x: ops.image.resize(ops.reshape(x, (1, 3, 4, 1)), (5, 6)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradient_matches_finite_differences(name):
    x = _x((3, 4))
    assert torch.autograd.gradcheck(CASES[name], (x,), eps=1e-6, atol=1e-5)


def test_custom_gradient_is_used():
    @ops.custom_gradient
    def clipped_identity(x):
        def grad(*args, upstream=None):
            return ops.clip(upstream, -0.1, 0.1)

        return x * 1.0, grad

    x = torch.ones(3, requires_grad=True)
    (clipped_identity(x) * 5.0).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [0.1, 0.1, 0.1])


def test_stop_gradient():
    x = torch.ones(2, requires_grad=True)
    y = ops.sum(ops.stop_gradient(x) * x)
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), [1.0, 1.0])
