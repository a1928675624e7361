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


K = 4
_rng = np.random.default_rng(0)
_BITS = _rng.integers(0, 2, (6, K)).astype("float32")
_SCORES = _rng.uniform(0, 1, (6, K)).astype("float32")
_ONE_HOT = np.eye(K, dtype="float32")[_rng.integers(0, K, 6)]
_LABELS = _rng.integers(0, K, 6)
_REAL = _rng.normal(size=(6, K)).astype("float32")

NEW_METRICS = [
    (lambda: metrics.AUC(), _BITS, _SCORES),
    (lambda: metrics.AUC(curve="PR", multi_label=True), _BITS, _SCORES),
    (lambda: metrics.AUC(thresholds=[0.2, 0.7], label_weights=[1, 2, 3, 4]), _BITS, _SCORES),
    (lambda: metrics.Precision(top_k=2), _BITS, _SCORES),
    (lambda: metrics.Recall(class_id=1, thresholds=[0.3, 0.6]), _BITS, _SCORES),
    (lambda: metrics.TruePositives(), _BITS, _SCORES),
    (lambda: metrics.PrecisionAtRecall(0.5), _BITS, _SCORES),
    (lambda: metrics.SpecificityAtSensitivity(0.5, num_thresholds=1), _BITS, _SCORES),
    (lambda: metrics.F1Score(average="weighted"), _ONE_HOT, _SCORES),
    (lambda: metrics.FBetaScore(beta=2.0, threshold=0.4), _BITS, _SCORES),
    (lambda: metrics.MeanIoU(num_classes=K, ignore_class=0), _LABELS, _LABELS[::-1].copy()),
    (lambda: metrics.OneHotIoU(K, target_class_ids=[1, 2]), _ONE_HOT, _SCORES),
    (lambda: metrics.BinaryIoU(), _BITS[:, 0], _SCORES[:, 0]),
    (lambda: metrics.TopKCategoricalAccuracy(k=2), _ONE_HOT, _SCORES),
    (lambda: metrics.SparseTopKCategoricalAccuracy(k=2), _LABELS, _SCORES),
    (lambda: metrics.R2Score(), _REAL, _REAL[::-1].copy()),
    (lambda: metrics.RootMeanSquaredError(), _REAL, _SCORES),
    (lambda: metrics.CosineSimilarity(), _REAL, _SCORES),
    (lambda: metrics.PearsonCorrelation(), _REAL, _SCORES),
    (lambda: metrics.Hinge(), _BITS, _REAL),
    (lambda: metrics.KLDivergence(), _ONE_HOT, _SCORES),
    (lambda: metrics.LogCoshError(), _REAL, _SCORES),
]


@pytest.mark.parametrize(
    "make,y_true,y_pred", NEW_METRICS, ids=[str(i) for i in range(len(NEW_METRICS))]
)
def test_new_metrics_update_without_sync(make, y_true, y_pred):
    metric = make()
    y_true, y_pred = tensors(y_true, y_pred)
    metric.update_state(y_true, y_pred)  # first update may build state
    sw = core.convert_to_tensor(np.linspace(0, 2, y_true.shape[0]).astype("float32"))
    if isinstance(metric, metrics.IoU):
        sw = core.convert_to_tensor(np.arange(y_true.shape[0]) % 3)
    with NoScalarReads():
        metric.update_state(y_true, y_pred)
        metric.update_state(y_true, y_pred, sample_weight=sw)
        metric.result()


@pytest.mark.parametrize(
    "loss,y_true,y_pred",
    [
        (losses.Hinge(), _BITS, _REAL),
        (losses.Huber(), _REAL, _SCORES),
        (losses.BinaryFocalCrossentropy(from_logits=True), _BITS, _REAL),
        (losses.CategoricalFocalCrossentropy(), _ONE_HOT, _SCORES),
        (losses.Dice(), _BITS, _SCORES),
        (losses.Circle(), _LABELS, _REAL),
        (
            losses.CTC(),
            np.array([[1, 2, 0], [3, 0, 0]]),
            _rng.normal(size=(2, 5, 4)).astype("float32"),
        ),
    ],
)
def test_new_losses_call_without_sync(loss, y_true, y_pred):
    y_true, y_pred = tensors(y_true, y_pred)
    with NoScalarReads():
        loss(y_true, y_pred)
