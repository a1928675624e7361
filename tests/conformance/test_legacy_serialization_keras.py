"""keras.utils.legacy / keras.legacy.saving against real Keras 3."""

import pytest

import lamina
from lamina.utils import legacy


class Inner:
    def __init__(self, rate=0.5):
        self.rate = rate

    def get_config(self):
        return {"rate": self.rate}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class Outer:
    def __init__(self, inner=None, name="outer", activation="relu"):
        self.inner, self.name, self.activation = inner, name, activation

    def get_config(self):
        return {"inner": self.inner, "name": self.name, "activation": self.activation}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def test_serialize_matches_keras(keras):
    obj = Outer(Inner(0.25))
    assert legacy.serialize_keras_object(obj) == \
        keras.utils.legacy.serialize_keras_object(obj)
    assert legacy.serialize_keras_object(len) == keras.utils.legacy.serialize_keras_object(len)
    assert legacy.serialize_keras_object(None) is None


def test_deserialize_matches_keras(keras):
    config = keras.utils.legacy.serialize_keras_object(Outer(Inner(0.25)))
    table = {"Outer": Outer, "Inner": Inner}
    for lib in (legacy, keras.utils.legacy):
        out = lib.deserialize_keras_object(config, module_objects=table)
        assert isinstance(out, Outer) and isinstance(out.inner, Inner)
        assert out.inner.rate == 0.25 and out.name == "outer"
        with pytest.raises(ValueError, match="Unknown object: 'Nope'"):
            lib.deserialize_keras_object({"class_name": "Nope", "config": {}})
        with pytest.raises(ValueError, match="Improper config"):
            lib.deserialize_keras_object({"class_name": "Inner"}, module_objects=table)


def test_registered_and_scoped_names_resolve():
    @lamina.saving.register_keras_serializable(package="legacy_test")
    class Registered(Inner):
        pass

    config = legacy.serialize_keras_object(Registered(0.1))
    assert config["class_name"] == "legacy_test>Registered"
    assert legacy.deserialize_keras_object(config).rate == 0.1
    with lamina.saving.custom_object_scope({"Scoped": Inner}):
        assert isinstance(legacy.deserialize_keras_object("Scoped"), Inner)
    # (Keras 3.15's own string lookup fails: it reads a registry attribute it no longer has)
    assert isinstance(legacy.deserialize_keras_object("Inner", module_objects={"Inner": Inner}),
                      Inner)
    assert legacy.deserialize_keras_object("len", module_objects={"len": len}) is len
    assert lamina.legacy.saving.deserialize_keras_object is legacy.deserialize_keras_object
