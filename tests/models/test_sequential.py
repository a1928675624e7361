"""Sequential: the ways to give the input shape, add/pop, summary, weights, JSON."""

import json

import numpy as np
import pytest

import lamina
from lamina import layers


def test_input_shape_on_first_layer_builds_at_once():
    model = lamina.Sequential([layers.Dense(8, input_shape=(4,)), layers.Dense(1)])
    assert model.built
    assert model.input_shape == (None, 4)
    assert model.output_shape == (None, 1)
    assert model.count_params() == 4 * 8 + 8 + 8 + 1


@pytest.mark.parametrize("first", [
    lambda: layers.Dense(8, input_dim=4),
    lambda: layers.Dense(8, batch_input_shape=(None, 4)),
])
def test_keras2_input_spellings(first):
    model = lamina.Sequential([first(), layers.Dense(2)])
    assert model.input_shape == (None, 4)


def test_input_layer_first_and_add_pop():
    model = lamina.Sequential()
    model.add(lamina.Input(shape=(3,)))
    model.add(layers.Dense(5))
    model.add(layers.Dense(2))
    assert [l.__class__.__name__ for l in model.layers] == ["Dense", "Dense"]
    assert model.output_shape == (None, 2)
    popped = model.pop()
    assert isinstance(popped, layers.Dense)
    assert model.output_shape == (None, 5)


def test_deferred_build_from_first_data():
    model = lamina.Sequential([layers.Dense(4), layers.Dense(1)])
    assert not model.built
    out = model(np.ones((2, 6), "float32"))
    assert tuple(out.shape) == (2, 1)
    assert model.built and model.input_shape == (None, 6)


def test_add_refuses_non_layers_and_duplicate_names():
    model = lamina.Sequential()
    with pytest.raises(TypeError, match="expected a Layer"):
        model.add("dense")
    model.add(layers.Dense(2, name="same", input_shape=(2,)))
    with pytest.raises(ValueError, match="unique names"):
        model.add(layers.Dense(2, name="same"))


def test_summary_prints_keras_table():
    model = lamina.Sequential([layers.Input(shape=(784,)), layers.Dense(512, activation="relu"),
                               layers.Dense(10, activation="softmax")], name="mlp")
    lines = []
    model.summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert 'Model: "mlp"' in text
    assert "(None, 512)" in text and "401,920" in text and "5,130" in text
    assert "Total params: 407,050 (1.55 MB)" in text
    assert "Trainable params: 407,050" in text
    assert "Non-trainable params: 0 (0.00 B)" in text


def test_weights_round_trip_and_json():
    model = lamina.Sequential([layers.Dense(3, input_shape=(2,), activation="tanh"),
                               layers.Dense(1)])
    weights = [np.random.default_rng(0).normal(size=w.shape).astype("float32")
               for w in model.get_weights()]
    model.set_weights(weights)
    config = json.loads(model.to_json())
    assert config["class_name"] == "Sequential"
    assert config["config"]["layers"][0]["class_name"] == "InputLayer"
    assert config["config"]["layers"][0]["config"]["batch_shape"] == [None, 2]
    clone = lamina.models.model_from_json(model.to_json())
    clone.set_weights(model.get_weights())
    x = np.random.default_rng(1).normal(size=(4, 2)).astype("float32")
    np.testing.assert_allclose(clone.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-6)
    assert clone.layers[0].activation is lamina.activations.tanh


def test_get_layer():
    model = lamina.Sequential([layers.Dense(3, input_shape=(2,), name="a"), layers.Dense(1, name="b")])
    assert model.get_layer("b") is model.layers[1]
    assert model.get_layer(index=0).name == "a"
    with pytest.raises(ValueError, match="No such layer"):
        model.get_layer("c")


def test_model_is_a_torch_module():
    model = lamina.Sequential([layers.Dense(3, input_shape=(2,)), layers.Dense(1)])
    assert len(list(model.parameters())) == 4
    assert len(model.state_dict()) >= 4


def test_a_model_as_first_layer_builds_the_stack_and_freezes():
    # DLwP's `model.add(conv_base); ...; conv_base.trainable = False` (Keras builds on the
    # first model's input shape, so the Dense weights exist right away)
    import lamina
    from lamina import layers

    base = lamina.Sequential([lamina.Input((8, 8, 3)), layers.Conv2D(4, 3), layers.Conv2D(4, 3)])
    model = lamina.Sequential()
    model.add(base)
    model.add(layers.Flatten())
    model.add(layers.Dense(6, activation="relu"))
    model.add(layers.Dense(1))
    assert model.built and len(model.trainable_weights) == 8
    base.trainable = False
    assert len(model.trainable_weights) == 4
    assert model.output_shape == (None, 1)


def test_the_same_layer_twice_shares_its_weights():
    # Géron ch. 12: Sequential([..., block1, block1, block1, ...])
    import numpy as np

    import lamina
    from lamina import layers

    shared = layers.Dense(3, kernel_initializer="ones", bias_initializer="zeros")
    model = lamina.Sequential([lamina.Input((3,)), shared, shared, layers.Dense(1)])
    assert [l.name for l in model.layers][:2] == [shared.name, shared.name]
    assert len(model.weights) == 4
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.ones((4, 3), "float32"), np.ones((4, 1), "float32"), epochs=1, verbose=0)
    (k, b), (k2, b2) = shared.get_weights(), model.layers[2].get_weights()
    x = np.ones((1, 3), "float32")
    np.testing.assert_allclose(model.predict(x, verbose=0), ((x @ k + b) @ k + b) @ k2 + b2,
                               rtol=1e-5)
