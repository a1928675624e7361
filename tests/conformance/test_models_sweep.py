"""Model API sweep: the same small models in lamina and Keras 3 must look the same to a user."""

import numpy as np
import pytest

import lamina


def floats(rng, *shape):
    return rng.normal(size=shape).astype("float32")


def _structure(x):
    """Container types and nesting of a result, with tensors replaced by their shapes."""
    if isinstance(x, (list, tuple)):
        return (type(x).__name__, [_structure(v) for v in x])
    if isinstance(x, dict):
        return {k: _structure(v) for k, v in x.items()}
    return tuple(np.asarray(x.detach() if hasattr(x, "detach") else x).shape)


def _tuple_model(lib):
    i = lib.Input((3,), name="x")
    a = lib.layers.Dense(2, name="a")(i)
    b = lib.layers.Dense(4, name="b")(i)
    return lib.Model(i, (a, b), name="tup")


def _both(keras, build):
    return build(keras), build(lamina)


# -- tuple outputs --------------------------------------------------------------------------


def test_tuple_outputs_are_tuples(keras, rng):
    mk, ml = _both(keras, _tuple_model)
    x = floats(rng, 2, 3)
    for what in ("call", "predict", "predict_on_batch"):
        run = {"call": lambda m: m(x), "predict": lambda m: m.predict(x, verbose=0),
               "predict_on_batch": lambda m: m.predict_on_batch(x)}[what]
        assert _structure(run(ml)) == _structure(run(mk)), what
    assert type(ml.output) is type(mk.output)
    assert ml.compute_output_shape((None, 3)) == mk.compute_output_shape((None, 3))
    assert ml.output_shape == mk.output_shape


def test_tuple_outputs_config_round_trip(keras, rng):
    mk, ml = _both(keras, _tuple_model)
    x = floats(rng, 2, 3)
    ck, cl = mk.get_config(), ml.get_config()
    assert cl["output_layers"] == ck["output_layers"]
    assert type(cl["output_layers"]) is type(ck["output_layers"])
    rk, rl = keras.Model.from_config(ck), lamina.Model.from_config(cl)
    assert _structure(rl(x)) == _structure(rk(x))


def test_tuple_outputs_keras_file(keras, rng, tmp_path):
    mk, ml = _both(keras, _tuple_model)
    ml.set_weights(mk.get_weights())
    x = floats(rng, 2, 3)
    mk.save(tmp_path / "k.keras")
    ml.save(tmp_path / "l.keras")
    from_k = keras.models.load_model(tmp_path / "k.keras")
    for path in ("k.keras", "l.keras"):
        loaded = lamina.models.load_model(tmp_path / path)
        got, want = loaded(x), from_k(x)
        assert _structure(got) == _structure(want), path
        for g, w in zip(got, want):
            np.testing.assert_allclose(g.detach().numpy(), w.detach().numpy(), atol=1e-6)


def test_single_element_tuple_and_list(keras, rng):
    x = floats(rng, 2, 3)
    for wrap in (tuple, list):
        def build(lib, wrap=wrap):
            i = lib.Input((3,), name="x")
            return lib.Model(i, wrap([lib.layers.Dense(2, name="a")(i)]))

        mk, ml = _both(keras, build)
        assert _structure(ml(x)) == _structure(mk(x))
        assert ml.compute_output_shape((None, 3)) == mk.compute_output_shape((None, 3))
        assert ml.output_shape == mk.output_shape


def test_nested_tuple_in_dict_outputs_round_trip(keras, rng):
    def build(lib):
        i = lib.Input((3,), name="x")
        return lib.Model(i, {"p": (lib.layers.Dense(2, name="a")(i),
                                   lib.layers.Dense(1, name="b")(i))})

    mk, ml = _both(keras, build)
    x = floats(rng, 2, 3)
    assert _structure(ml(x)) == _structure(mk(x))
    rk = keras.Model.from_config(mk.get_config())
    rl = lamina.Model.from_config(ml.get_config())
    assert _structure(rl(x)) == _structure(rk(x))


# -- summary --------------------------------------------------------------------------------


def _summary_models(lib):
    seq = lib.Sequential([lib.Input((5,)), lib.layers.Dense(3, name="d1"),
                          lib.layers.BatchNormalization(name="bn"),
                          lib.layers.Dense(2, name="d2")], name="seq")
    a = lib.Input((4,), name="a_very_long_input_name_for_wrapping")
    b = lib.Input((3,), name="b")
    c = lib.layers.Concatenate(name="cat")([a, b])
    two = lib.Model([a, b], [lib.layers.Dense(2, name="out")(c),
                             lib.layers.Dense(1, name="out2")(c)], name="two")
    inner = lib.Sequential([lib.Input((4,)), lib.layers.Dense(3, name="i1"),
                            lib.layers.Dense(3, name="i2")], name="inner")
    x = lib.Input((4,), name="x")
    y = inner(x)
    nested = lib.Model(x, lib.layers.Dense(1, name="head")(y), name="outer")
    tup = lib.Model(x, (y, nested.layers[-1].output), name="tup")
    i = lib.Input((3,), name="i")
    shared = lib.layers.Dense(3, name="shared")
    sh = lib.Model(i, shared(shared(i)), name="sh")
    unbuilt = lib.Sequential([lib.layers.Dense(3, name="u1")], name="unbuilt")
    return {"seq": seq, "two": two, "nested": nested, "tup": tup, "sh": sh, "unbuilt": unbuilt}


@pytest.mark.parametrize("columns", ["100", "60"])
def test_summary_text(keras, monkeypatch, columns):
    monkeypatch.setenv("COLUMNS", columns)
    models_k, models_l = _both(keras, _summary_models)
    models_k["seq"].layers[0].trainable = False
    models_l["seq"].layers[0].trainable = False
    options = [{}, {"show_trainable": True}, {"expand_nested": True},
               {"expand_nested": True, "show_trainable": True}, {"line_length": 70}]
    for name in models_k:
        for kw in options:
            got, want = [], []
            models_l[name].summary(print_fn=got.append, **kw)
            models_k[name].summary(print_fn=want.append, **kw)
            assert len(got) == len(want) == 1, "Keras calls print_fn once with the whole table"
            assert got[0].splitlines() == want[0].splitlines(), (name, kw)
            assert got[0] == want[0]


def test_summary_layer_range_and_optimizer(keras, rng, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")

    def build(lib):
        m = lib.Sequential([lib.Input((2,)), lib.layers.Dense(3, name="x1"),
                            lib.layers.Dense(1, name="x2"), lib.layers.Dense(1, name="x3")],
                           name="ranged")
        m.compile("adam", "mse")
        return m

    mk, ml = _both(keras, build)
    x, y = floats(rng, 4, 2), floats(rng, 4, 1)
    mk.fit(x, y, verbose=0)
    ml.fit(x, y, verbose=0)
    for kw in ({}, {"layer_range": ("x2", "x3")}):
        got, want = [], []
        ml.summary(print_fn=got.append, **kw)
        mk.summary(print_fn=want.append, **kw)
        assert got == want, kw


def test_summary_stdout(keras, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    mk, ml = _both(keras, lambda lib: _summary_models(lib)["two"])
    want = []
    mk.summary(print_fn=want.append)
    ml.summary()
    assert capsys.readouterr().out == want[0]


# -- attributes and errors ------------------------------------------------------------------


def _error(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001
        return type(e).__name__, str(e)
    return None


def test_get_layer_errors(keras):
    def build(lib):
        return lib.Sequential([lib.Input((5,)), lib.layers.Dense(3, name="d1"),
                               lib.layers.Dense(2, name="d2")], name="seq")

    mk, ml = _both(keras, build)
    calls = [lambda m: m.get_layer("zz"), lambda m: m.get_layer(index=9),
             lambda m: m.get_layer(), lambda m: m.get_layer("d1", 1)]
    for call in calls:
        assert _error(lambda c=call: c(ml)) == _error(lambda c=call: c(mk))
    assert ml.get_layer(index=-1).name == mk.get_layer(index=-1).name


def test_functional_attributes(keras):
    def build(lib):
        a = lib.Input((4,), name="a")
        b = lib.Input((3,), name="b")
        c = lib.layers.Concatenate(name="cat")([a, b])
        return lib.Model([a, b], [lib.layers.Dense(2, name="out")(c)], name="f")

    mk, ml = _both(keras, build)
    assert ml.output_names == mk.output_names
    shapes = [(None, 4), (None, 3)]
    assert ml.compute_output_shape(shapes) == mk.compute_output_shape(shapes)
    assert _error(lambda: setattr(ml, "layers", [])) == _error(lambda: setattr(mk, "layers", []))


def test_unbuilt_sequential_inputs(keras):
    mk, ml = _both(keras, lambda lib: lib.Sequential([lib.layers.Dense(2)], name="s"))
    assert _error(lambda: ml.inputs) == _error(lambda: mk.inputs)
    assert _error(lambda: ml.outputs) == _error(lambda: mk.outputs)
    assert hasattr(ml, "inputs") == hasattr(mk, "inputs")
