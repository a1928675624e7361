"""20 training steps of the same model in Keras 3 and lamina, for every optimizer."""

import numpy as np
import pytest

import lamina

OPTIMIZERS = [
    ("SGD", {"learning_rate": 0.05, "momentum": 0.9, "nesterov": True}),
    ("Adam", {"learning_rate": 0.01}),
    ("AdamW", {"learning_rate": 0.01, "weight_decay": 0.05}),
    ("RMSprop", {"learning_rate": 0.005, "momentum": 0.5, "centered": True}),
    ("Adagrad", {"learning_rate": 0.05}),
    ("Adadelta", {"learning_rate": 1.0}),
    ("Adamax", {"learning_rate": 0.01}),
    ("Nadam", {"learning_rate": 0.01}),
    ("Ftrl", {"learning_rate": 0.05, "l1_regularization_strength": 0.001}),
    ("Lion", {"learning_rate": 0.001}),
    ("Lamb", {"learning_rate": 0.01}),
    ("Adam", {"learning_rate": 0.01, "clipnorm": 0.5, "amsgrad": True}),
]


def _model(lib):
    L = lib.layers
    return lib.Sequential([L.Input(shape=(6,)), L.Dense(8, activation="tanh"),
                           L.Dense(3, activation="softmax")])


@pytest.mark.parametrize("name, kwargs", OPTIMIZERS,
                         ids=[f"{n}-{i}" for i, (n, _) in enumerate(OPTIMIZERS)])
def test_twenty_steps_agree(keras, rng, name, kwargs):
    x = rng.normal(size=(160, 6)).astype("float32")
    y = rng.integers(0, 3, size=160)
    weights = [rng.normal(scale=0.5, size=s).astype("float32")
               for s in [(6, 8), (8,), (8, 3), (3,)]]
    models = []
    for lib in (keras, lamina):
        model = _model(lib)
        model.set_weights(weights)
        model.compile(optimizer=getattr(lib.optimizers, name)(**kwargs),
                      loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        history = model.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0)
        models.append((model, history.history))
    (theirs, their_logs), (ours, our_logs) = models
    for a, b in zip(theirs.get_weights(), ours.get_weights()):
        np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(our_logs["loss"], their_logs["loss"], rtol=1e-5)
