"""keras.utils helpers for custom steps and graphs, against real Keras 3."""

import numpy as np
import pytest

import lamina
from lamina import utils
from lamina.compat import backend as K


@pytest.mark.parametrize("data", ["x", ("x",), ["x", "y"], ("x", "y", "w")])
def test_unpack_matches_keras(keras, data):
    assert utils.unpack_x_y_sample_weight(data) == keras.utils.unpack_x_y_sample_weight(data)


def test_unpack_refuses_four(keras):
    with pytest.raises(ValueError):
        keras.utils.unpack_x_y_sample_weight((1, 2, 3, 4))
    with pytest.raises(ValueError, match="sample_weight"):
        utils.unpack_x_y_sample_weight((1, 2, 3, 4))


@pytest.mark.parametrize("args", [("x",), (("a", "b"),), ("x", "y"), ("x", "y", "w"),
                                  (["a"], None, "w")])
def test_pack_matches_keras(keras, args):
    assert utils.pack_x_y_sample_weight(*args) == keras.utils.pack_x_y_sample_weight(*args)


def test_config_behaves_like_keras(keras):
    for lib in (utils, keras.utils):
        c = lib.Config(b=1, a=2)
        c.c = 3
        c["d"] = 4
        assert list(c) == ["a", "b", "c", "d"] and len(c) == 4 and "a" in c
        assert c.as_dict() == {"b": 1, "a": 2, "c": 3, "d": 4}
        assert c.to_json() == '{"b": 1, "a": 2, "c": 3, "d": 4}'
        with pytest.raises(AttributeError, match="Did you mean 'units'"):
            _ = lib.Config(units=1).unit
        c.freeze()
        assert c.frozen
        for mutate in (lambda c: setattr(c, "e", 1), lambda c: c.update(e=1),
                       lambda c: c.pop("a"), lambda c: c.__setitem__("e", 1),
                       lambda c: c.__delitem__("a")):
            with pytest.raises(ValueError, match="frozen"):
                mutate(c)
        c.unfreeze()
        c.e = 5
        assert c.get("e") == 5 and c.get("zz", 0) == 0


def test_get_source_inputs_like_keras(keras):
    results = []
    for lib in (lamina, keras):
        a, b = lib.Input((2,), name="a"), lib.Input((2,), name="b")
        h = lib.layers.Dense(2)(b)
        y = lib.layers.Concatenate()([lib.layers.Add()([h, a]), b])
        results.append([t.name for t in lib.utils.get_source_inputs(y)])
    assert results[0] == results[1]


def test_clear_session_and_get_uid_name_layers_like_keras(keras):
    names = []
    for lib, backend in ((lamina, K), (keras, keras.backend)):
        lib.utils.clear_session()
        first = lib.layers.Dense(1).name
        uid = backend.get_uid("dense")
        after = lib.layers.Dense(1).name
        backend.clear_session()
        names.append((first, uid, after, lib.layers.Dense(1).name))
    assert names[0] == names[1] == ("dense", 2, "dense_2", "dense")


def test_is_keras_tensor_and_standardize_dtype(keras):
    assert utils.is_keras_tensor(lamina.Input((2,)))
    assert not utils.is_keras_tensor(np.ones(2))
    assert utils.standardize_dtype(None) == keras.utils.standardize_dtype(None) == "float32"
