"""Metric updates and loss calls must not read tensors back to Python (no device sync)."""

import numpy as np
import pytest

from lamina import backend, losses, metrics
from lamina.backend import core

torch = pytest.importorskip("torch")
if backend.backend() != "torch":
    pytest.skip("checks the torch backend", allow_module_level=True)

from torch.utils._python_dispatch import TorchDispatchMode


class NoScalarReads(TorchDispatchMode):
    """Fails on `.item()`, `float(t)`, `bool(t)`: all go through aten._local_scalar_dense."""

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        if func is torch.ops.aten._local_scalar_dense.default:
            raise AssertionError("a tensor was read back to Python (host sync)")
        return func(*args, **(kwargs or {}))


def tensors(*arrays):
    return [core.convert_to_tensor(a) for a in arrays]


@pytest.mark.parametrize(
    "metric,y_true,y_pred",
    [
        (metrics.BinaryAccuracy(), np.array([[1.0], [0.0]]), np.array([[0.7], [0.2]])),
        (metrics.SparseCategoricalAccuracy(), np.array([1, 0]), np.eye(2)),
        (metrics.CategoricalAccuracy(), np.eye(2), np.eye(2)),
        (metrics.MeanSquaredError(), np.ones((2, 3)), np.zeros((2, 3))),
        (
            metrics.SparseCategoricalCrossentropy(ignore_class=0),
            np.array([1, 0]),
            np.eye(2) / 2 + 0.25,
        ),
    ],
)
def test_update_state_does_not_sync(metric, y_true, y_pred):
    y_true, y_pred, sw = tensors(y_true, y_pred.astype("float32"), np.array([1.0, 0.5], "float32"))
    with NoScalarReads():
        metric.update_state(y_true, y_pred)
        metric.update_state(y_true, y_pred, sample_weight=sw)
        metric.result()


def test_loss_call_does_not_sync():
    y_true, y_pred = tensors(np.array([1, 2]), np.full((2, 3), 1 / 3, "float32"))
    for reduction in ("sum_over_batch_size", "sum", "mean_with_sample_weight"):
        loss = losses.SparseCategoricalCrossentropy(ignore_class=1, reduction=reduction)
        with NoScalarReads():
            loss(
                y_true,
                y_pred,
                sample_weight=core.convert_to_tensor(np.array([1.0, 2.0], "float32")),
            )
