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
