"""What fit / evaluate / predict hand back, against real Keras 3: History keys and values,
evaluate()'s list and its order, the names of the logs, predict()'s structure, callback logs.

Each test builds the same small model in both libraries with the same weights and compares
what the user sees, to Keras' own output.
"""

import pytest

import lamina
from tests.conformance.test_models import assert_close, draw_weights, floats, mlp, twin

BATCH = 16


def fit_both(mk, ml, *args, **kw):
    kw = dict(batch_size=BATCH, epochs=1, shuffle=False, verbose=0) | kw
    hk = mk.fit(*args, **kw)
    hl = ml.fit(*args, **kw)
    return hl.history, hk.history


def both(keras, rng, build, compile_kw):
    """twin() + compile(**compile_kw(lib)) on both models."""
    mk, ml = twin(keras, rng, build)
    for lib, m in ((keras, mk), (lamina, ml)):
        m.compile(optimizer=lib.optimizers.SGD(0.05), **compile_kw(lib))
    return mk, ml


def check_logs(mk, ml, x, y, what, sample_weight=None):
    """evaluate() as a list and a dict, and train/test_on_batch as lists."""
    kw = dict(batch_size=BATCH, verbose=0, sample_weight=sample_weight)
    assert_close(ml.evaluate(x, y, **kw), mk.evaluate(x, y, **kw), what=f"{what} evaluate()")
    assert_close(ml.evaluate(x, y, return_dict=True, **kw),
                 mk.evaluate(x, y, return_dict=True, **kw), what=f"{what} evaluate(dict)")
    n = 8
    sw = None if sample_weight is None else sample_weight[:n]
    head = {k: v[:n] for k, v in y.items()} if isinstance(y, dict) else \
        [v[:n] for v in y] if isinstance(y, list) else y[:n]
    assert_close(ml.test_on_batch(x[:n], head, sample_weight=sw),
                 mk.test_on_batch(x[:n], head, sample_weight=sw), what=f"{what} test_on_batch")
    assert_close(ml.train_on_batch(x[:n], head, sample_weight=sw),
                 mk.train_on_batch(x[:n], head, sample_weight=sw), what=f"{what} train_on_batch")


# -- fit(): History for the ways of passing validation data and steps -------------------------


@pytest.mark.parametrize("case", ["val_tuple", "val_tuple_sw", "val_split", "val_freq",
                                  "initial_epoch"])
def test_history_with_validation_and_epochs(keras, rng, case):
    mk, ml = both(keras, rng, mlp("relu", None),
                  lambda lib: dict(loss="mse", metrics=["mae"], weighted_metrics=["mse"]))
    x, y = floats(rng, 48, 7), floats(rng, 48, 4)
    xv, yv = floats(rng, 20, 7), floats(rng, 20, 4)
    swv = rng.uniform(0.1, 2.0, 20).astype("float32")
    kw = {
        "val_tuple": dict(epochs=2, validation_data=(xv, yv)),
        "val_tuple_sw": dict(epochs=2, validation_data=(xv, yv, swv)),
        "val_split": dict(epochs=2, validation_split=0.25),
        "val_freq": dict(epochs=4, validation_data=(xv, yv), validation_freq=2),
        "initial_epoch": dict(epochs=3, initial_epoch=1, validation_data=(xv, yv)),
    }[case]
    hl, hk = fit_both(mk, ml, x, y, **kw)
    assert_close(hl, hk, what="History.history")


def test_history_with_generator_and_steps_per_epoch(keras, rng):
    mk, ml = both(keras, rng, mlp("relu", None), lambda lib: dict(loss="mse", metrics=["mae"]))
    x, y = floats(rng, 64, 7), floats(rng, 64, 4)

    def gen():
        while True:
            for i in range(0, 64, BATCH):
                yield x[i:i + BATCH], y[i:i + BATCH]

    hk = mk.fit(gen(), steps_per_epoch=3, epochs=3, verbose=0).history
    hl = ml.fit(gen(), steps_per_epoch=3, epochs=3, verbose=0).history
    assert_close(hl, hk, what="History.history")


@pytest.mark.parametrize("metrics", [["accuracy"], ["sparse_categorical_accuracy"]])
def test_history_with_class_weight_and_sparse_labels(keras, rng, metrics):
    mk, ml = both(keras, rng, mlp("relu", "softmax"),
                  lambda lib: dict(loss="sparse_categorical_crossentropy", metrics=metrics,
                                   weighted_metrics=["accuracy"]))
    x, y = floats(rng, 48, 7), rng.integers(0, 4, 48)
    hl, hk = fit_both(mk, ml, x, y, epochs=2, class_weight={0: 1.0, 1: 2.0, 2: 0.5, 3: 3.0})
    assert_close(hl, hk, what="History.history")


@pytest.mark.parametrize("metrics", [["binary_accuracy"], ["accuracy"], ["acc"]])
def test_accuracy_names_on_a_sigmoid_output(keras, rng, metrics):
    mk, ml = both(keras, rng, mlp("relu", "sigmoid", n_out=1),
                  lambda lib: dict(loss="binary_crossentropy", metrics=metrics))
    x, y = floats(rng, 48, 7), (rng.uniform(size=(48, 1)) > 0.5).astype("float32")
    hl, hk = fit_both(mk, ml, x, y)
    assert_close(hl, hk, what="History.history")
    check_logs(mk, ml, x, y, "sigmoid")


# -- evaluate(): the order of the list, repeated names ----------------------------------------


@pytest.mark.parametrize("which", ["mse_mae", "mae_mse", "custom_names", "loss_only"])
def test_evaluate_list_follows_the_compiled_metrics_order(keras, rng, which):
    """Keras lists the loss, then the compiled metrics in the order they were given (not
    sorted), then anything else sorted; only the loss gives a scalar."""
    def metrics(lib):
        return {
            "mse_mae": ["mse", "mae"],
            "mae_mse": ["mae", "mse"],
            "custom_names": [lib.metrics.MeanSquaredError(name="zz"),
                             lib.metrics.MeanAbsoluteError(name="aa")],
            "loss_only": None,
        }[which]

    mk, ml = both(keras, rng, mlp("relu", None),
                  lambda lib: dict(loss="mse", metrics=metrics(lib)))
    x, y = floats(rng, 40, 7), floats(rng, 40, 4)
    hl, hk = fit_both(mk, ml, x, y)
    assert_close(hl, hk, what="History.history")
    check_logs(mk, ml, x, y, which)
    assert_close(ml.evaluate(x, y, batch_size=4, steps=3, verbose=0),
                 mk.evaluate(x, y, batch_size=4, steps=3, verbose=0), what="evaluate(steps=3)")


@pytest.mark.parametrize("which", ["same_string", "same_name", "weighted_twice",
                                   "weighted_and_plain"])
def test_repeated_metric_names(keras, rng, which):
    """Keras logs a repeated name as <name>_1, <name>_2 and a weighted metric named like an
    earlier one as weighted_<name> (then weighted_<name>_1); its evaluate() list has the
    metrics under their own names first, so a repeated value appears more than once."""
    def kw(lib):
        return {
            "same_string": dict(metrics=["mae", "mae"]),
            "same_name": dict(metrics=[lib.metrics.MeanAbsoluteError(name="x"),
                                       lib.metrics.MeanSquaredError(name="x")]),
            "weighted_twice": dict(metrics=["mae"], weighted_metrics=["mae", "mae"]),
            "weighted_and_plain": dict(metrics=["mse"], weighted_metrics=["mae"]),
        }[which]

    mk, ml = both(keras, rng, mlp("relu", None), lambda lib: dict(loss="mse", **kw(lib)))
    x, y = floats(rng, 40, 7), floats(rng, 40, 4)
    sw = rng.uniform(0.1, 2.0, 40).astype("float32")
    hl, hk = fit_both(mk, ml, x, y, sample_weight=sw)
    assert_close(hl, hk, what="History.history")
    check_logs(mk, ml, x, y, which, sample_weight=sw)


# -- several outputs ----------------------------------------------------------------------------


def two_outputs(kind):
    def build(lib):
        i = lib.Input((7,), name="inp")
        h = lib.layers.Dense(8, activation="relu", name="hid")(i)
        a = lib.layers.Dense(3, name="reg")(h)
        b = lib.layers.Dense(1, activation="sigmoid", name="cls")(h)
        outputs = {
            "list": [a, b],
            "dict": {"reg": a, "cls": b},
            "dict_rev": {"cls": b, "reg": a},
            "dict_keys": {"zz": a, "aa": b},  # keys that are not the layers' names
        }[kind]
        return lib.Model(i, outputs)

    return build


def _two_targets(rng, n, keys=("reg", "cls")):
    return {keys[0]: floats(rng, n, 3),
            keys[1]: (rng.uniform(size=(n, 1)) > 0.5).astype("float32")}


BCE = "binary_crossentropy"


@pytest.mark.parametrize("kind, loss, metrics", [
    ("dict", {"reg": "mse", "cls": BCE}, None),
    ("dict", {"cls": BCE, "reg": "mse"}, {"reg": ["mse", "mae"], "cls": ["accuracy"]}),
    ("dict_rev", {"reg": "mse", "cls": BCE}, {"cls": "accuracy"}),
    ("dict", "mse", None),
    ("dict_keys", {"zz": "mse", "aa": BCE}, {"zz": ["mae"], "aa": ["accuracy"]}),
    ("dict_keys", {"aa": BCE, "zz": "mse"}, None),
])
def test_dict_outputs_logs_and_order(keras, rng, kind, loss, metrics):
    """With dict outputs Keras names the logs after the dict's keys and lists the per-output
    losses in the order of the loss dict."""
    keys = ("zz", "aa") if kind == "dict_keys" else ("reg", "cls")
    lw = {keys[0]: 0.5, keys[1]: 2.0} if isinstance(loss, dict) else None
    mk, ml = both(keras, rng, two_outputs(kind),
                  lambda lib: dict(loss=loss, loss_weights=lw, metrics=metrics))
    x, y = floats(rng, 32, 7), _two_targets(rng, 32, keys)
    hl, hk = fit_both(mk, ml, x, y, epochs=2)
    assert_close(hl, hk, what="History.history")
    check_logs(mk, ml, x, y, kind)
    pk, pl = mk.predict(x, verbose=0), ml.predict(x, verbose=0)
    assert_close(pl, pk, what="predict")
    assert_close(ml.predict_on_batch(x), mk.predict_on_batch(x), what="predict_on_batch")


@pytest.mark.parametrize("loss", [{"reg": "mse", "cls": BCE}, ["mse", BCE]])
def test_list_outputs_with_targets_given_as_a_dict(keras, rng, loss):
    """Keras takes the targets of a dict by output name, not in the dict's sorted order."""
    mk, ml = both(keras, rng, two_outputs("list"),
                  lambda lib: dict(loss=loss, metrics={"reg": "mae", "cls": "accuracy"}))
    x, y = floats(rng, 32, 7), _two_targets(rng, 32)
    hl, hk = fit_both(mk, ml, x, y, epochs=2)
    assert_close(hl, hk, what="History.history")
    check_logs(mk, ml, x, y, "y as dict")


@pytest.mark.parametrize("metrics", [["mae", "accuracy"], ["mae", "mse"],
                                     [["mae", "mse"], "accuracy"]])
def test_metrics_list_has_one_entry_per_output(keras, rng, metrics):
    """With several outputs, a metrics list of the outputs' length gives each its own."""
    mk, ml = both(keras, rng, two_outputs("list"),
                  lambda lib: dict(loss=["mse", BCE], metrics=metrics))
    x, yd = floats(rng, 32, 7), _two_targets(rng, 32)
    y = [yd["reg"], yd["cls"]]
    hl, hk = fit_both(mk, ml, x, y)
    assert_close(hl, hk, what="History.history")
    check_logs(mk, ml, x, y, "metrics per output")


def test_metrics_list_of_the_wrong_length_is_refused(keras, rng):
    mk, ml = both(keras, rng, two_outputs("list"),
                  lambda lib: dict(loss=["mse", BCE], metrics=["mae"]))
    x, yd = floats(rng, 32, 7), _two_targets(rng, 32)
    y = [yd["reg"], yd["cls"]]
    with pytest.raises(ValueError):
        mk.fit(x, y, verbose=0)
    with pytest.raises(ValueError, match="metrics"):
        ml.fit(x, y, verbose=0)


def test_a_single_loss_among_outputs_has_no_tracker_of_its_own(keras, rng):
    """One loss (the other output's is None): Keras logs no '<output>_loss', and evaluate()
    returns a scalar."""
    mk, ml = both(keras, rng, two_outputs("list"),
                  lambda lib: dict(loss={"reg": "mse", "cls": None}))
    x, yd = floats(rng, 32, 7), _two_targets(rng, 32)
    y = [yd["reg"], yd["cls"]]
    hl, hk = fit_both(mk, ml, x, y)
    assert_close(hl, hk, what="History.history")
    check_logs(mk, ml, x, y, "one loss")


# -- predict(): the structure of the outputs --------------------------------------------------


@pytest.mark.parametrize("kind", ["tuple", "dict", "list"])
def test_predict_keeps_the_structure_a_subclassed_model_returns(keras, rng, kind):
    x = floats(rng, 20, 7)
    shapes = [(7, 2), (2,), (7, 1), (1,)]
    weights = draw_weights(rng, shapes)

    def build(lib):
        class TwoHeads(lib.Model):
            def __init__(self):
                super().__init__()
                self.d1 = lib.layers.Dense(2)
                self.d2 = lib.layers.Dense(1)

            def call(self, inputs):
                a, b = self.d1(inputs), self.d2(inputs)
                return {"tuple": (a, b), "list": [a, b], "dict": {"z": a, "a": b}}[kind]

        model = TwoHeads()
        model(x[:2])
        model.set_weights(weights)
        return model

    mk, ml = build(keras), build(lamina)
    pk, pl = mk.predict(x, batch_size=8, verbose=0), ml.predict(x, batch_size=8, verbose=0)
    assert type(pl) is type(pk)
    assert_close(pl, pk, what="predict")
    bk, bl = mk.predict_on_batch(x), ml.predict_on_batch(x)
    assert type(bl) is type(bk)
    assert_close(bl, bk, what="predict_on_batch")


def test_predict_on_a_dict_of_inputs(keras, rng):
    def build(lib):
        a, b = lib.Input((3,), name="a"), lib.Input((5,), name="b")
        h = lib.layers.Concatenate()([a, b])
        return lib.Model({"a": a, "b": b},
                         {"o2": lib.layers.Dense(1, name="o2")(h),
                          "o1": lib.layers.Dense(2, name="o1")(h)})

    mk, ml = twin(keras, rng, build)
    x = {"b": floats(rng, 20, 5), "a": floats(rng, 20, 3)}
    assert_close(ml.predict(x, batch_size=8, verbose=0), mk.predict(x, batch_size=8, verbose=0),
                 what="predict")
    assert_close(ml.predict_on_batch(x), mk.predict_on_batch(x), what="predict_on_batch")


# -- the logs callbacks see ---------------------------------------------------------------------


def _recorder(lib):
    class Recorder(lib.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.events = []

        def _add(self, *event):
            self.events.append(event)

        def on_epoch_end(self, epoch, logs=None):
            self._add("epoch_end", epoch, {k: float(v) for k, v in logs.items()})

        def on_train_batch_end(self, batch, logs=None):
            self._add("train_batch_end", batch, {k: float(v) for k, v in logs.items()})

        def on_test_batch_end(self, batch, logs=None):
            self._add("test_batch_end", batch, {k: float(v) for k, v in logs.items()})

        def on_test_end(self, logs=None):
            self._add("test_end", {k: float(v) for k, v in logs.items()})

        def on_train_end(self, logs=None):
            self._add("train_end", {k: float(v) for k, v in logs.items()})

        def on_predict_batch_end(self, batch, logs=None):
            self._add("predict_batch_end", batch, tuple(sorted(logs)), {})

    return Recorder()


def test_callback_logs(keras, rng):
    mk, ml = both(keras, rng, mlp("relu", None), lambda lib: dict(loss="mse", metrics=["mae"]))
    x, y = floats(rng, 40, 7), floats(rng, 40, 4)
    xv, yv = floats(rng, 12, 7), floats(rng, 12, 4)
    recorded = []
    for lib, m in ((keras, mk), (lamina, ml)):
        rec = _recorder(lib)
        m.fit(x, y, batch_size=BATCH, epochs=2, validation_data=(xv, yv), callbacks=[rec],
              verbose=0, shuffle=False)
        m.evaluate(xv, yv, batch_size=8, callbacks=[rec], verbose=0)
        m.predict(xv, batch_size=8, callbacks=[rec], verbose=0)
        recorded.append(rec.events)
    ek, el = recorded
    assert [e[:-1] for e in el] == [e[:-1] for e in ek]
    assert_close([e[-1] for e in el], [e[-1] for e in ek], what="callback logs")


@pytest.mark.parametrize("steps", [2, 3, 5])
def test_steps_per_epoch_with_arrays(keras, rng, steps):
    """48 samples in batches of 16 (3 batches): Keras carries its place in the data from epoch
    to epoch and, when the data runs out before `steps`, ends that epoch with a warning."""
    import warnings

    from tests.conformance.test_models import assert_same_weights

    mk, ml = both(keras, rng, mlp("relu", None, n_in=6, hidden=(8,), n_out=2),
                  lambda lib: {"loss": "mse"})
    x, y = floats(rng, 48, 6), floats(rng, 48, 2)
    counts = {}
    for name, lib, m in (("keras", keras, mk), ("lamina", lamina, ml)):
        class Count(lib.callbacks.Callback):
            def __init__(self):
                super().__init__()
                self.seen = []

            def on_epoch_begin(self, epoch, logs=None):
                self.seen.append(0)

            def on_train_batch_end(self, batch, logs=None):
                self.seen[-1] += 1

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            counter = Count()
            history = m.fit(x, y, batch_size=16, epochs=3, steps_per_epoch=steps, shuffle=False,
                            verbose=0, callbacks=[counter]).history
        ran_out = sum("ran out of data" in str(w.message) for w in caught)
        counts[name] = (counter.seen, ran_out, history)
    assert counts["lamina"][:2] == counts["keras"][:2]
    assert_close(counts["lamina"][2], counts["keras"][2], what="History.history")
    assert_same_weights(ml, mk)
