"""Ops called between layers are saved in Keras 3's own op form, so files go both ways.

Each case builds the same small functional model with lamina and with Keras (``f(ops, a, b)``
between two Dense layers and the output), then checks: lamina's file loads in Keras with equal
predictions, Keras' file loads in lamina with equal predictions, and lamina's file loads back
in lamina.
"""

import json
import os
import tempfile

os.environ["KERAS_BACKEND"] = "torch"
os.environ.setdefault("KERAS_HOME", tempfile.mkdtemp(prefix="lamina_keras_home_"))

import numpy as np
import pytest

keras = pytest.importorskip("keras")

import lamina
import lamina.saving

RTOL = 1e-5

CASES = {
    "add": lambda o, a, b: a + b,
    "add_scalar": lambda o, a, b: a + 2.0,
    "radd_scalar": lambda o, a, b: 2.0 + a,
    "add_fn": lambda o, a, b: o.add(a, b),
    "subtract": lambda o, a, b: a - b,
    "rsub_scalar": lambda o, a, b: 2.0 - a,
    "subtract_fn": lambda o, a, b: o.subtract(a, b),
    "multiply": lambda o, a, b: a * b,
    "rmul_scalar": lambda o, a, b: 3.0 * a,
    "multiply_fn": lambda o, a, b: o.multiply(a, b),
    "divide": lambda o, a, b: a / (o.abs(b) + 1.0),
    "rdiv_scalar": lambda o, a, b: 1.0 / (o.abs(a) + 1.0),
    "divide_fn": lambda o, a, b: o.divide(a, o.abs(b) + 1.0),
    "true_divide_fn": lambda o, a, b: o.true_divide(a, o.abs(b) + 1.0),
    "negative": lambda o, a, b: -a,
    "negative_fn": lambda o, a, b: o.negative(a),
    "matmul": lambda o, a, b: o.matmul(a, o.transpose(b, (0, 2, 1))),
    "matmul_operator": lambda o, a, b: a @ o.transpose(b, (0, 2, 1)),
    "power": lambda o, a, b: a ** 2,
    "maximum": lambda o, a, b: o.maximum(a, b),
    "minimum": lambda o, a, b: o.minimum(a, b),
    "concatenate": lambda o, a, b: o.concatenate([a, b], axis=-1),
    "concatenate_axis1": lambda o, a, b: o.concatenate([a, b, a], axis=1),
    "stack": lambda o, a, b: o.stack([a, b], axis=1),
    "mean": lambda o, a, b: o.mean(a, axis=1),
    "mean_keepdims": lambda o, a, b: o.mean(a, axis=(1, 2), keepdims=True),
    "sum": lambda o, a, b: o.sum(a, axis=-1),
    "sum_keepdims": lambda o, a, b: o.sum(a, axis=(1, 2), keepdims=True),
    "max": lambda o, a, b: o.max(a, axis=-1),
    "max_keepdims": lambda o, a, b: o.max(a, axis=1, keepdims=True),
    "min": lambda o, a, b: o.min(a, axis=(1, 2)),
    "reshape": lambda o, a, b: o.reshape(a, (-1, 12)),
    "transpose": lambda o, a, b: o.transpose(a, (0, 2, 1)),
    "expand_dims": lambda o, a, b: o.expand_dims(a, 1),
    "squeeze": lambda o, a, b: o.squeeze(o.expand_dims(a, 1), axis=1),
    "exp": lambda o, a, b: o.exp(a),
    "log": lambda o, a, b: o.log(o.abs(a) + 1.0),
    "sqrt": lambda o, a, b: o.sqrt(o.abs(a)),
    "square": lambda o, a, b: o.square(a),
    "abs": lambda o, a, b: o.abs(a),
    "tanh": lambda o, a, b: o.tanh(a),
    "sigmoid": lambda o, a, b: o.sigmoid(a),
    "relu": lambda o, a, b: o.relu(a),
    "softmax": lambda o, a, b: o.softmax(a),
    "softmax_axis1": lambda o, a, b: o.softmax(a, axis=1),
    "getitem_index": lambda o, a, b: a[:, 0],
    "getitem_int": lambda o, a, b: a[:, 1],
    "getitem_slices": lambda o, a, b: a[:, 1:3, ::2],
    "getitem_ellipsis_newaxis": lambda o, a, b: a[..., None, 0],
    "getitem_negative": lambda o, a, b: a[:, -1, 1:],
    "greater": lambda o, a, b: a > b,
    "greater_equal": lambda o, a, b: a >= b,
    "less": lambda o, a, b: a < b,
    "less_equal": lambda o, a, b: a <= b,
    "less_scalar": lambda o, a, b: o.less(a, 0.0),
    "equal": lambda o, a, b: o.equal(a, a),
    "not_equal": lambda o, a, b: o.not_equal(a, b),
    "chain": lambda o, a, b: o.mean(o.concatenate([a * b, -a], axis=-1)[:, 1:], axis=1) + 1.0,
}


@pytest.fixture
def x():
    return np.random.default_rng(0).normal(size=(5, 3, 4)).astype(np.float32)


def _model(lib, fn):
    inp = lib.Input((3, 4), name="x")
    a = lib.layers.Dense(4, name="a")(inp)
    b = lib.layers.Dense(4, name="b")(inp)
    return lib.Model(inp, fn(lib.ops, a, b))


def _close(got, want):
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape
    if want.dtype == bool or got.dtype == bool:
        np.testing.assert_array_equal(got, want)
    else:
        np.testing.assert_allclose(got, want, rtol=RTOL, atol=1e-6)


def _classes(model):
    return [entry["class_name"] for entry in model.get_config()["layers"]]


@pytest.mark.parametrize("case", sorted(CASES))
def test_lamina_file_loads_in_keras(case, x, tmp_path):
    model = _model(lamina, CASES[case])
    assert "OpLayer" not in _classes(model)
    path = str(tmp_path / "m.keras")
    model.save(path)
    want = model.predict(x, verbose=0)
    _close(keras.saving.load_model(path).predict(x, verbose=0), want)
    _close(lamina.saving.load_model(path).predict(x, verbose=0), want)


@pytest.mark.parametrize("case", sorted(CASES))
def test_keras_file_loads_in_lamina(case, x, tmp_path):
    model = _model(keras, CASES[case])
    path = str(tmp_path / "k.keras")
    model.save(path)
    want = model.predict(x, verbose=0)
    loaded = lamina.saving.load_model(path)
    assert "OpLayer" not in _classes(loaded)
    _close(loaded.predict(x, verbose=0), want)
    # and lamina writes it back in the same form
    again = str(tmp_path / "again.keras")
    loaded.save(again)
    _close(keras.saving.load_model(again).predict(x, verbose=0), want)


def test_same_config_as_keras():
    """The op nodes lamina writes match Keras' (class, module, op config)."""
    def ops_of(model):
        out = []
        for entry in model.get_config()["layers"]:
            if entry["class_name"] in ("InputLayer", "Dense"):
                continue
            cfg = {k: v for k, v in entry["config"].items() if k != "name"}
            out.append([entry["class_name"], entry["module"], entry["registered_name"], cfg])
        return sorted(json.loads(json.dumps(out)), key=repr)

    def fn(o, a, b):
        return [a + b, o.concatenate([a, b], axis=-1), o.mean(a, axis=1), a[:, 1:3, ::2],
                o.softmax(a, axis=1), o.max(a, axis=-1, keepdims=True), o.reshape(a, (-1, 12)),
                o.transpose(a, (0, 2, 1)), 2.0 - a, o.squeeze(o.expand_dims(a, 1), axis=1)]

    assert ops_of(_model(lamina, fn)) == ops_of(_model(keras, fn))


def test_unmapped_op_keeps_lamina_form(x, tmp_path):
    model = _model(lamina, lambda o, a, b: o.cumsum(a, axis=1) + b)
    assert "OpLayer" in _classes(model)
    path = str(tmp_path / "m.keras")
    model.save(path)
    _close(lamina.saving.load_model(path).predict(x, verbose=0), model.predict(x, verbose=0))


def test_weight_constant_stays_lamina_form(x, tmp_path):
    """An op on a real tensor (a constant) has no Keras op form; lamina keeps its own."""
    const = lamina.ops.convert_to_tensor(np.arange(4, dtype=np.float32))
    model = _model(lamina, lambda o, a, b: a + const)
    path = str(tmp_path / "m.keras")
    model.save(path)
    _close(lamina.saving.load_model(path).predict(x, verbose=0), model.predict(x, verbose=0))
