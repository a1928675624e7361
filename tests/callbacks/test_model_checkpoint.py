import json
import os

import pytest

from lamina.callbacks import CallbackList, ModelCheckpoint


def fit(callback, model, val_losses, steps=0):
    cbs = CallbackList([callback], model=model, epochs=len(val_losses), steps=steps, verbose=0)
    cbs.on_train_begin()
    for epoch, value in enumerate(val_losses):
        model.weights[0][0] = epoch
        cbs.on_epoch_begin(epoch)
        for batch in range(steps):
            cbs.on_train_batch_end(batch, {"loss": 1.0})
        cbs.on_epoch_end(epoch, {"loss": value, "val_loss": value})
    cbs.on_train_end()


def test_saves_every_epoch_with_template(model, tmp_path):
    path = str(tmp_path / "ckpt" / "m-{epoch:02d}-{val_loss:.2f}.keras")
    fit(ModelCheckpoint(path), model, [0.5, 0.25])
    assert model.saved == ["m-01-0.50.keras", "m-02-0.25.keras"]
    with open(tmp_path / "ckpt" / "m-02-0.25.keras") as f:
        assert json.load(f) == {"kind": "model", "w": 1.0}


def test_save_best_only_weights(model, tmp_path, capsys):
    path = str(tmp_path / "best.weights.h5")
    cb = ModelCheckpoint(path, save_best_only=True, save_weights_only=True, verbose=1)
    fit(cb, model, [0.5, 0.7, 0.3, 0.4])
    assert model.saved == ["best.weights.h5"] * 2
    with open(path) as f:
        assert json.load(f) == {"kind": "weights", "w": 2.0}
    out = capsys.readouterr().out
    assert "Epoch 1: val_loss improved from None to 0.50000, saving model to" in out
    assert "Epoch 2: val_loss did not improve from 0.50000" in out


def test_initial_value_threshold(model, tmp_path):
    cb = ModelCheckpoint(
        str(tmp_path / "m.keras"), save_best_only=True, initial_value_threshold=0.4
    )
    fit(cb, model, [0.5, 0.45, 0.3])
    assert model.saved == ["m.keras"] and cb.best == 0.3


def test_mode_max_on_accuracy(model, tmp_path):
    cb = ModelCheckpoint(str(tmp_path / "m.keras"), monitor="loss", mode="max", save_best_only=True)
    fit(cb, model, [0.5, 0.4, 0.6])
    assert len(model.saved) == 2


def test_save_freq_in_batches(model, tmp_path):
    cb = ModelCheckpoint(str(tmp_path / "m-{epoch}-{batch}.keras"), save_freq=3)
    fit(cb, model, [0.5, 0.4], steps=4)
    # 8 batches in all, a save every 3: after batch 3 of epoch 1 and batch 2 of epoch 2.
    assert model.saved == ["m-1-3.keras", "m-2-2.keras"]


def test_missing_monitor_warns_and_saves(model, tmp_path):
    cb = ModelCheckpoint(
        str(tmp_path / "m.keras"), monitor="val_acc", save_best_only=True, mode="max"
    )
    cbs = CallbackList([cb], model=model)
    with pytest.warns(UserWarning, match="val_acc available"):
        cbs.on_epoch_end(0, {"loss": 1.0})
    assert model.saved == ["m.keras"]


@pytest.mark.parametrize(
    "path, weights_only, message",
    [
        ("model.txt", False, "must end in `.keras`"),
        ("model.weights.keras", True, "must end in `.weights.h5`"),
        ("model.h5", True, "must end in `.weights.h5`"),
    ],
)
def test_bad_extensions_are_refused(path, weights_only, message):
    with pytest.raises(ValueError, match=message):
        ModelCheckpoint(path, save_weights_only=weights_only)


def test_bad_save_freq():
    with pytest.raises(ValueError, match="Unrecognized save_freq"):
        ModelCheckpoint("m.keras", save_freq="batch")


def test_bad_template_key(model, tmp_path):
    cb = ModelCheckpoint(str(tmp_path / "{nope}.keras"))
    with pytest.raises(KeyError, match="Failed to format"):
        fit(cb, model, [1.0])


def test_directory_path_is_refused(model, tmp_path):
    os.makedirs(tmp_path / "dir.keras")
    with pytest.raises(IOError, match="non-directory"):
        fit(ModelCheckpoint(str(tmp_path / "dir.keras")), model, [1.0])
