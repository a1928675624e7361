"""Dtype policies: float32 variables, low-precision compute, training still converges."""

import numpy as np
import pytest

import lamina
from lamina import layers, ops


@pytest.fixture
def policy():
    yield lamina.mixed_precision.set_global_policy
    lamina.mixed_precision.set_global_policy("float32")


def test_mixed_bfloat16_layers(policy):
    policy("mixed_bfloat16")
    layer = layers.Dense(4)
    out = layer(np.ones((2, 3), "float32"))
    assert layer.dtype == "float32" and layer.compute_dtype == "bfloat16"
    assert ops.dtype(layer.kernel) == "float32"
    assert ops.dtype(out) == "bfloat16"
    expected = np.ones((2, 3)) @ layer.get_weights()[0]
    np.testing.assert_allclose(ops.convert_to_numpy(ops.cast(out, "float32")), expected,
                               rtol=2e-2, atol=2e-2)  # bfloat16 keeps ~3 significant digits


def test_per_layer_dtype_and_training(policy):
    policy("mixed_bfloat16")
    model = lamina.Sequential([layers.Dense(16, activation="relu", input_shape=(4,)),
                               layers.Dense(1, dtype="float32")])
    assert model.layers[1].compute_dtype == "float32"
    model.compile(optimizer=lamina.optimizers.Adam(0.01), loss="mse")
    rng = np.random.default_rng(0)
    x = rng.normal(size=(128, 4)).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    history = model.fit(x, y, epochs=20, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    assert model.predict(x, verbose=0).dtype == np.float32


def test_unknown_policy_refused():
    with pytest.raises(ValueError, match="mixed_float8"):
        lamina.mixed_precision.set_global_policy("mixed_float8")


def test_mixed_float16_trains_with_loss_scaling(policy):
    policy("mixed_float16")
    model = lamina.Sequential([layers.Input(shape=(4,)), layers.Dense(16, activation="relu"),
                               layers.Dense(1, dtype="float32")])
    model.compile(optimizer=lamina.optimizers.Adam(0.01), loss="mse")
    assert type(model.optimizer).__name__ == "LossScaleOptimizer"  # as Keras does for float16
    assert model.layers[0].compute_dtype == "float16"
    rng = np.random.default_rng(1)
    x = rng.normal(size=(128, 4)).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    history = model.fit(x, y, epochs=20, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
