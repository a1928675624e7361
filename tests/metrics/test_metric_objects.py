"""lamina.metrics against NumPy: running values, names, resolution, errors and configs."""

import numpy as np
import pytest

from lamina import losses, metrics
from lamina.backend import core


def value(m):
    return float(core.convert_to_numpy(m.result()))


def test_mean_and_sum_accumulate():
    m, s = metrics.Mean(), metrics.Sum()
    for batch, w in (([1.0, 3.0], [1.0, 1.0]), ([5.0, 7.0], [0.0, 2.0])):
        m.update_state(batch, sample_weight=w)
        s.update_state(batch, sample_weight=w)
    assert value(m) == pytest.approx((1 + 3 + 14) / 4)
    assert value(s) == pytest.approx(18.0)
    m.reset_state()
    assert value(m) == 0.0  # empty mean is 0, not nan


def test_state_stays_on_the_backend():
    m = metrics.MeanSquaredError()
    out = m.update_state([[0.0, 1.0]], [[1.0, 1.0]])
    assert out is None
    assert all(core.is_tensor(v) for v in m.variables)
    assert core.is_tensor(m.result())
    assert [v.path for v in m.variables] == ["mean_squared_error/total", "mean_squared_error/count"]
    assert not any(v.trainable for v in m.variables)


def test_accuracies_against_numpy():
    rng = np.random.default_rng(1)
    p = rng.uniform(size=(10, 4)).astype("float32")
    labels = rng.integers(0, 4, 10)
    expected = (p.argmax(-1) == labels).mean()
    sca = metrics.SparseCategoricalAccuracy()
    sca.update_state(labels, p)
    assert value(sca) == pytest.approx(expected)
    ca = metrics.CategoricalAccuracy()
    ca.update_state(np.eye(4)[labels], p)
    assert value(ca) == pytest.approx(expected)
    y = rng.integers(0, 2, (10, 1)).astype("float32")
    ba = metrics.BinaryAccuracy(threshold=0.3)
    ba.update_state(y, p[:, :1])
    assert value(ba) == pytest.approx(((p[:, :1] > 0.3) == y).mean())
    acc = metrics.Accuracy()
    acc.update_state([1, 2, 3, 4], [1, 2, 0, 4])
    assert value(acc) == pytest.approx(0.75)


def test_regression_metrics_against_numpy():
    a = np.array([[0.0, 2.0], [1.0, 1.0]], "float32")
    b = np.array([[1.0, 0.0], [1.0, 3.0]], "float32")
    mse, mae = metrics.MeanSquaredError(), metrics.MeanAbsoluteError()
    mse.update_state(a, b)
    mae.update_state(a, b)
    assert value(mse) == pytest.approx(((a - b) ** 2).mean())
    assert value(mae) == pytest.approx(np.abs(a - b).mean())


def test_call_updates_and_returns_result():
    m = metrics.Mean()
    assert float(core.convert_to_numpy(m([2.0, 4.0]))) == 3.0


@pytest.mark.parametrize(
    "name,cls,metric_name",
    [
        ("mse", "MeanSquaredError", "mean_squared_error"),
        ("MAE", "MeanAbsoluteError", "mean_absolute_error"),
        ("mean_absolute_error", "MeanAbsoluteError", "mean_absolute_error"),
        ("binary_accuracy", "BinaryAccuracy", "binary_accuracy"),
        ("SparseCategoricalAccuracy", "SparseCategoricalAccuracy", "sparse_categorical_accuracy"),
        ("accuracy", "Accuracy", "accuracy"),
        ("bce", "BinaryCrossentropy", "binary_crossentropy"),
    ],
)
def test_get_names(name, cls, metric_name):
    m = metrics.get(name)
    assert type(m).__name__ == cls and m.name == metric_name


@pytest.mark.parametrize(
    "identifier,y_true,y_pred,cls,name",
    [
        ("accuracy", (8, 1), (8, 1), "BinaryAccuracy", "accuracy"),
        ("acc", (8,), (8, 10), "SparseCategoricalAccuracy", "acc"),
        ("ACC", (8, 1), (8, 10), "SparseCategoricalAccuracy", "ACC"),
        ("accuracy", (8, 10), (8, 10), "CategoricalAccuracy", "accuracy"),
        ("mae", (8, 1), (8, 1), "MeanAbsoluteError", "mae"),
        ("mse", (8, 1), (8, 1), "MeanSquaredError", "mse"),
        ("ce", (8,), (8, 10), "SparseCategoricalCrossentropy", "ce"),
        ("crossentropy", (8, 1), (8, 1), "BinaryCrossentropy", "crossentropy"),
        (losses.mean_squared_error, (8, 1), (8, 1), "MeanMetricWrapper", "mean_squared_error"),
    ],
)
def test_resolve_metric(identifier, y_true, y_pred, cls, name):
    m = metrics.resolve_metric(identifier, y_true, y_pred)
    assert type(m).__name__ == cls and m.name == name


def test_resolve_metric_takes_tensors():
    m = metrics.resolve_metric("acc", np.zeros((4,)), core.convert_to_tensor(np.zeros((4, 3))))
    assert isinstance(m, metrics.SparseCategoricalAccuracy)


def test_errors():
    with pytest.raises(ValueError, match="'acuracy'.*binary_accuracy"):
        metrics.get("acuracy")
    with pytest.raises(ValueError, match="None"):
        metrics.resolve_metric(None, (1,), (1,))
    with pytest.raises(ValueError, match="initializer"):
        metrics.Metric().add_variable((), "glorot")

    class Forgot(metrics.Metric):
        def __init__(self):
            self.v = self.add_variable((), "zeros", name="v")

    with pytest.raises(RuntimeError, match="super"):
        Forgot()


@pytest.mark.parametrize(
    "obj",
    [
        metrics.Mean(name="m"),
        metrics.Sum(),
        metrics.BinaryAccuracy(threshold=0.3),
        metrics.CategoricalAccuracy(),
        metrics.SparseCategoricalAccuracy(),
        metrics.Accuracy(),
        metrics.MeanSquaredError(),
        metrics.MeanAbsoluteError(name="x"),
        metrics.BinaryCrossentropy(from_logits=True),
        metrics.CategoricalCrossentropy(axis=1),
        metrics.SparseCategoricalCrossentropy(ignore_class=0),
        metrics.MeanMetricWrapper(losses.mean_absolute_error, name="w"),
        metrics.MeanMetricWrapper(metrics.binary_accuracy, name="t", threshold=0.2),
    ],
)
def test_config_round_trip(obj):
    config = metrics.serialize(obj)
    assert config["module"] == "keras.metrics"
    back = metrics.deserialize(config)
    assert type(back) is type(obj) and back.get_config() == obj.get_config()


def test_sub_metric_variables_are_collected():
    class Pair(metrics.Metric):
        def __init__(self):
            super().__init__(name="pair")
            self.a = metrics.Mean(name="a")
            self.b = metrics.Sum(name="b")

    assert [v.path for v in Pair().variables] == ["a/total", "a/count", "b/total"]


def test_add_weight_takes_keras2_name_first():
    import lamina

    class Total(lamina.metrics.Metric):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.total = self.add_weight("total", initializer="zeros")

        def update_state(self, values):
            self.total.assign_add(lamina.ops.sum(values))

        def result(self):
            return self.total

    m = Total()
    m.update_state([1.0, 2.0])
    assert float(m.result()) == 3.0 and m.variables[0].path.endswith("total")
