"""Callbacks against real Keras 3: the same model, weights and data in both libraries, and the
same callbacks; what the user sees (epochs run, files written, printed lines, logs, final
weights, the order of hook calls) must match.
"""

import contextlib
import io
import os
import re

import numpy as np
import pytest

import lamina

RTOL = 1e-5
ATOL = 1e-6


# -- helpers (from test_models.py) ------------------------------------------------------------


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
    weights = draw_weights(rng, [tuple(w.shape) for w in mk.get_weights()])
    mk.set_weights(weights)
    ml.set_weights(weights)
    return mk, ml


def assert_same_weights(ml, mk):
    for i, (a, d) in enumerate(zip(ml.get_weights(), mk.get_weights())):
        np.testing.assert_allclose(a, d, rtol=RTOL, atol=ATOL, err_msg=f"weight {i}")


# -- local helpers -----------------------------------------------------------------------------


def regressor(lr=0.6):
    def build(lib):
        model = lib.Sequential([
            lib.Input((5,)),
            lib.layers.Dense(4, activation="tanh"),
            lib.layers.Dense(2),
        ])
        model.compile(optimizer=lib.optimizers.SGD(lr), loss="mse", metrics=["mae"])
        return model

    return build


def data(rng, n=40):
    return rng.normal(size=(n, 5)).astype("float32"), rng.normal(size=(n, 2)).astype("float32")


def captured(fn):
    """Run fn; return (its result, what it printed with timings replaced by T)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        result = fn()
    return result, re.sub(r"\d+(\.\d+)?(ms|us|s)(/step)?", "T", out.getvalue())


def rounded(text, digits=3):
    """Numbers in text cut to a few decimals, so float32 rounding noise does not count."""
    return re.sub(r"(\d+\.\d{" + str(digits) + r"})\d+", r"\1", text)


def both(keras, rng, run, lr=0.6):
    """run(lib, model) in both libraries on twin models; returns ((keras, printed), (lamina, ...))."""
    mk, ml = twin(keras, rng, regressor(lr))
    return captured(lambda: run(keras, mk)), captured(lambda: run(lamina, ml)), (mk, ml)


# -- hook order and params -----------------------------------------------------------------------


HOOKS = [
    "on_train_begin", "on_train_end", "on_epoch_begin", "on_epoch_end",
    "on_train_batch_begin", "on_train_batch_end", "on_test_begin", "on_test_end",
    "on_test_batch_begin", "on_test_batch_end", "on_predict_begin", "on_predict_end",
    "on_predict_batch_begin", "on_predict_batch_end",
]


def recorder(lib):
    class Recorder(lib.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.events = []

    def make(name):
        def hook(self, *args, **kwargs):
            logs = kwargs.get("logs", args[-1] if args and isinstance(args[-1], dict) else None)
            index = args[0] if args and not isinstance(args[0], dict) else None
            self.events.append((name, index, sorted(logs) if isinstance(logs, dict) else logs))

        return hook

    for name in HOOKS:
        setattr(Recorder, name, make(name))
    return Recorder()


def test_hook_order_fit_evaluate_predict(keras, rng):
    x, y = data(rng)

    def run(lib, model):
        rec = recorder(lib)
        model.fit(x, y, batch_size=16, epochs=2, validation_split=0.25, validation_freq=2,
                  shuffle=False, verbose=0, callbacks=[rec])
        params = dict(rec.params)
        model.evaluate(x, y, batch_size=16, verbose=0, callbacks=[rec])
        model.predict(x, batch_size=16, verbose=0, callbacks=[rec])
        return rec.events, params, rec.model is model, model.history.epoch, model.history.params

    (k, _), (lam, _), _ = both(keras, rng, run)
    assert lam == k


# -- stop flags set by callbacks -----------------------------------------------------------------


def test_stop_evaluating_and_predicting(keras, rng):
    """Keras ends evaluate/predict (and fit's validation) after the batch a callback sets
    model.stop_evaluating / model.stop_predicting in."""
    x, y = data(rng)

    def run(lib, model):
        class StopEval(lib.callbacks.Callback):
            def on_test_batch_end(self, batch, logs=None):
                if batch == 1:
                    self.model.stop_evaluating = True

        class StopPredict(lib.callbacks.Callback):
            def on_predict_batch_end(self, batch, logs=None):
                self.model.stop_predicting = True

        # one epoch: after a stopped validation Keras' next one resumes its cached iterator
        history = model.fit(x, y, batch_size=4, epochs=1, validation_split=0.5, shuffle=False,
                            verbose=0, callbacks=[StopEval()])
        evaluated = model.evaluate(x, y, batch_size=8, verbose=0, callbacks=[StopEval()])
        again = model.evaluate(x, y, batch_size=8, verbose=0)  # the flag is reset
        predicted = model.predict(x, batch_size=8, verbose=0, callbacks=[StopPredict()])
        return history.history, evaluated, again, predicted

    ((hk, ek, ak, pk), _), ((hl, el, al, pl), _), _ = both(keras, rng, run)
    assert sorted(hl) == sorted(hk)
    for key in hk:
        np.testing.assert_allclose(hl[key], hk[key], rtol=RTOL, atol=ATOL, err_msg=key)
    np.testing.assert_allclose(el, ek, rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(al, ak, rtol=RTOL, atol=ATOL)
    assert pl.shape == pk.shape
    np.testing.assert_allclose(pl, pk, rtol=RTOL, atol=ATOL)


# -- ProgbarLogger --------------------------------------------------------------------------------


@pytest.mark.parametrize("extra", ["none", "reduce_lr", "scheduler", "early_stopping"])
def test_progbar_verbose_2_lines(keras, rng, extra):
    """verbose=2 prints the epoch logs in Keras' order: sorted, then keys callbacks added."""
    x, y = data(rng)

    def run(lib, model):
        cbs = {
            "none": [],
            "reduce_lr": [lib.callbacks.ReduceLROnPlateau(patience=0, factor=0.5, verbose=1)],
            "scheduler": [lib.callbacks.LearningRateScheduler(lambda e, lr: lr * 0.5)],
            "early_stopping": [lib.callbacks.EarlyStopping(monitor="mae", mode="max",
                                                           patience=0, verbose=1)],
        }[extra]
        model.fit(x, y, batch_size=16, epochs=3, validation_split=0.25, shuffle=False,
                  verbose=2, callbacks=cbs)

    (_, k), (_, lam), _ = both(keras, rng, run)
    assert rounded(lam) == rounded(k)


# -- ReduceLROnPlateau -----------------------------------------------------------------------------


@pytest.mark.parametrize("kwargs", [
    dict(factor=0.5, patience=0, verbose=1),
    dict(factor=0.5, patience=1, cooldown=1, min_lr=0.2, verbose=1),
    dict(monitor="loss", factor=0.1, patience=0, min_delta=0.3, verbose=1),
    dict(factor=0.5, patience=0, epsilon=0.5),  # Keras 3 ignores Keras 2's `epsilon`
])
def test_reduce_lr_on_plateau(keras, rng, kwargs):
    x, y = data(rng)

    def run(lib, model):
        cb = lib.callbacks.ReduceLROnPlateau(**kwargs)
        history = model.fit(x, y, batch_size=16, epochs=5, validation_split=0.25,
                            shuffle=False, verbose=0, callbacks=[cb])
        return history.history["learning_rate"], cb.wait, cb.cooldown_counter

    ((lrk, wk, ck), pk), ((lrl, wl, cl), pl), _ = both(keras, rng, run)
    np.testing.assert_allclose(lrl, lrk, rtol=1e-6)
    assert (wl, cl) == (wk, ck)
    assert pl == pk


# -- EarlyStopping ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kwargs", [
    dict(monitor="val_loss", patience=1),
    dict(monitor="loss", patience=0, min_delta=0.5),
    dict(monitor="val_mae", patience=2, mode="max"),
    dict(monitor="val_loss", patience=2, baseline=0.01, restore_best_weights=True),
    dict(monitor="val_loss", patience=1, start_from_epoch=3, mode="max",
         restore_best_weights=True),
])
def test_early_stopping(keras, rng, kwargs):
    x, y = data(rng)

    def run(lib, model):
        cb = lib.callbacks.EarlyStopping(verbose=1, **kwargs)
        history = model.fit(x, y, batch_size=16, epochs=7, validation_split=0.25,
                            shuffle=False, verbose=0, callbacks=[cb])
        return len(history.epoch), cb.stopped_epoch, cb.best, cb.best_epoch, cb.wait

    ((*k, bk), pk), ((*lam, bl), pl), (mk, ml) = both(keras, rng, run)
    best_k, best_l = k.pop(2), lam.pop(2)
    assert lam == k
    assert bl == bk
    np.testing.assert_allclose(best_l, best_k, rtol=RTOL)
    assert pl == pk
    assert_same_weights(ml, mk)


# -- ModelCheckpoint and CSVLogger -----------------------------------------------------------------


@pytest.mark.parametrize("kwargs", [
    dict(filepath="w.{epoch:02d}-{val_loss:.2f}.weights.h5", save_weights_only=True),
    dict(filepath="b{epoch}.weights.h5", save_weights_only=True, save_best_only=True,
         mode="max", monitor="val_mae", verbose=1),
    dict(filepath="f{epoch}-{batch}.weights.h5", save_weights_only=True, save_freq=3,
         verbose=1),
])
def test_model_checkpoint_files(keras, rng, tmp_path, kwargs):
    x, y = data(rng)

    def run(lib, model):
        folder = tmp_path / lib.__name__
        folder.mkdir()
        options = dict(kwargs, filepath=str(folder / kwargs["filepath"]))
        cb = lib.callbacks.ModelCheckpoint(**options)
        model.fit(x, y, batch_size=8, epochs=3, validation_split=0.25, shuffle=False,
                  verbose=0, callbacks=[cb])
        return sorted(os.listdir(folder))

    (fk, pk), (fl, pl), _ = both(keras, rng, run)
    assert fl == fk
    assert pl.replace("lamina", "keras") == pk


def test_csv_logger_with_added_keys(keras, rng, tmp_path):
    x, y = data(rng)

    def run(lib, model):
        path = tmp_path / f"{lib.__name__}.csv"
        for _ in range(2):
            model.fit(x, y, batch_size=16, epochs=2, validation_split=0.25, shuffle=False,
                      verbose=0, callbacks=[lib.callbacks.ReduceLROnPlateau(patience=0),
                                            lib.callbacks.CSVLogger(str(path), separator=";",
                                                                    append=True)])
        return path.read_text()

    (k, _), (lam, _), _ = both(keras, rng, run)
    assert rounded(lam) == rounded(k)
