"""Keras 2's fit_generator / evaluate_generator / predict_generator still work."""

import numpy as np
import pytest

import lamina
from lamina import layers


def _gen(x, y, batch=16):
    while True:
        for i in range(0, len(x), batch):
            yield x[i:i + batch], y[i:i + batch]


def test_generator_methods():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3)).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    model = lamina.Sequential([layers.Dense(4, input_shape=(3,)), layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    with pytest.warns(DeprecationWarning, match="fit_generator"):
        history = model.fit_generator(_gen(x, y), steps_per_epoch=4, epochs=2, verbose=0,
                                      validation_data=_gen(x, y), validation_steps=2,
                                      workers=2, use_multiprocessing=False)
    assert len(history.history["val_loss"]) == 2
    with pytest.warns(DeprecationWarning):
        loss = model.evaluate_generator(_gen(x, y), steps=4, verbose=0)
    np.testing.assert_allclose(loss, model.evaluate(x, y, batch_size=16, verbose=0), rtol=1e-5)
    with pytest.warns(DeprecationWarning):
        pred = model.predict_generator(_gen(x, y), steps=4, verbose=0)
    np.testing.assert_allclose(pred, model.predict(x, verbose=0), rtol=1e-6)
