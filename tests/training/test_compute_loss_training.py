"""compute_loss(training=...) reaches an override as Keras passes it: True in fit's steps,
False in evaluate and validation; overrides without the argument (Keras < 3.3) still work."""

import numpy as np

import lamina
from lamina import layers


def _data():
    rng = np.random.default_rng(0)
    return rng.normal(size=(8, 3)).astype("float32"), rng.normal(size=(8, 1)).astype("float32")


class Recording(lamina.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense = layers.Dense(1)
        self.seen = []

    def call(self, x):
        return self.dense(x)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        self.seen.append(training)
        loss = super().compute_loss(x, y, y_pred, sample_weight, training=training)
        # a loss that depends on training: an extra penalty only while training
        return loss + (10.0 if training else 0.0)


class OldStyle(Recording):
    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None):
        self.seen.append("called")
        return lamina.Model.compute_loss(self, x, y, y_pred, sample_weight)


def test_training_flag_reaches_compute_loss():
    x, y = _data()
    model = Recording()
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(x, y, batch_size=4, epochs=1, validation_data=(x, y), verbose=0)
    assert True in model.seen and model.seen[-1] is False
    # the training loss carries the penalty, the validation loss does not
    assert history.history["loss"][0] - history.history["val_loss"][0] > 9.0
    model.seen.clear()
    model.evaluate(x, y, verbose=0)
    assert model.seen and set(model.seen) == {False}


def test_override_without_training_argument_still_runs():
    x, y = _data()
    model = OldStyle()
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, y, batch_size=4, epochs=1, verbose=0)
    model.evaluate(x, y, verbose=0)
    assert model.seen and set(model.seen) == {"called"}
