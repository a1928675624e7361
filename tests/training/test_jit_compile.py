"""jit_compile=True runs forward and loss through the engine's compiler, with eager's numbers."""

import numpy as np

import lamina
from lamina import layers


def _fit(jit_compile):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 5)).astype("float32")
    y = (x.sum(axis=1) > 0).astype("int64")
    model = lamina.Sequential([layers.Dense(8, activation="relu", input_shape=(5,)),
                               layers.Dense(2, activation="softmax")])
    model.set_weights([rng.normal(size=w.shape).astype("float32") * 0.3
                       for w in model.get_weights()])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"], jit_compile=jit_compile)
    history = model.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0)
    return model.get_weights(), history.history


def test_compiled_training_matches_eager():
    eager_w, eager_h = _fit(False)
    jit_w, jit_h = _fit(True)
    for a, b in zip(eager_w, jit_w):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(eager_h["loss"], jit_h["loss"], rtol=1e-5)
    np.testing.assert_allclose(eager_h["accuracy"], jit_h["accuracy"])
