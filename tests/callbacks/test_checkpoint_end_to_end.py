"""ModelCheckpoint and EarlyStopping inside a real fit, with real files."""

import numpy as np

import lamina
from lamina import callbacks, layers


def _model():
    model = lamina.Sequential([layers.Dense(8, activation="relu", input_shape=(3,)),
                               layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    return model


def _data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3)).astype("float32")
    return x, x.sum(axis=1, keepdims=True)


def test_checkpoint_every_epoch_with_template(tmp_path):
    x, y = _data()
    model = _model()
    path = str(tmp_path / "model_{epoch:02d}.keras")
    model.fit(x, y, epochs=3, verbose=0, callbacks=[callbacks.ModelCheckpoint(path)])
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["model_01.keras", "model_02.keras", "model_03.keras"]
    restored = lamina.models.load_model(str(tmp_path / "model_03.keras"))
    np.testing.assert_allclose(restored.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-6)


def test_best_weights_only_and_restore(tmp_path):
    x, y = _data()
    model = _model()
    path = str(tmp_path / "best.weights.h5")
    history = model.fit(
        x, y, epochs=6, verbose=0, validation_data=(x, y),
        callbacks=[callbacks.ModelCheckpoint(path, save_best_only=True, save_weights_only=True)],
    )
    best_epoch = int(np.argmin(history.history["val_loss"]))
    fresh = _model()
    fresh.load_weights(path)
    best = fresh.evaluate(x, y, verbose=0, return_dict=True)["loss"]
    np.testing.assert_allclose(best, history.history["val_loss"][best_epoch], rtol=1e-5)
