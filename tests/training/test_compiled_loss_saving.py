"""A model compiled with a loss object that has arguments (``Huber(delta=2.0)``) saves to
.keras and loads back with that loss, and trains on exactly as the original does."""

import numpy as np

import lamina
from lamina import layers, losses


def _model():
    model = lamina.Sequential([lamina.Input((3,)), layers.Dense(4, activation="tanh"),
                               layers.Dense(2)])
    model.compile(optimizer=lamina.optimizers.Adam(1e-2), loss=losses.Huber(delta=2.0),
                  metrics=["mae", lamina.metrics.RootMeanSquaredError()])
    return model


def _data():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(32, 3)).astype("float32")
    return x, (3.0 * rng.normal(size=(32, 2))).astype("float32")  # errors beyond delta=1


def test_huber_with_delta_loads_with_its_config_and_trains_on_identically(tmp_path):
    x, y = _data()
    model = _model()
    model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    model.save(tmp_path / "huber.keras")
    loaded = lamina.saving.load_model(tmp_path / "huber.keras")

    assert isinstance(loaded.loss, losses.Huber)
    assert loaded.loss.get_config() == model.loss.get_config()
    assert loaded.loss.get_config()["delta"] == 2.0
    ours = model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0).history
    theirs = loaded.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0).history
    assert sorted(theirs) == sorted(ours) == ["loss", "mae", "root_mean_squared_error"]
    for key in ours:
        np.testing.assert_allclose(theirs[key], ours[key], rtol=1e-6)
    for a, b in zip(loaded.get_weights(), model.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_compile_takes_a_saved_loss_config_alone_and_per_output():
    saved = lamina.saving.serialize_keras_object(losses.Huber(delta=0.5))
    x, y = _data()
    model = lamina.Sequential([lamina.Input((3,)), layers.Dense(2, name="out")])
    model.compile(optimizer="sgd", loss=saved)
    single = model.evaluate(x, y, verbose=0)
    want = float(losses.Huber(delta=0.5)(y, model.predict(x, verbose=0)))
    np.testing.assert_allclose(single, want, rtol=1e-5)
    model.compile(optimizer="sgd", loss={"out": saved})
    np.testing.assert_allclose(model.evaluate(x, y, verbose=0), want, rtol=1e-5)
