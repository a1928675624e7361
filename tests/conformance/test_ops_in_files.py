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
    # issue 11: these were engine-named op layers (OpLayer "torch.cumsum"), which Keras cannot
    # load; they are Keras' own op classes now
    "cumsum": lambda o, a, b: o.cumsum(a, axis=1),
    "cumprod": lambda o, a, b: o.cumprod(o.tanh(a), axis=-1),
    "cast_int": lambda o, a, b: o.cast(a * 3.0, "int32"),
    "cast_float16": lambda o, a, b: o.cast(a, "float16"),
    "cast_bool": lambda o, a, b: o.cast(o.cast(a > 0, "float32") + b, "float32"),
    "argmax": lambda o, a, b: o.argmax(a, axis=-1),
    "argmin_keepdims": lambda o, a, b: o.argmin(a, axis=1, keepdims=True),
    "argsort": lambda o, a, b: o.argsort(a, axis=-1),
    "where": lambda o, a, b: o.where(a > b, a, b),
    "where_scalar": lambda o, a, b: o.where(a > 0, a, 0.0),
    "clip": lambda o, a, b: o.clip(a, -0.5, 0.5),
    "relu6": lambda o, a, b: o.relu6(a * 4.0),
    "split": lambda o, a, b: o.split(a, 2, axis=-1)[1],
    "split_indices": lambda o, a, b: o.split(a, [1, 3], axis=-1)[1],
    "top_k_values": lambda o, a, b: o.top_k(a, 2)[0],
    "top_k_indices": lambda o, a, b: o.top_k(a, 2)[1],
    "logical_and": lambda o, a, b: o.logical_and(a > 0, b > 0),
    "logical_or": lambda o, a, b: o.logical_or(a > 0, b > 0),
    "logical_xor": lambda o, a, b: o.logical_xor(a > 0, b > 0),
    "logical_not": lambda o, a, b: o.logical_not(a > 0),
    "and_operator": lambda o, a, b: (a > 0) & (b > 0),
    "or_operator": lambda o, a, b: (a > 0) | (b > 0),
    "xor_operator": lambda o, a, b: (a > 0) ^ (b > 0),
    "invert_operator": lambda o, a, b: ~(a > 0),
    "any": lambda o, a, b: o.any(a > 0, axis=1),
    "all": lambda o, a, b: o.all(a > -1, axis=-1),
    "prod": lambda o, a, b: o.prod(a, axis=1),
    "std": lambda o, a, b: o.std(a, axis=1),
    "var": lambda o, a, b: o.var(a, axis=-1, keepdims=True),
    "logsumexp": lambda o, a, b: o.logsumexp(a, axis=-1),
    "norm": lambda o, a, b: o.norm(a, axis=-1),
    "normalize": lambda o, a, b: o.normalize(a),
    "ceil": lambda o, a, b: o.ceil(a * 3.0),
    "floor": lambda o, a, b: o.floor(a * 3.0),
    "round": lambda o, a, b: o.round(a * 3.0),
    "sign": lambda o, a, b: o.sign(a),
    "sin": lambda o, a, b: o.sin(a),
    "cos": lambda o, a, b: o.cos(a),
    "erf": lambda o, a, b: o.erf(a),
    "log1p": lambda o, a, b: o.log1p(o.abs(a)),
    "expm1": lambda o, a, b: o.expm1(a),
    "reciprocal": lambda o, a, b: o.reciprocal(o.abs(a) + 1.0),
    "rsqrt": lambda o, a, b: o.rsqrt(o.abs(a) + 1.0),
    "isnan": lambda o, a, b: o.isnan(o.log(a)),
    "floor_divide": lambda o, a, b: o.floor_divide(a * 4.0, 1.5),
    "floor_divide_operator": lambda o, a, b: (a * 4.0) // 1.5,
    "mod": lambda o, a, b: o.mod(a * 4.0, 1.5),
    "mod_operator": lambda o, a, b: (a * 4.0) % 1.5,
    "maximum_scalar": lambda o, a, b: o.maximum(a, 0.0),
    "minimum_scalar": lambda o, a, b: o.minimum(a, 0.25),
    "diagonal": lambda o, a, b: o.diagonal(a, axis1=1, axis2=2),
    "diff": lambda o, a, b: o.diff(a, axis=1),
    "tril": lambda o, a, b: o.tril(a),
    "triu": lambda o, a, b: o.triu(a, k=1),
    "flip": lambda o, a, b: o.flip(a, axis=1),
    "roll": lambda o, a, b: o.roll(a, 1, axis=1),
    "tile": lambda o, a, b: o.tile(a, (1, 2, 1)),
    "repeat": lambda o, a, b: o.repeat(a, 2, axis=1),
    "moveaxis": lambda o, a, b: o.moveaxis(a, 1, 2),
    "unstack": lambda o, a, b: o.unstack(a, axis=1)[2],
    "einsum": lambda o, a, b: o.einsum("bij,bkj->bik", a, b),
    "tensordot": lambda o, a, b: o.tensordot(a, b, axes=[[2], [2]]),
    "pad": lambda o, a, b: o.pad(a, ((0, 0), (1, 2), (0, 0))),
    "pad_value": lambda o, a, b: o.pad(a, ((0, 0), (1, 0), (0, 1)), constant_values=2.0),
    "nan_to_num": lambda o, a, b: o.nan_to_num(o.log(a), nan=0.5),
    "zeros_like": lambda o, a, b: o.zeros_like(a) + b,
    "ones_like": lambda o, a, b: o.ones_like(a) + b,
    "elu": lambda o, a, b: o.elu(a),
    "selu": lambda o, a, b: o.selu(a),
    "silu": lambda o, a, b: o.silu(a),
    "gelu": lambda o, a, b: o.gelu(a),
    "gelu_exact": lambda o, a, b: o.gelu(a, approximate=False),
    "softplus": lambda o, a, b: o.softplus(a),
    "softsign": lambda o, a, b: o.softsign(a),
    "leaky_relu": lambda o, a, b: o.leaky_relu(a),
    "log_softmax": lambda o, a, b: o.log_softmax(a),
    "hard_sigmoid": lambda o, a, b: o.hard_sigmoid(a),
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
    model = _model(lamina, lambda o, a, b: o.sort(a, axis=1) + b)  # torch.sort: (values, indices)
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
