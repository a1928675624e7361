"""Files written by lamina load in real Keras 3 and the other way round, with equal outputs."""

import os
import tempfile

os.environ["KERAS_BACKEND"] = "torch"
os.environ.setdefault("KERAS_HOME", tempfile.mkdtemp(prefix="lamina_keras_home_"))

import numpy as np
import pytest

keras = pytest.importorskip("keras")

import lamina
import lamina.saving
from lamina import layers, saving

RTOL = 1e-5


@pytest.fixture
def x():
    return np.random.default_rng(0).random((8, 4), dtype=np.float32)


def _close(a, b):
    a = a if isinstance(a, (list, tuple)) else [a]
    b = b if isinstance(b, (list, tuple)) else [b]
    assert len(a) == len(b)
    for u, v in zip(a, b):
        np.testing.assert_allclose(np.asarray(u), np.asarray(v), rtol=RTOL, atol=1e-6)


def _lamina_models():
    seq = lamina.Sequential([lamina.Input((4,)), layers.Dense(8, activation="relu"),
                             layers.Dropout(0.1), layers.Dense(1)], name="seq")
    a, b = lamina.Input((4,), name="a"), lamina.Input((2,), name="b")
    h = layers.Dense(6, activation="tanh", name="h")(a)
    mid = layers.Dense(5, name="mid")(h)
    out1 = layers.Dense(1, name="out1")(mid)
    out2 = layers.Dense(2, activation="softmax", name="out2")(h)
    func = lamina.Model([a, b], [out1, out2], name="func")
    inner = lamina.Sequential([lamina.Input((4,)), layers.Dense(3, activation="relu")],
                              name="inner")
    i = lamina.Input((4,), name="i")
    nested = lamina.Model(i, layers.Dense(2, name="top")(inner(i)), name="nested")
    return {"seq": seq, "func": func, "nested": nested}


def _inputs(name, x):
    return [x, x[:, :2]] if name == "func" else x


@pytest.mark.parametrize("name", ["seq", "func", "nested"])
def test_lamina_keras_file_loads_in_keras(tmp_path, x, name):
    model = _lamina_models()[name]
    path = tmp_path / f"{name}.keras"
    model.save(path)
    theirs = keras.saving.load_model(path)
    _close(theirs.predict(_inputs(name, x), verbose=0), model.predict(_inputs(name, x), verbose=0))


@pytest.mark.parametrize("name", ["seq", "func", "nested"])
def test_lamina_weights_file_loads_in_keras(tmp_path, x, name):
    model = _lamina_models()[name]
    model.save_weights(tmp_path / "w.weights.h5")
    model.save(tmp_path / "arch.keras")
    theirs = keras.saving.load_model(tmp_path / "arch.keras")
    for v in theirs.weights:  # scramble, so the weights file must do the work
        v.assign(np.zeros(v.shape, v.dtype))
    theirs.load_weights(tmp_path / "w.weights.h5")
    _close(theirs.predict(_inputs(name, x), verbose=0), model.predict(_inputs(name, x), verbose=0))


def _keras_models():
    seq = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"),
                            keras.layers.Dense(1)], name="seq")
    a, b = keras.Input((4,), name="a"), keras.Input((2,), name="b")
    h = keras.layers.Dense(6, activation="tanh", name="h")(a)
    mid = keras.layers.Dense(5, name="mid")(h)
    out1 = keras.layers.Dense(1, name="out1")(mid)
    out2 = keras.layers.Dense(2, activation="softmax", name="out2")(h)
    func = keras.Model([a, b], [out1, out2], name="func")
    inner = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="relu")],
                             name="inner")
    i = keras.Input((4,), name="i")
    nested = keras.Model(i, keras.layers.Dense(2, name="top")(inner(i)), name="nested")
    return {"seq": seq, "func": func, "nested": nested}


@pytest.mark.parametrize("name", ["seq", "func", "nested"])
def test_keras_file_loads_in_lamina(tmp_path, x, name):
    model = _keras_models()[name]
    model.save(tmp_path / f"{name}.keras")
    ours = saving.load_model(tmp_path / f"{name}.keras")
    _close(ours.predict(_inputs(name, x), verbose=0), model.predict(_inputs(name, x), verbose=0))
    model.save_weights(tmp_path / "w.weights.h5")
    ours2 = saving.load_model(tmp_path / f"{name}.keras")
    for v in ours2.weights:
        v.assign(np.zeros(tuple(v.shape), np.float32))
    ours2.load_weights(tmp_path / "w.weights.h5")
    _close(ours2.predict(_inputs(name, x), verbose=0), model.predict(_inputs(name, x), verbose=0))


def test_trained_lamina_model_resumes_in_keras(tmp_path, x):
    y = x.sum(axis=1, keepdims=True)
    model = _lamina_models()["seq"]
    model.compile(lamina.optimizers.Adam(0.01), "mse", metrics=["mae"])
    model.fit(x, y, epochs=2, batch_size=4, verbose=0)
    model.save(tmp_path / "t.keras")
    theirs = keras.saving.load_model(tmp_path / "t.keras")
    assert int(theirs.optimizer.iterations.numpy()) == 4
    ours = [v.numpy() for v in model.optimizer.variables]
    keras_vars = [np.asarray(v.numpy()) for v in theirs.optimizer.variables]
    assert len(ours) == len(keras_vars)
    for a, b in zip(ours, keras_vars):
        np.testing.assert_allclose(a, b)


def test_trained_keras_model_resumes_in_lamina(tmp_path, x):
    y = x.sum(axis=1, keepdims=True)
    model = _keras_models()["seq"]
    model.compile(keras.optimizers.Adam(0.01), "mse", metrics=["mae"])
    model.fit(x, y, epochs=2, batch_size=4, verbose=0)
    model.save(tmp_path / "t.keras")
    ours = saving.load_model(tmp_path / "t.keras")
    assert ours.compiled and int(ours.optimizer.iterations.numpy()) == 4
    for a, b in zip(model.optimizer.variables, ours.optimizer.variables):
        np.testing.assert_allclose(np.asarray(a.numpy()), b.numpy())
    # one more identical epoch on both sides: same weights after the step
    model.fit(x, y, epochs=1, batch_size=8, shuffle=False, verbose=0)
    ours.fit(x, y, epochs=1, batch_size=8, shuffle=False, verbose=0)
    _close(ours.predict(x, verbose=0), model.predict(x, verbose=0))


def test_keras_legacy_h5_loads_in_lamina(tmp_path, x):
    model = _keras_models()["func"]
    model.compile("adam", loss="mse")
    model.fit([x, x[:, :2]], [x[:, :1], x[:, :2]], epochs=1, verbose=0)
    model.save(tmp_path / "k.h5")
    ours = saving.load_model(tmp_path / "k.h5")
    _close(ours.predict([x, x[:, :2]], verbose=0), model.predict([x, x[:, :2]], verbose=0))
    fresh = saving.load_model(tmp_path / "k.h5", compile=False)
    fresh.load_weights(tmp_path / "k.h5", by_name=True)
    _close(fresh.predict([x, x[:, :2]], verbose=0), model.predict([x, x[:, :2]], verbose=0))


@pytest.mark.parametrize("name", ["seq", "func", "nested"])
def test_lamina_legacy_h5_loads_in_keras(tmp_path, x, name):
    model = _lamina_models()[name]
    # Keras 3.15 cannot rebuild a string loss from a legacy file; a Loss object works
    model.compile("adam", loss=lamina.losses.MeanSquaredError())
    model.save(tmp_path / "l.h5")
    theirs = keras.saving.load_model(tmp_path / "l.h5")
    _close(theirs.predict(_inputs(name, x), verbose=0), model.predict(_inputs(name, x), verbose=0))


def _subclassed(lib):
    class Sub(lib.Model):
        def __init__(self):
            super().__init__()
            self.hidden = lib.layers.Dense(4)
            self.blocks = [lib.layers.Dense(3), lib.layers.Dense(2)]
            self.out = lib.layers.Dense(1)

        def call(self, inputs):
            h = self.hidden(inputs)
            for block in self.blocks:
                h = block(h)
            return self.out(h)

    return Sub()


def test_subclassed_weights_both_ways(tmp_path, x):
    theirs, ours = _subclassed(keras), _subclassed(lamina)
    theirs(x), ours(x)
    theirs.save_weights(tmp_path / "k.weights.h5")
    ours.load_weights(tmp_path / "k.weights.h5")
    _close(ours.predict(x, verbose=0), theirs.predict(x, verbose=0))
    ours2, theirs2 = _subclassed(lamina), _subclassed(keras)
    ours2(x), theirs2(x)
    ours2.save_weights(tmp_path / "l.weights.h5")
    theirs2.load_weights(tmp_path / "l.weights.h5")
    _close(theirs2.predict(x, verbose=0), ours2.predict(x, verbose=0))
