"""Keras 3's root names on lamina: variables, scopes, policies, devices, base classes."""

import numpy as np
import pytest

import lamina


def test_variable_from_initializer_or_value():
    v = lamina.Variable(initializer="ones", shape=(2, 3), dtype="float32", name="scale")
    assert isinstance(v, lamina.Variable) and v.trainable
    np.testing.assert_array_equal(v.numpy(), np.ones((2, 3)))
    assert v.name == "scale" and v.path == "scale"
    w = lamina.Variable(lamina.initializers.Zeros(), shape=(4,), trainable=False)
    assert w.name == "variable" and not w.trainable and w.numpy().sum() == 0
    assert str(lamina.Variable([1.0, 2.0]).dtype).endswith("float32")  # Python floats: floatx
    assert lamina.Variable(np.arange(3, dtype="int32")).numpy().dtype == np.int32
    v.assign(np.full((2, 3), 5.0))
    assert float(v.numpy()[0, 0]) == 5.0
    with pytest.raises(ValueError, match="shape"):
        lamina.Variable("ones")
    with pytest.raises(ValueError, match="aggregation"):
        lamina.Variable(1.0, aggregation="max")
    assert not isinstance(np.ones(2), lamina.Variable)


def test_name_scope_sets_variable_and_layer_paths():
    with lamina.name_scope("foo"):
        v = lamina.Variable(initializer="zeros", shape=(2,), name="w")
        dense = lamina.layers.Dense(1, name="d")
        dense.build((None, 2))
        with lamina.name_scope("bar"):
            inner = lamina.Variable(1.0)
    assert v.path == "foo/w"
    assert dense.kernel.path == "foo/d/kernel"
    assert inner.path == "foo/bar/variable"
    assert lamina.Variable(1.0).path == "variable"
    with pytest.raises(ValueError, match="name"):
        lamina.name_scope("a/b")


def test_device_scope_and_distribution():
    with lamina.device("cpu:0"):
        x = lamina.ops.ones((2,))
    assert str(x.device).startswith("cpu")
    with pytest.raises(ValueError, match="device_name"):
        lamina.device(0)
    assert lamina.distribution.list_devices("cpu") == ["cpu:0"]
    assert lamina.distribution.get_device_count("cpu") == 1
    assert lamina.distribution.get_device_count() >= 1


def test_dtype_policies_and_version():
    policy = lamina.dtype_policies.get("mixed_float16")
    assert (policy.compute_dtype, policy.variable_dtype) == ("float16", "float32")
    assert isinstance(lamina.FloatDTypePolicy("float32"), lamina.DTypePolicy)
    config = lamina.dtype_policies.serialize(lamina.DTypePolicy("bfloat16"))
    assert config == {"module": "keras", "class_name": "DTypePolicy",
                      "config": {"name": "bfloat16"}, "registered_name": None}
    assert lamina.dtype_policies.deserialize(config).name == "bfloat16"
    with pytest.raises(ValueError, match="class_name"):
        lamina.dtype_policies.deserialize({"class_name": "os.system"})
    assert lamina.version() == lamina.__version__
    layer = lamina.layers.Dense(2, dtype=lamina.dtype_policies.get("mixed_bfloat16"))
    assert layer.compute_dtype == "bfloat16"


def test_base_classes_are_the_ones_objects_derive_from():
    assert isinstance(lamina.losses.MeanSquaredError(), lamina.Loss)
    assert isinstance(lamina.metrics.Mean(), lamina.Metric)
    assert isinstance(lamina.optimizers.Adam(), lamina.Optimizer)
    assert isinstance(lamina.initializers.GlorotUniform(), lamina.Initializer)
    assert isinstance(lamina.regularizers.L2(), lamina.Regularizer)
    assert lamina.InputSpec(ndim=2).ndim == 2


def test_layers_serialize_and_deserialize_round_trip():
    layer = lamina.layers.Dense(3, activation="relu", name="head")
    config = lamina.layers.serialize(layer)
    assert config["class_name"] == "Dense" and config["module"] == "keras.layers"
    again = lamina.layers.deserialize(config)
    assert type(again) is lamina.layers.Dense and again is not layer
    assert again.get_config() == layer.get_config()
    with pytest.raises(ValueError, match="layer configuration"):
        lamina.layers.deserialize("Dense")


def test_remat_gives_the_same_values_and_gradients_in_training(monkeypatch):
    import torch.utils.checkpoint as checkpoint  # the test may look at the engine

    calls = []
    real = checkpoint.checkpoint
    monkeypatch.setattr(checkpoint, "checkpoint", lambda *a, **k: calls.append(1) or real(*a, **k))
    class Block(lamina.layers.Layer):
        def __init__(self, use_remat, **kwargs):
            super().__init__(**kwargs)
            self.dense = lamina.layers.Dense(4, activation="tanh")
            self.body = lamina.remat(self._body) if use_remat else self._body

        def _body(self, x):
            return self.dense(self.dense(x) * 1.5)

        def call(self, x):
            return self.body(x)

    results = []
    for use_remat in (False, True):
        lamina.utils.set_random_seed(3)
        model = lamina.Sequential([lamina.Input((4,)), Block(use_remat), lamina.layers.Dense(1)])
        model.compile(optimizer="sgd", loss="mse")
        x = np.random.default_rng(0).random((8, 4)).astype("float32")
        model.fit(x, np.ones((8, 1)), epochs=2, batch_size=4, verbose=0, shuffle=False)
        results.append(model.get_weights())
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-6)
    assert len(calls) == 4  # recomputed in each of the 4 training steps with remat
    with pytest.raises(TypeError, match="callable"):
        lamina.remat(3)


def test_function_runs_a_graph_of_ops_and_layers():
    a, b = lamina.Input((3,), name="a"), lamina.Input((3,), name="b")
    dense = lamina.layers.Dense(2, kernel_initializer="ones", bias_initializer="zeros")
    y = lamina.ops.add(a, dense(b)[:, :1])
    fn = lamina.Function([a, b], {"y": y, "z": a * 2.0}, name="fn")
    assert fn.name == "fn" and fn.inputs == [a, b]
    assert any(op is dense for op in fn.operations)
    out = fn([np.ones((2, 3), "float32"), np.ones((2, 3), "float32")])
    np.testing.assert_allclose(lamina.ops.convert_to_numpy(out["y"]), np.full((2, 3), 4.0))
    np.testing.assert_allclose(lamina.ops.convert_to_numpy(out["z"]), np.full((2, 3), 2.0))
    spec = fn.compute_output_spec([lamina.Input(batch_shape=(5, 3)),
                                   lamina.Input(batch_shape=(5, 3))])
    assert tuple(spec["y"].shape) == (5, 3)
