"""clone_model as the guides use it: new layers, fresh weights, the same architecture."""

import numpy as np
import pytest

import lamina
from lamina import layers
from lamina.models import clone_model


def _teacher():
    return lamina.Sequential([lamina.Input((4,), name="pixels"), layers.Dense(8, activation="relu"),
                              layers.Dense(3)], name="teacher")


def test_distillation_student_predicts_like_teacher_and_trains_alone():
    teacher = _teacher()
    student = clone_model(teacher)
    x = np.random.default_rng(0).random((16, 4)).astype("float32")
    assert student.name == "teacher"
    assert [l.name for l in student.layers] == [l.name for l in teacher.layers]
    assert all(a is not b for a, b in zip(student.weights, teacher.weights))
    # fresh weights: a new initialization, not the teacher's values
    assert not np.allclose(student.layers[0].get_weights()[0], teacher.layers[0].get_weights()[0])
    student.set_weights(teacher.get_weights())
    np.testing.assert_allclose(student.predict(x, verbose=0), teacher.predict(x, verbose=0),
                               rtol=1e-6)
    before = [w.copy() for w in teacher.get_weights()]
    student.compile(optimizer="adam", loss="mse")
    student.fit(x, np.ones((16, 3)), epochs=2, verbose=0)
    for a, b in zip(before, teacher.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert not np.allclose(student.get_weights()[0], before[0])


def test_clone_keeps_input_layer_and_compile():
    teacher = _teacher()
    teacher.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    student = clone_model(teacher)
    assert student.compiled and student.optimizer is not teacher.optimizer
    assert type(student.optimizer).__name__ == "SGD"
    assert student.input_shape == (None, 4)
    assert student._input_layer.name == "pixels"
    assert student.evaluate(np.ones((2, 4)), np.ones((2, 3)), verbose=0)[0] >= 0


def test_functional_clone_keeps_shared_layers_shared():
    inp = lamina.Input((5,), name="x")
    shared = layers.Dense(4, name="shared")
    out = layers.Concatenate()([shared(inp), shared(layers.Dense(5)(inp))])
    model = lamina.Model(inp, out)
    clone = clone_model(model)
    assert [l.name for l in clone.layers] == [l.name for l in model.layers]
    assert clone.count_params() == model.count_params()
    assert clone.get_layer("shared") is not shared
    assert len(clone.get_layer("shared")._inbound_nodes) == 2
    clone.set_weights(model.get_weights())
    x = np.random.default_rng(1).random((3, 5)).astype("float32")
    np.testing.assert_allclose(clone.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)


def test_clone_function_and_call_function_are_applied():
    inp = lamina.Input((3,))
    model = lamina.Model(inp, layers.Dense(2, activation="relu", name="d")(layers.Dense(4)(inp)))

    def no_relu(layer):
        config = layer.get_config()
        if "activation" in config:
            config["activation"] = "linear"
        return type(layer).from_config(config)

    calls = []

    def record(layer, *args, **kwargs):
        calls.append(layer.name)
        return layer(*args, **kwargs)

    clone = clone_model(model, clone_function=no_relu, call_function=record)
    assert clone.get_layer("d").get_config()["activation"] == "linear"
    assert calls == [l.name for l in clone.layers[1:]]


def test_input_tensors_replace_the_inputs():
    model = _teacher()
    new_input = lamina.Input(batch_shape=(7, 4), name="fixed")
    clone = clone_model(model, input_tensors=new_input)
    assert clone.input_shape == (7, 4)
    fmodel = lamina.Model(model.inputs, model.outputs)
    fclone = clone_model(fmodel, input_tensors=[lamina.Input(batch_shape=(2, 4))])
    assert fclone.input_shape == (2, 4)
    with pytest.raises(ValueError, match="same structure"):
        clone_model(fmodel, input_tensors=[lamina.Input((4,)), lamina.Input((4,))])
    with pytest.raises(ValueError, match="symbolic tensor"):
        clone_model(model, input_tensors=np.ones((2, 4)))


def test_recursive_clones_nested_models_layer_by_layer():
    inner = lamina.Sequential([lamina.Input((3,)), layers.Dense(3, name="inner_dense")],
                              name="inner")
    inp = lamina.Input((3,))
    outer = lamina.Model(inp, layers.Dense(1)(inner(inp)))
    seen = []

    def fn(layer):
        seen.append(layer.name)
        return type(layer).from_config(layer.get_config())

    clone_model(outer, clone_function=fn)
    assert "inner" in seen and "inner_dense" not in seen
    seen.clear()
    clone = clone_model(outer, clone_function=fn, recursive=True)
    assert "inner_dense" in seen and "inner" not in seen
    assert clone.get_layer("inner").layers[0] is not inner.layers[0]


def test_subclassed_model_clones_from_config_and_refuses_graph_arguments():
    @lamina.saving.register_keras_serializable(package="test_cloning")
    class Tiny(lamina.Model):
        def __init__(self, units=2, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.dense = layers.Dense(units)

        def call(self, x):
            return self.dense(x)

        def get_config(self):
            return {**super().get_config(), "units": self.units}

    model = Tiny(units=5)
    model(np.ones((1, 3), "float32"))
    clone = clone_model(model)
    assert type(clone) is Tiny and clone.units == 5 and clone is not model
    assert clone(np.ones((1, 3), "float32")).shape == (1, 5)
    with pytest.raises(ValueError, match="clone_function"):
        clone_model(model, clone_function=lambda l: l)
    with pytest.raises(ValueError, match="call_function"):
        clone_model(_teacher(), call_function=lambda l, *a: l(*a))
    with pytest.raises(ValueError, match="unexpected keyword"):
        clone_model(model, foo=1)


def test_clone_of_a_model_compiled_with_loss_and_metric_objects():
    model = _teacher()
    metric = lamina.metrics.SparseCategoricalAccuracy()
    model.compile(optimizer=lamina.optimizers.Adam(1e-2), metrics=[metric],
                  loss=lamina.losses.SparseCategoricalCrossentropy(from_logits=True))
    x, y = np.ones((4, 4), "float32"), np.array([0, 1, 2, 0])
    expected = model.evaluate(x, y, verbose=0)
    clone = clone_model(model)
    assert abs(float(clone.optimizer.learning_rate) - 1e-2) < 1e-9
    clone.set_weights(model.get_weights())
    np.testing.assert_allclose(clone.evaluate(x, y, verbose=0), expected, rtol=1e-6)
    assert all(m is not metric for m in clone.metrics)  # metrics hold state: new ones
