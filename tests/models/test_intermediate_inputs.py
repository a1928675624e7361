"""A functional model whose inputs are tensors that layers produced (Keras' clone_graph_nodes):
each becomes a new Input named ``<tensor name>CLONE``; the original graph is left as it was."""

import numpy as np
import pytest

import lamina
from lamina import layers, saving


def graph():
    inputs = lamina.Input(shape=(3,), name="x")
    hidden = layers.Dense(4, name="hidden")(inputs)
    outputs = layers.Dense(2, name="head")(layers.Activation("relu", name="act")(hidden))
    return inputs, hidden, outputs


def test_a_layer_output_can_be_a_model_input():
    inputs, hidden, outputs = graph()
    full = lamina.Model(inputs, outputs)
    tail = lamina.Model(hidden, outputs)
    assert [layer.name for layer in tail.layers] == ["hiddenCLONE", "act", "head"]
    assert tail.input_shape == (None, 4) and tail.output_shape == (None, 2)
    x = np.random.default_rng(0).normal(size=(5, 3)).astype("float32")
    h = full.get_layer("hidden")(x)
    np.testing.assert_allclose(tail.predict(lamina.ops.convert_to_numpy(h), verbose=0),
                               full.predict(x, verbose=0), rtol=1e-6)
    # the full model still runs from its own Input, and is unchanged
    assert [layer.name for layer in full.layers] == ["x", "hidden", "act", "head"]
    assert full.predict(x, verbose=0).shape == (5, 2)


def test_mixed_inputs_train_and_round_trip(tmp_path):
    a = lamina.Input(shape=(2,), name="a")
    b = lamina.Input(shape=(2,), name="b")
    b_code = layers.Dense(3, name="code")(b)
    out = layers.Dense(1, name="out")(layers.Concatenate(name="cat")([a, b_code]))
    model = lamina.Model([a, b_code], out)
    assert [t.name for t in model.inputs] == ["a", "codeCLONE"]
    model.compile(optimizer="sgd", loss="mse")
    xa, xc = np.ones((8, 2), "float32"), np.ones((8, 3), "float32")
    model.fit([xa, xc], np.zeros((8, 1)), epochs=2, verbose=0)
    path = tmp_path / "m.keras"
    model.save(path)
    restored = saving.load_model(path)
    np.testing.assert_allclose(restored.predict([xa, xc], verbose=0),
                               model.predict([xa, xc], verbose=0), rtol=1e-6)


def test_an_output_not_reached_from_the_inputs_is_refused():
    inputs, hidden, outputs = graph()
    other = layers.Dense(4)(inputs)
    with pytest.raises(ValueError, match="depends on the input 'x'"):
        lamina.Model(other, outputs)
