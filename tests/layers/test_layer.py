"""The Layer base: weights, names, trainable, losses, config, symbolic calls."""

import numpy as np
import pytest

import lamina
from lamina import layers, ops


class Scale(layers.Layer):
    def __init__(self, units=3, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="w")
        self.count = self.add_weight(shape=(), initializer="zeros", trainable=False, name="count")

    def call(self, x):
        return x * self.w

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def test_unique_names_follow_keras():
    a, b = layers.Dense(2), layers.Dense(2)
    assert a.name.startswith("dense") and b.name.startswith("dense")
    assert a.name != b.name
    assert layers.Dense(1, name="head").name == "head"


def test_build_on_first_call_and_weight_lists():
    layer = Scale()
    assert not layer.built
    out = layer(ops.ones((2, 4)))
    assert layer.built
    assert tuple(out.shape) == (2, 4)
    assert [w.name for w in layer.weights] == ["w", "count"]
    assert [w.name for w in layer.trainable_weights] == ["w"]
    assert [w.name for w in layer.non_trainable_weights] == ["count"]
    assert layer.weights[0].path == f"{layer.name}/w"
    assert layer.count_params() == 5


def test_freezing_moves_weights_to_non_trainable():
    layer = layers.Dense(3)
    layer(ops.ones((1, 2)))
    layer.trainable = False
    assert layer.trainable_weights == []
    assert len(layer.non_trainable_weights) == 2
    layer.trainable = True
    assert len(layer.trainable_weights) == 2


def test_layer_is_a_torch_module_with_parameters():
    layer = layers.Dense(3)
    layer(ops.ones((1, 2)))
    params = list(layer.parameters())
    assert len(params) == 2
    assert {tuple(p.shape) for p in params} == {(2, 3), (3,)}


def test_get_and_set_weights_round_trip_and_errors():
    layer = layers.Dense(3)
    layer(ops.ones((1, 2)))
    kernel = np.arange(6, dtype="float32").reshape(2, 3)
    layer.set_weights([kernel, np.ones(3, "float32")])
    got = layer.get_weights()
    np.testing.assert_array_equal(got[0], kernel)
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(3, 2\)"):
        layer.set_weights([kernel.T, np.ones(3)])
    with pytest.raises(ValueError, match="length 1, but the layer was expecting 2 weights"):
        layer.set_weights([kernel])


def test_count_params_before_build_is_refused():
    with pytest.raises(ValueError, match="isn't built"):
        layers.Dense(3).count_params()


def test_add_loss_and_regularizers_are_collected():
    class WithLoss(layers.Layer):
        def call(self, x):
            self.add_loss(ops.sum(x))
            return x

    layer = WithLoss()
    layer(ops.ones((2, 2)))
    assert float(layer.losses[0]) == 4.0
    dense = layers.Dense(2, kernel_regularizer=lamina.regularizers.L2(0.5))
    dense(ops.ones((1, 2)))
    kernel = dense.get_weights()[0]
    assert float(dense.losses[0]) == pytest.approx(0.5 * float((kernel**2).sum()), rel=1e-6)


def test_training_flag_reaches_nested_layers():
    seen = []

    class Probe(layers.Layer):
        def call(self, x, training=None):
            seen.append(training)
            return x

    model = lamina.Sequential([layers.Input(shape=(2,)), Probe()])
    seen.clear()
    model(ops.ones((1, 2)), training=True)
    model(ops.ones((1, 2)), training=False)
    model(ops.ones((1, 2)))
    assert seen == [True, False, None]


def test_config_round_trip():
    layer = Scale(units=7, name="scaler", trainable=False)
    clone = Scale.from_config(layer.get_config())
    assert clone.name == "scaler" and clone.units == 7 and clone.trainable is False


def test_symbolic_call_computes_shapes_without_data():
    x = lamina.Input(shape=(5,))
    y = Scale()(x)
    assert y.shape == (None, 5)
    z = layers.Dense(4)(y)
    assert z.shape == (None, 4)
    assert z.keras_history[0].name.startswith("dense")


def test_input_spec_mismatch_names_layer_and_shapes():
    dense = layers.Dense(3)
    dense(ops.ones((1, 4)))
    with pytest.raises(ValueError, match=r"layer '" + dense.name + r"'.*value 4.*\(2, 5\)"):
        dense(ops.ones((2, 5)))


def test_numpy_inputs_are_accepted():
    out = layers.Dense(2)(np.ones((3, 4), dtype="float32"))
    assert tuple(out.shape) == (3, 2)


def test_float64_numpy_inputs_come_in_the_compute_dtype():
    # Keras' policy casts float arrays; scaled NumPy data is float64 (a custom training loop)
    x = np.random.rand(4, 3)
    assert ops.convert_to_numpy(layers.Dense(2)(x)).dtype == np.float32
    model = lamina.Sequential([layers.Dense(2)])
    assert ops.convert_to_numpy(model(x)).dtype == np.float32
    assert ops.convert_to_numpy(layers.Dense(2, dtype="float64")(x)).dtype == np.float64
    ints = np.arange(6).reshape(2, 3)
    assert ops.convert_to_numpy(layers.Embedding(10, 2)(ints)).dtype == np.float32
