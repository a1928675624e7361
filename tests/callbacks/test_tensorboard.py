"""TensorBoard: real event files, read back with TensorBoard's own reader."""

import os

import numpy as np
import pytest

import lamina
from lamina import callbacks, layers, optimizers

pytest.importorskip("tensorboard")
from tensorboard.backend.event_processing.event_accumulator import (  # noqa: E402
    EventAccumulator,
)


def _fit(log_dir, epochs=3, validation=True, **kwargs):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 3)).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    model = lamina.Sequential(
        [layers.Dense(4, activation="relu", input_shape=(3,)), layers.Dense(1)]
    )
    model.compile(optimizer=optimizers.SGD(learning_rate=0.05), loss="mse", metrics=["mae"])
    tb = callbacks.TensorBoard(log_dir=str(log_dir), **kwargs)
    history = model.fit(
        x,
        y,
        batch_size=10,
        epochs=epochs,
        verbose=0,
        shuffle=False,
        validation_data=(x, y) if validation else None,
        callbacks=[tb],
    )
    return model, history, x, y, tb


def _load(path):
    acc = EventAccumulator(str(path), size_guidance={"scalars": 0, "histograms": 0})
    acc.Reload()
    return acc


def _values(acc, tag):
    return [e.value for e in acc.Scalars(tag)], [e.step for e in acc.Scalars(tag)]


def test_epoch_scalars_train_and_validation(tmp_path):
    _, history, *_ = _fit(tmp_path)
    train, val = _load(tmp_path / "train"), _load(tmp_path / "validation")
    assert set(train.Tags()["scalars"]) == {"epoch_loss", "epoch_mae", "epoch_learning_rate"}
    # validation inside fit runs the test hooks, as Keras' does, so the evaluation tags appear
    assert set(val.Tags()["scalars"]) == {"epoch_loss", "epoch_mae",
                                          "evaluation_loss_vs_iterations",
                                          "evaluation_mae_vs_iterations"}
    values, steps = _values(train, "epoch_loss")
    assert steps == [0, 1, 2]
    np.testing.assert_allclose(values, history.history["loss"], rtol=1e-6)
    values, _ = _values(val, "epoch_mae")
    np.testing.assert_allclose(values, history.history["val_mae"], rtol=1e-6)
    np.testing.assert_allclose(_values(train, "epoch_learning_rate")[0], [0.05] * 3, rtol=1e-6)
    assert train.Tags()["histograms"] == []  # histogram_freq=0


def test_batch_scalars_with_update_freq_and_histograms(tmp_path):
    model, history, *_ = _fit(tmp_path, epochs=2, validation=False, update_freq=2, histogram_freq=1)
    train = _load(tmp_path / "train")
    assert not os.path.exists(tmp_path / "validation")
    # 4 batches per epoch: the global batch count 2, 4, 6, 8 is written
    values, steps = _values(train, "batch_loss")
    assert steps == [2, 4, 6, 8]
    assert np.all(np.isfinite(values))
    assert "batch_mae" in train.Tags()["scalars"]
    hist_tags = set(train.Tags()["histograms"])
    assert hist_tags == {f"{w.path}/histogram" for w in model.weights}
    kernel = model.weights[0]
    events = train.Histograms(f"{kernel.path}/histogram")
    assert [e.step for e in events] == [0, 1]
    last = events[-1].histogram_value
    weights = kernel.numpy()
    assert last.num == weights.size
    assert last.min == pytest.approx(weights.min()) and last.max == pytest.approx(weights.max())
    assert sum(last.bucket) == weights.size


def test_update_freq_batch_and_evaluate(tmp_path):
    model, _, x, y, tb = _fit(tmp_path, epochs=1, validation=False, update_freq="batch")
    train = _load(tmp_path / "train")
    assert _values(train, "batch_loss")[1] == [1, 2, 3, 4]
    result = model.evaluate(x, y, verbose=0, callbacks=[tb], return_dict=True)
    tb._close_writers()
    val = _load(tmp_path / "validation")
    values, steps = _values(val, "evaluation_loss_vs_iterations")
    assert steps == [4] and values[0] == pytest.approx(result["loss"], rel=1e-6)


def test_arguments_checked():
    with pytest.raises(ValueError, match="Profiling"):
        callbacks.TensorBoard(profile_batch=2)
    with pytest.raises(ValueError, match="update_freq"):
        callbacks.TensorBoard(update_freq="sometimes")


def test_missing_tensorboard_package_says_how_to_install(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name.startswith("tensorboard"):
            raise ImportError("no tensorboard")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(ImportError, match="pip install tensorboard"):
        callbacks.TensorBoard()
