"""Whole models against real Keras 3: same architecture, same weights, same data, same numbers.

Every test builds one model twice from the same arguments (once with ``keras``, once with
``lamina``), draws weights once from a seeded NumPy generator and gives them to both with
``set_weights``, then compares predictions, training (weights, History), evaluate, predict
and the single-batch calls.
"""

import numpy as np
import pytest

import lamina

RTOL = 1e-5  # float32 forward passes and short training runs (CONFORMANCE.md)
ATOL = 1e-6  # the same float32 ops summed in a different order differ by a few ulps near 0
# After 10 steps an entry that passed near zero carries the absolute rounding of the steps
# that moved it (Adam/RMSprop steps are ~lr in size whatever the gradient), so its *relative*
# error is meaningless; compare those in absolute terms at a few ulps of the step size.
TRAIN_ATOL = 1e-6

N = 160  # 10 steps of 16
BATCH = 16


# -- helpers ---------------------------------------------------------------------------------


def to_numpy(lib, value):
    if isinstance(value, (list, tuple)):
        return [to_numpy(lib, v) for v in value]
    if isinstance(value, dict):
        return {k: to_numpy(lib, v) for k, v in value.items()}
    return np.asarray(lib.ops.convert_to_numpy(value))


def draw_weights(rng, shapes):
    """Weights that are never zero: kernels ~ N(0, 1/fan_in), biases ~ U(+-0.5) away from 0."""
    out = []
    for shape in shapes:
        if len(shape) >= 2:
            fan_in = int(np.prod(shape[:-1]))
            w = rng.normal(0.0, 1.0 / np.sqrt(fan_in), size=shape)
        else:
            w = rng.uniform(0.05, 0.5, size=shape) * rng.choice([-1.0, 1.0], size=shape)
        out.append(w.astype("float32"))
    return out


def twin(keras, rng, build):
    """The same model in both libraries, with the same random weights. Returns (keras, lamina)."""
    mk = build(keras)
    ml = build(lamina)
    shapes_k = [tuple(w.shape) for w in mk.get_weights()]
    shapes_l = [tuple(w.shape) for w in ml.get_weights()]
    assert shapes_l == shapes_k, "weight lists differ in shapes or order"
    assert shapes_k, "model has no weights"
    weights = draw_weights(rng, shapes_k)
    mk.set_weights(weights)
    ml.set_weights(weights)
    for a, b in zip(ml.get_weights(), weights):
        np.testing.assert_array_equal(a, b)
    return mk, ml


def assert_close(actual, desired, rtol=RTOL, atol=ATOL, what=""):
    if isinstance(desired, dict):
        assert isinstance(actual, dict), f"{what}: lamina gave {type(actual)}, Keras a dict"
        assert sorted(actual) == sorted(desired), f"{what}: keys {sorted(actual)} vs {sorted(desired)}"
        for k in desired:
            assert_close(actual[k], desired[k], rtol, atol, f"{what}[{k!r}]")
        return
    if isinstance(desired, (list, tuple)):
        assert isinstance(actual, (list, tuple)), f"{what}: lamina gave {actual!r}, Keras {desired!r}"
        assert len(actual) == len(desired), f"{what}: length {len(actual)} vs {len(desired)}"
        for i, (a, d) in enumerate(zip(actual, desired)):
            assert_close(a, d, rtol, atol, f"{what}[{i}]")
        return
    actual = np.asarray(actual)
    desired = np.asarray(desired)
    assert actual.shape == desired.shape, f"{what}: shape {actual.shape} vs {desired.shape}"
    np.testing.assert_allclose(actual, desired, rtol=rtol, atol=atol, err_msg=what)


def assert_same_weights(ml, mk, rtol=RTOL, atol=TRAIN_ATOL):
    wk, wl = mk.get_weights(), ml.get_weights()
    assert len(wl) == len(wk)
    for i, (a, d) in enumerate(zip(wl, wk)):
        np.testing.assert_allclose(a, d, rtol=rtol, atol=atol, err_msg=f"weight {i}")


def assert_same_predictions(keras, mk, ml, x, **kw):
    pk = mk.predict(x, verbose=0, **kw)
    pl = ml.predict(x, verbose=0, **kw)
    assert_close(pl, pk, what="predict")
    # a direct call, outside predict's batching
    ck = to_numpy(keras, mk(x, training=False))
    cl = to_numpy(lamina, ml(x, training=False))
    assert_close(cl, ck, what="__call__")
    return pk


def floats(rng, *shape):
    return rng.normal(size=shape).astype("float32")


# -- model builders (one function, two libraries) ---------------------------------------------


def mlp(hidden_act, out_act, n_in=7, hidden=(9,), n_out=4):
    def build(lib):
        layers = [lib.Input((n_in,))]
        for h in hidden:
            layers.append(lib.layers.Dense(h, activation=hidden_act))
        layers.append(lib.layers.Dense(n_out, activation=out_act))
        return lib.Sequential(layers)

    return build


def with_dropout(lib):
    return lib.Sequential([
        lib.Input((6,)),
        lib.layers.Dense(10, activation="relu"),
        lib.layers.Dropout(0.5),
        lib.layers.Dense(8, activation="tanh"),
        lib.layers.Dropout(0.3, seed=3),
        lib.layers.Dense(3, activation="softmax"),
    ])


def flatten_reshape(lib):
    return lib.Sequential([
        lib.Input((3, 4)),
        lib.layers.Flatten(),
        lib.layers.Dense(10, activation="relu"),
        lib.layers.Reshape((2, 5)),
        lib.layers.Dense(3, activation="tanh"),  # Dense on the last axis of a 3-D tensor
        lib.layers.Reshape((-1,)),
        lib.layers.Dense(5, activation="softmax"),
    ])


def two_in_two_out(lib, branching=False):
    """Two inputs merged, two outputs. ``branching``: out_a skips the merge (reads dense_a)."""
    a = lib.Input((5,), name="in_a")
    b = lib.Input((3,), name="in_b")
    ha = lib.layers.Dense(6, activation="relu", name="dense_a")(a)
    hb = lib.layers.Dense(4, activation="tanh", name="dense_b")(b)
    merged = lib.layers.Lambda(lambda t: lib.ops.concatenate(t, axis=-1), name="concat")([ha, hb])
    out_a = lib.layers.Dense(3, name="out_a")(ha if branching else merged)
    out_b = lib.layers.Dense(4, activation="softmax", name="out_b")(merged)
    return lib.Model([a, b], [out_a, out_b])


def two_in_two_out_branching(lib):
    return two_in_two_out(lib, branching=True)


def nested_sequential(lib):
    inner = lib.Sequential(
        [lib.Input((6,)), lib.layers.Dense(8, activation="relu"), lib.layers.Dense(5)],
        name="inner",
    )
    return lib.Sequential([lib.Input((6,)), inner, lib.layers.Dense(3, activation="softmax")])


def nested_functional(lib):
    inner_in = lib.Input((4,))
    inner_out = lib.layers.Dense(7, activation="tanh")(inner_in)
    inner = lib.Model(inner_in, inner_out, name="inner")
    x = lib.Input((4,))
    h = lib.layers.Dense(4, activation="relu")(x)
    h = inner(h)
    y = lib.layers.Dense(2, activation="sigmoid")(h)
    return lib.Model(x, y)


def odd_sizes(lib):
    return lib.Sequential([
        lib.Input((13,)),
        lib.layers.Dense(1, activation="relu"),
        lib.layers.Dense(17, activation="sigmoid"),
        lib.layers.Dense(1),
    ])


# -- forward passes ---------------------------------------------------------------------------


@pytest.mark.parametrize("hidden_act,out_act", [
    ("relu", "softmax"),
    ("sigmoid", "sigmoid"),
    ("tanh", "tanh"),
    ("linear", None),
])
def test_sequential_mlp_predictions(keras, rng, hidden_act, out_act):
    mk, ml = twin(keras, rng, mlp(hidden_act, out_act, hidden=(11, 9)))
    assert_same_predictions(keras, mk, ml, floats(rng, 37, 7), batch_size=8)


def test_dropout_is_identity_at_inference(keras, rng):
    mk, ml = twin(keras, rng, with_dropout)
    x = floats(rng, 21, 6)
    assert_same_predictions(keras, mk, ml, x)
    assert_close(ml.predict_on_batch(x), mk.predict_on_batch(x), what="predict_on_batch")


def test_flatten_reshape_predictions(keras, rng):
    mk, ml = twin(keras, rng, flatten_reshape)
    assert_same_predictions(keras, mk, ml, floats(rng, 19, 3, 4))


def test_two_inputs_two_outputs_predictions(keras, rng):
    mk, ml = twin(keras, rng, two_in_two_out)
    x = [floats(rng, 23, 5), floats(rng, 23, 3)]
    out = assert_same_predictions(keras, mk, ml, x, batch_size=10)
    assert isinstance(out, list) and len(out) == 2


def test_functional_layer_order_with_branches(keras, rng):
    """Keras orders a functional model's layers by depth from the outputs (deepest first, ties
    in traversal order); that order is the order of get_weights() and of saved files."""
    mk = two_in_two_out_branching(keras)
    ml = two_in_two_out_branching(lamina)
    assert [layer.name for layer in ml.layers] == [layer.name for layer in mk.layers]
    mk, ml = twin(keras, rng, two_in_two_out_branching)
    assert_same_predictions(keras, mk, ml, [floats(rng, 9, 5), floats(rng, 9, 3)])


@pytest.mark.parametrize("build", [nested_sequential, nested_functional],
                         ids=["sequential", "functional"])
def test_nested_model_as_layer_predictions(keras, rng, build):
    mk, ml = twin(keras, rng, build)
    assert_same_predictions(keras, mk, ml, floats(rng, 12, mk.inputs[0].shape[-1]))


def test_batch_of_one(keras, rng):
    mk, ml = twin(keras, rng, mlp("relu", "softmax", n_in=5, n_out=3))
    x = floats(rng, 1, 5)
    assert_same_predictions(keras, mk, ml, x)
    assert_close(ml.predict_on_batch(x), mk.predict_on_batch(x), what="predict_on_batch")


def test_odd_sizes(keras, rng):
    mk, ml = twin(keras, rng, odd_sizes)
    # 31 samples in batches of 7: the last batch holds 3
    assert_same_predictions(keras, mk, ml, floats(rng, 31, 13), batch_size=7)


# -- training: optimizers x losses ------------------------------------------------------------

OPTIMIZERS = {
    "sgd": ("SGD", dict(learning_rate=0.05)),
    "sgd_nesterov": ("SGD", dict(learning_rate=0.02, momentum=0.9, nesterov=True)),
    "adam": ("Adam", dict(learning_rate=0.01)),
    "adam_amsgrad": ("Adam", dict(learning_rate=0.01, amsgrad=True)),
    "rmsprop": ("RMSprop", dict(learning_rate=0.005)),
    "rmsprop_centered": ("RMSprop", dict(learning_rate=0.005, centered=True, momentum=0.5)),
    "adagrad": ("Adagrad", dict(learning_rate=0.05)),
}


def make_optimizer(lib, key):
    name, kwargs = OPTIMIZERS[key]
    return getattr(lib.optimizers, name)(**kwargs)


# loss key -> (loss spec for a library, output activation, metrics, target kind)
LOSSES = {
    "mse": (lambda lib: "mse", "tanh", ["mae"], "regression"),
    "mae": (lambda lib: "mae", None, ["mae"], "regression"),
    "binary_crossentropy": (lambda lib: "binary_crossentropy", "sigmoid", ["accuracy"], "binary"),
    "binary_crossentropy_logits": (
        lambda lib: lib.losses.BinaryCrossentropy(from_logits=True), None, ["accuracy"], "binary"),
    "categorical_crossentropy": (
        lambda lib: "categorical_crossentropy", "softmax", ["accuracy"], "onehot"),
    "categorical_crossentropy_logits": (
        lambda lib: lib.losses.CategoricalCrossentropy(from_logits=True), None, ["accuracy"],
        "onehot"),
    "sparse_categorical_crossentropy": (
        lambda lib: "sparse_categorical_crossentropy", "softmax", ["accuracy"], "sparse"),
    "sparse_categorical_crossentropy_logits": (
        lambda lib: lib.losses.SparseCategoricalCrossentropy(from_logits=True), None,
        ["accuracy"], "sparse"),
}

N_IN, N_OUT = 6, 4


def targets(rng, kind, n=N):
    if kind == "regression":
        return (0.7 * rng.normal(size=(n, N_OUT))).astype("float32")
    if kind == "binary":
        return rng.integers(0, 2, size=(n, N_OUT)).astype("float32")
    labels = rng.integers(0, N_OUT, size=n)
    if kind == "onehot":
        return np.eye(N_OUT, dtype="float32")[labels]
    return labels  # sparse: integer labels of shape (n,)


# The full grid: every optimizer with every loss (56 short fits, about half the file's time).
TRAIN_CASES = [(o, loss) for o in OPTIMIZERS for loss in LOSSES]


def compiled_twins(keras, rng, loss_key, opt_key, hidden=(8,)):
    loss_fn, out_act, metrics, kind = LOSSES[loss_key]
    mk, ml = twin(keras, rng, mlp("relu", out_act, n_in=N_IN, hidden=hidden, n_out=N_OUT))
    for lib, m in ((keras, mk), (lamina, ml)):
        m.compile(optimizer=make_optimizer(lib, opt_key), loss=loss_fn(lib), metrics=metrics)
    return mk, ml, kind


def fit_both(mk, ml, x, y, **kw):
    kw = dict(batch_size=BATCH, epochs=1, shuffle=False, verbose=0) | kw
    hk = mk.fit(x, y, **kw)
    hl = ml.fit(x, y, **kw)
    return hk.history, hl.history


@pytest.mark.parametrize("opt_key,loss_key", TRAIN_CASES)
def test_fit_evaluate_predict(keras, rng, opt_key, loss_key):
    mk, ml, kind = compiled_twins(keras, rng, loss_key, opt_key)
    x = floats(rng, N, N_IN)
    y = targets(rng, kind)

    hk, hl = fit_both(mk, ml, x, y)
    assert_same_weights(ml, mk)
    assert_close(hl, hk, what="History.history")

    xt, yt = floats(rng, 40, N_IN), targets(rng, kind, 40)
    ek = mk.evaluate(xt, yt, batch_size=BATCH, verbose=0)
    el = ml.evaluate(xt, yt, batch_size=BATCH, verbose=0)
    assert_close(el, ek, what="evaluate()")
    dk = mk.evaluate(xt, yt, batch_size=BATCH, verbose=0, return_dict=True)
    dl = ml.evaluate(xt, yt, batch_size=BATCH, verbose=0, return_dict=True)
    assert_close(dl, dk, what="evaluate(return_dict=True)")  # same keys, same values

    assert_close(ml.predict(xt, verbose=0), mk.predict(xt, verbose=0), what="predict")

    bk = mk.train_on_batch(xt[:BATCH], yt[:BATCH])
    bl = ml.train_on_batch(xt[:BATCH], yt[:BATCH])
    assert_close(bl, bk, what="train_on_batch")
    assert_same_weights(ml, mk)
    tk = mk.test_on_batch(xt[BATCH:], yt[BATCH:])
    tl = ml.test_on_batch(xt[BATCH:], yt[BATCH:])
    assert_close(tl, tk, what="test_on_batch")
    tdk = mk.test_on_batch(xt[BATCH:], yt[BATCH:], return_dict=True)
    tdl = ml.test_on_batch(xt[BATCH:], yt[BATCH:], return_dict=True)
    assert_close(tdl, tdk, what="test_on_batch(return_dict=True)")


def test_logs_dict_key_order(keras, rng):
    """Keras sorts the keys of evaluate(return_dict=True) and train/test_on_batch dicts."""
    mk, ml, kind = compiled_twins(keras, rng, "categorical_crossentropy", "adam")
    x, y = floats(rng, 20, N_IN), targets(rng, kind, 20)
    dk = mk.evaluate(x, y, verbose=0, return_dict=True)
    dl = ml.evaluate(x, y, verbose=0, return_dict=True)
    assert list(dl) == list(dk)
    assert list(ml.test_on_batch(x, y, return_dict=True)) == \
        list(mk.test_on_batch(x, y, return_dict=True))


def test_fit_two_epochs_with_shuffle_off(keras, rng):
    mk, ml, kind = compiled_twins(keras, rng, "mse", "rmsprop_centered", hidden=(9, 5))
    x, y = floats(rng, 50, N_IN), targets(rng, kind, 50)  # 50 = 3 full batches + 2
    hk, hl = fit_both(mk, ml, x, y, epochs=2)
    assert_close(hl, hk, what="History.history")
    assert_same_weights(ml, mk)


# -- sample_weight, class_weight, validation_split --------------------------------------------


@pytest.mark.parametrize("loss_key", ["mse", "categorical_crossentropy"])
def test_fit_sample_weight(keras, rng, loss_key):
    mk, ml, kind = compiled_twins(keras, rng, loss_key, "adam")
    x, y = floats(rng, N, N_IN), targets(rng, kind)
    sw = rng.uniform(0.1, 2.0, size=N).astype("float32")
    hk, hl = fit_both(mk, ml, x, y, sample_weight=sw)
    assert_close(hl, hk, what="History.history")
    assert_same_weights(ml, mk)
    ek = mk.evaluate(x, y, sample_weight=sw, batch_size=BATCH, verbose=0)
    el = ml.evaluate(x, y, sample_weight=sw, batch_size=BATCH, verbose=0)
    assert_close(el, ek, what="evaluate(sample_weight=...)")


@pytest.mark.parametrize("loss_key", ["categorical_crossentropy", "sparse_categorical_crossentropy"])
def test_fit_class_weight(keras, rng, loss_key):
    mk, ml, kind = compiled_twins(keras, rng, loss_key, "sgd_nesterov")
    x, y = floats(rng, N, N_IN), targets(rng, kind)
    class_weight = {0: 0.5, 1: 2.0, 2: 1.0, 3: 0.25}
    hk, hl = fit_both(mk, ml, x, y, class_weight=class_weight)
    assert_close(hl, hk, what="History.history")
    assert_same_weights(ml, mk)


def test_fit_validation_split(keras, rng):
    mk, ml, kind = compiled_twins(keras, rng, "sparse_categorical_crossentropy", "adam")
    x, y = floats(rng, N, N_IN), targets(rng, kind)
    hk, hl = fit_both(mk, ml, x, y, validation_split=0.25, epochs=2)
    assert "val_loss" in hk and "val_accuracy" in hk
    assert_close(hl, hk, what="History.history")
    assert_same_weights(ml, mk)


# -- two outputs: loss lists / dicts and loss_weights ----------------------------------------


def _two_output_data(rng, n=N):
    x = [floats(rng, n, 5), floats(rng, n, 3)]
    y = [0.5 * floats(rng, n, 3), np.eye(4, dtype="float32")[rng.integers(0, 4, size=n)]]
    return x, y


@pytest.mark.parametrize("form", ["list", "dict"])
def test_two_outputs_loss_weights(keras, rng, form):
    mk, ml = twin(keras, rng, two_in_two_out)
    for lib, m in ((keras, mk), (lamina, ml)):
        if form == "list":
            m.compile(optimizer=lib.optimizers.Adam(learning_rate=0.01),
                      loss=["mse", "categorical_crossentropy"], loss_weights=[0.3, 2.0],
                      metrics=[["mae"], ["accuracy"]])
        else:
            m.compile(optimizer=lib.optimizers.Adam(learning_rate=0.01),
                      loss={"out_a": "mse", "out_b": "categorical_crossentropy"},
                      loss_weights={"out_a": 0.3, "out_b": 2.0},
                      metrics={"out_a": ["mae"], "out_b": ["accuracy"]})
    x, y = _two_output_data(rng)
    hk, hl = fit_both(mk, ml, x, y)
    assert_same_weights(ml, mk)
    xt, yt = _two_output_data(rng, 24)
    dk = mk.evaluate(xt, yt, batch_size=BATCH, verbose=0, return_dict=True)
    dl = ml.evaluate(xt, yt, batch_size=BATCH, verbose=0, return_dict=True)
    assert_close(ml.predict(xt, verbose=0), mk.predict(xt, verbose=0), what="predict")
    # the values both report agree ...
    for k in set(hk) & set(hl):
        assert_close(hl[k], hk[k], what=f"History.history[{k!r}]")
    for k in set(dk) & set(dl):
        assert_close(dl[k], dk[k], what=f"evaluate(return_dict=True)[{k!r}]")
    # ... and Keras also reports each output's (unweighted) loss, as '<output>_loss'
    assert_close(hl, hk, what="History.history")
    assert_close(dl, dk, what="evaluate(return_dict=True)")
    assert_close(ml.evaluate(xt, yt, batch_size=BATCH, verbose=0),
                 mk.evaluate(xt, yt, batch_size=BATCH, verbose=0), what="evaluate()")


def test_nested_model_training(keras, rng):
    mk, ml = twin(keras, rng, nested_sequential)
    for lib, m in ((keras, mk), (lamina, ml)):
        m.compile(optimizer=make_optimizer(lib, "adam_amsgrad"),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    x, y = floats(rng, N, 6), rng.integers(0, 3, size=(N, 1))  # labels of shape (n, 1)
    hk, hl = fit_both(mk, ml, x, y)
    assert_close(hl, hk, what="History.history")
    assert_same_weights(ml, mk)


def test_wide_mlp_training_on_the_onednn_path(keras, rng):
    """The seeds' 784-512-10 MLP at batch 128: products big enough for lamina's oneDNN GEMM."""
    from lamina.backend.torch import gemm

    def build(lib):
        return lib.Sequential([lib.Input((784,)), lib.layers.Dense(512, activation="relu"),
                               lib.layers.Dense(10, activation="softmax")])

    mk, ml = twin(keras, rng, build)
    for lib, m in ((keras, mk), (lamina, ml)):
        m.compile(optimizer=lib.optimizers.Adam(1e-3), loss="categorical_crossentropy",
                  metrics=["accuracy"])
    x = rng.random((384, 784), dtype=np.float32)
    y = np.eye(10, dtype=np.float32)[rng.integers(0, 10, size=384)]
    assert gemm.MIN_MACS <= 128 * 784 * 512
    hk, hl = fit_both(mk, ml, x, y, batch_size=128, epochs=2)
    assert_close(hl, hk, what="History.history")
    assert_same_weights(ml, mk)
    assert_close(ml.predict(x, batch_size=128, verbose=0), mk.predict(x, batch_size=128, verbose=0),
                 what="predict")


@pytest.mark.parametrize("metrics, weighted", [
    (None, ["accuracy"]),
    (["accuracy"], ["accuracy"]),
    (["mae"], ["accuracy", "mae"]),
    (["accuracy"], ["categorical_accuracy"]),
])
def test_weighted_metrics_names_and_values(keras, rng, metrics, weighted):
    """A weighted metric named like an unweighted one is logged as weighted_<name>, as Keras
    names it; both are computed (with and without the sample weights)."""
    mk, ml = twin(keras, rng, mlp("relu", "softmax", n_in=6, hidden=(8,), n_out=3))
    for lib, m in ((keras, mk), (lamina, ml)):
        m.compile(optimizer=lib.optimizers.SGD(0.05), loss="categorical_crossentropy",
                  metrics=metrics, weighted_metrics=weighted)
    x = floats(rng, 48, 6)
    y = np.eye(3, dtype="float32")[rng.integers(0, 3, 48)]
    sw = rng.random(48).astype("float32")
    hk, hl = fit_both(mk, ml, x, y, sample_weight=sw, epochs=2)
    assert_close(hl, hk, what="History.history")
    assert_close(ml.evaluate(x, y, sample_weight=sw, verbose=0, return_dict=True),
                 mk.evaluate(x, y, sample_weight=sw, verbose=0, return_dict=True),
                 what="evaluate(return_dict=True)")


def test_weighted_metrics_of_two_outputs(keras, rng):
    def build(lib):
        i = lib.Input((6,))
        h = lib.layers.Dense(8, activation="relu")(i)
        return lib.Model(i, [lib.layers.Dense(3, activation="softmax", name="cls")(h),
                             lib.layers.Dense(1, name="reg")(h)])

    mk, ml = twin(keras, rng, build)
    for lib, m in ((keras, mk), (lamina, ml)):
        m.compile(optimizer=lib.optimizers.SGD(0.05), loss=["categorical_crossentropy", "mse"],
                  metrics=[["accuracy"], ["mae"]], weighted_metrics=[["accuracy"], ["mae"]])
    x = floats(rng, 48, 6)
    ys = [np.eye(3, dtype="float32")[rng.integers(0, 3, 48)], floats(rng, 48, 1)]
    sw = rng.random(48).astype("float32")
    hk, hl = fit_both(mk, ml, x, ys, sample_weight=sw, epochs=2)
    assert "cls_weighted_accuracy" in hl and "reg_weighted_mae" in hl
    assert_close(hl, hk, what="History.history")


def test_per_class_metric_values_are_arrays_in_the_logs(keras, rng):
    """F1Score(average=None) has one value per class: fit's History and evaluate() carry
    NumPy arrays for it, as in Keras."""
    mk, ml = twin(keras, rng, mlp("relu", "softmax", n_in=6, hidden=(8,), n_out=3))
    for lib, m in ((keras, mk), (lamina, ml)):
        m.compile(optimizer=lib.optimizers.SGD(0.05), loss="categorical_crossentropy",
                  metrics=[lib.metrics.F1Score(), lib.metrics.R2Score()])
    x = floats(rng, 48, 6)
    y = np.eye(3, dtype="float32")[rng.integers(0, 3, 48)]
    hk, hl = fit_both(mk, ml, x, y, epochs=2, validation_split=0.25)
    assert isinstance(hl["f1_score"][0], np.ndarray) and hl["f1_score"][0].shape == (3,)
    assert isinstance(hl["r2_score"][0], float)
    assert_close(hl, hk, what="History.history")
    assert_close(ml.evaluate(x, y, verbose=0), mk.evaluate(x, y, verbose=0), what="evaluate()")
