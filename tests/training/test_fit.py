"""fit / evaluate / predict and the single-batch methods, as a user sees them."""

import numpy as np
import pytest

import lamina
from lamina import callbacks, layers


def _data(n=200, d=4, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d)).astype("float32")
    w = rng.normal(size=(d,))
    y = (x @ w > 0).astype("float32").reshape(-1, 1)
    return x, y


def _model(d=4):
    return lamina.Sequential([layers.Dense(16, activation="relu", input_shape=(d,)),
                              layers.Dense(1, activation="sigmoid")])


def test_fit_learns_and_returns_history():
    x, y = _data()
    model = _model()
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=15, batch_size=16, verbose=0)
    assert set(history.history) == {"loss", "accuracy"}
    assert history.epoch == list(range(15))
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert history.history["accuracy"][-1] > 0.85
    assert model.history is history


def test_evaluate_list_dict_and_scalar():
    x, y = _data()
    model = _model()
    model.compile(optimizer="sgd", loss="mse", metrics=["mae", "acc"])
    result = model.evaluate(x, y, verbose=0)
    assert isinstance(result, list) and len(result) == 3
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    assert list(logs) == ["loss", "mae", "acc"] or set(logs) == {"loss", "mae", "acc"}
    pred = model.predict(x, verbose=0)
    np.testing.assert_allclose(logs["mae"], np.abs(pred - y).mean(), rtol=1e-5)
    np.testing.assert_allclose(logs["loss"], ((pred - y) ** 2).mean(), rtol=1e-5)
    np.testing.assert_allclose(logs["acc"], ((pred > 0.5) == y).mean(), rtol=1e-5)
    model.compile(optimizer="sgd", loss="mse")
    assert isinstance(model.evaluate(x, y, verbose=0), float)


def test_loss_is_the_batch_size_weighted_mean_over_batches():
    """Keras averages batch losses weighted by batch size: a last short batch counts less."""
    x, y = _data(n=10)
    model = _model()
    model.compile(optimizer="sgd", loss="mse")
    pred = model.predict(x, verbose=0)
    batch_losses = [((pred[i:i + 4] - y[i:i + 4]) ** 2).mean() for i in (0, 4, 8)]
    expected = (4 * batch_losses[0] + 4 * batch_losses[1] + 2 * batch_losses[2]) / 10
    np.testing.assert_allclose(model.evaluate(x, y, batch_size=4, verbose=0), expected, rtol=1e-5)


def test_validation_split_uses_the_last_samples():
    x, y = _data(n=100)
    model = _model()
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(x, y, epochs=1, validation_split=0.2, verbose=0, shuffle=False)
    expected = model.evaluate(x[80:], y[80:], verbose=0)
    np.testing.assert_allclose(history.history["val_loss"][0], expected, rtol=1e-5)


def test_validation_data_and_freq():
    x, y = _data()
    model = _model()
    model.compile(optimizer="adam", loss="mse")
    history = model.fit(x, y, epochs=4, validation_data=(x[:20], y[:20]), validation_freq=2,
                        verbose=0)
    assert len(history.history["val_loss"]) == 2
    assert len(history.history["loss"]) == 4


def test_sample_weight_zero_ignores_samples():
    x, y = _data(n=64)
    model = _model()
    model.compile(optimizer="sgd", loss="mse")
    weights = np.ones(64, "float32")
    weights[32:] = 0.0
    pred = model.predict(x, verbose=0)
    expected = (((pred - y) ** 2).mean(axis=1) * weights).sum() / 64
    got = model.evaluate(x, y, sample_weight=weights, batch_size=64, verbose=0)
    np.testing.assert_allclose(got, expected, rtol=1e-5)


def test_class_weight_scales_the_loss():
    x, y = _data(n=64)
    model = _model()
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    before = model.get_weights()
    model.fit(x, y, class_weight={0: 0.0, 1: 0.0}, epochs=1, verbose=0, batch_size=64)
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_allclose(a, b)  # zero class weights: zero gradient
    with pytest.raises(ValueError, match="class_weight"):
        model.fit(x, y, class_weight={0: 1.0}, epochs=1, verbose=0)


def test_steps_per_epoch_and_env_caps(monkeypatch):
    x, y = _data(n=100)
    model = _model()
    model.compile(optimizer="sgd", loss="mse")
    seen = []
    cb = callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: seen.append(batch))
    model.fit(x, y, batch_size=10, steps_per_epoch=3, epochs=2, verbose=0, callbacks=[cb])
    assert seen == [0, 1, 2, 0, 1, 2]
    seen.clear()
    monkeypatch.setenv("KERAS_MAX_EPOCHS", "1")
    monkeypatch.setenv("KERAS_MAX_STEPS_PER_EPOCH", "2")
    history = model.fit(x, y, batch_size=10, epochs=5, verbose=0, callbacks=[cb])
    assert seen == [0, 1] and len(history.history["loss"]) == 1


def test_batch_logs_hold_running_metrics():
    x, y = _data(n=40)
    model = _model()
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    logged = []
    cb = callbacks.LambdaCallback(on_train_batch_end=lambda b, logs: logged.append(dict(logs)))
    model.fit(x, y, batch_size=20, epochs=1, verbose=0, callbacks=[cb])
    assert len(logged) == 2 and set(logged[0]) == {"loss", "mae"}
    assert all(np.isfinite(float(v)) for v in logged[1].values())


def test_early_stopping_stops_training():
    x, y = _data()
    model = _model()
    model.compile(optimizer="sgd", loss="mse")
    stopper = callbacks.EarlyStopping(monitor="loss", patience=0, min_delta=10.0)
    history = model.fit(x, y, epochs=10, verbose=0, callbacks=[stopper])
    assert len(history.history["loss"]) == 2


def test_single_batch_methods():
    x, y = _data(n=32)
    model = _model()
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    before = model.get_weights()[0].copy()
    loss, mae = model.train_on_batch(x, y)
    assert not np.allclose(before, model.get_weights()[0])
    logs = model.test_on_batch(x, y, return_dict=True)
    assert set(logs) == {"loss", "mae"}
    pred = model.predict_on_batch(x)
    assert pred.shape == (32, 1)
    np.testing.assert_allclose(logs["mae"], np.abs(pred - y).mean(), rtol=1e-5)


def test_generator_input():
    x, y = _data(n=64)

    def gen():
        while True:
            for i in range(0, 64, 16):
                yield x[i:i + 16], y[i:i + 16]

    model = _model()
    model.compile(optimizer="adam", loss="mse")
    history = model.fit(gen(), steps_per_epoch=4, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2


def test_keras2_nb_epoch_spelling():
    x, y = _data(n=32)
    model = _model()
    model.compile(optimizer="adam", loss="mse")
    with pytest.warns(DeprecationWarning):
        history = model.fit(x, y, nb_epoch=3, verbose=0)
    assert len(history.history["loss"]) == 3


# -- bad input: refused with a clear message before any training starts --------------------

def test_fit_before_compile():
    x, y = _data()
    with pytest.raises(RuntimeError, match="compile"):
        _model().fit(x, y, verbose=0)


def test_x_and_y_of_different_lengths():
    x, y = _data()
    model = _model()
    model.compile(optimizer="adam", loss="mse")
    with pytest.raises(ValueError, match="200.*150|cardinality"):
        model.fit(x, y[:150], verbose=0)


@pytest.mark.parametrize("kwargs, word", [
    ({"optimizer": "adamm", "loss": "mse"}, "adamm"),
    ({"optimizer": "adam", "loss": "mean_sqared_error"}, "mean_sqared_error"),
    ({"optimizer": "adam", "loss": "mse", "metrics": ["acuracy"]}, "acuracy"),
])
def test_unknown_names_are_refused_at_compile(kwargs, word):
    with pytest.raises(ValueError, match=word):
        _model().compile(**kwargs)


def test_wrong_input_shape_names_layer_and_shapes():
    model = _model(d=4)
    model.compile(optimizer="adam", loss="mse")
    x = np.ones((10, 5), "float32")
    with pytest.raises(ValueError, match=r"dense.*\(None, 4\).*\(None, 5\)"):
        model.fit(x, np.ones((10, 1)), verbose=0)
    with pytest.raises(ValueError, match=r"\(None, 4\)"):
        model.predict(x, verbose=0)


def test_predict_returns_numpy_in_order():
    x, _ = _data(n=50)
    model = _model()
    out = model.predict(x, batch_size=7, verbose=0)
    assert isinstance(out, np.ndarray) and out.shape == (50, 1)
    np.testing.assert_allclose(out[:7], model.predict(x[:7], verbose=0), rtol=1e-6)


def test_progress_bar_output_when_not_a_terminal(capsys):
    x, y = _data(n=64)
    model = _model()
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    model.fit(x, y, epochs=2, batch_size=32, verbose=1)
    out = capsys.readouterr().out
    assert "Epoch 1/2" in out and "Epoch 2/2" in out
    assert "2/2" in out and "loss:" in out and "mae:" in out
    assert "\r" not in out


def test_metrics_names_pair_with_evaluate_values():
    x, y = _data()
    model = _model()
    model.compile(optimizer="sgd", loss="mse", metrics=["mae", "acc"])
    values = model.evaluate(x, y, verbose=0)
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    assert dict(zip(model.metrics_names, values)) == logs
