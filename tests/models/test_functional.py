"""Functional models: several inputs and outputs, shared layers, nesting, dict inputs."""

import numpy as np
import pytest

import lamina
from lamina import layers, ops


def _np(x):
    return ops.convert_to_numpy(x)


def test_two_inputs_two_outputs_and_dict_inputs():
    a = lamina.Input(shape=(3,), name="a")
    b = lamina.Input(shape=(2,), name="b")
    merged = layers.Lambda(lambda t: ops.concatenate(t, axis=-1))([a, b])
    h = layers.Dense(4, activation="relu")(merged)
    out1 = layers.Dense(1, name="score")(h)
    out2 = layers.Dense(2, activation="softmax", name="klass")(h)
    model = lamina.Model([a, b], [out1, out2])
    xa = np.ones((5, 3), "float32")
    xb = np.ones((5, 2), "float32")
    p1, p2 = model.predict([xa, xb], verbose=0)
    assert p1.shape == (5, 1) and p2.shape == (5, 2)
    q1, q2 = model({"a": xa, "b": xb})
    np.testing.assert_allclose(_np(q1), p1, rtol=1e-6)
    with pytest.raises(ValueError, match="expects 2 input"):
        model(xa)


def test_shared_layer_reuses_weights():
    shared = layers.Dense(3)
    a = lamina.Input(shape=(4,))
    b = lamina.Input(shape=(4,))
    out = layers.Lambda(lambda t: t[0] - t[1])([shared(a), shared(b)])
    model = lamina.Model([a, b], out)
    assert len(model.weights) == 2
    x = np.random.default_rng(0).normal(size=(2, 4)).astype("float32")
    np.testing.assert_allclose(model.predict([x, x], verbose=0), 0.0, atol=1e-6)


def test_nested_model_as_a_layer():
    inner_in = lamina.Input(shape=(4,))
    inner = lamina.Model(inner_in, layers.Dense(3, activation="relu")(inner_in), name="inner")
    x = lamina.Input(shape=(4,))
    y = layers.Dense(1)(inner(x))
    outer = lamina.Model(x, y)
    assert outer.output_shape == (None, 1)
    assert len(outer.weights) == 4
    data = np.random.default_rng(1).normal(size=(3, 4)).astype("float32")
    k1, b1 = inner.get_weights()
    k2, b2 = outer.layers[-1].get_weights()
    expected = np.maximum(data @ k1 + b1, 0) @ k2 + b2
    np.testing.assert_allclose(outer.predict(data, verbose=0), expected, rtol=1e-5, atol=1e-6)


def test_sequential_inside_functional():
    block = lamina.Sequential([layers.Dense(3, input_shape=(2,)), layers.Dense(2)])
    x = lamina.Input(shape=(2,))
    model = lamina.Model(x, layers.Activation("softmax")(block(x)))
    out = model.predict(np.ones((4, 2), "float32"), verbose=0)
    np.testing.assert_allclose(out.sum(axis=1), 1.0, rtol=1e-6)


def test_functional_config_round_trip():
    a = lamina.Input(shape=(3,), name="in_a")
    h = layers.Dense(4, name="hidden")(a)
    out = layers.Dense(1, name="out")(h)
    model = lamina.Model(a, out, name="fn")
    config = model.get_config()
    assert config["input_layers"] == ["in_a", 0, 0] or config["input_layers"] == [["in_a", 0, 0]]
    hidden = [l for l in config["layers"] if l["name"] == "hidden"][0]
    history = hidden["inbound_nodes"][0]["args"][0]["config"]["keras_history"]
    assert history == ["in_a", 0, 0]
    clone = lamina.Model.from_config(config) if hasattr(lamina.Model, "from_config") else None
    clone = lamina.models.model_from_json(model.to_json())
    clone.set_weights(model.get_weights())
    x = np.ones((2, 3), "float32")
    np.testing.assert_allclose(clone.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)


def test_subclassed_model_trains():
    class TwoLayer(lamina.Model):
        def __init__(self):
            super().__init__()
            self.hidden = layers.Dense(8, activation="relu")
            self.out = layers.Dense(1)

        def call(self, x):
            return self.out(self.hidden(x))

    model = TwoLayer()
    model.compile(optimizer="adam", loss="mse")
    x = np.random.default_rng(2).normal(size=(64, 3)).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    history = model.fit(x, y, epochs=20, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert len(model.trainable_weights) == 4
    assert model.name == "two_layer"


def test_model_refuses_non_symbolic_inputs():
    with pytest.raises(TypeError, match="symbolic"):
        lamina.Model(np.ones((2, 2)), np.ones((2, 2)))


def test_duplicate_layer_names_refused():
    x = lamina.Input(shape=(2,))
    h = layers.Dense(2, name="d")(x)
    with pytest.raises(ValueError, match="unique names"):
        lamina.Model(x, layers.Dense(2, name="d")(h))
