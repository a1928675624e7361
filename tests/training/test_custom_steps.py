"""Overriding train_step / test_step as Keras' "customizing fit" guide does, on torch."""

import numpy as np

import lamina
from lamina import layers, ops


def _data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3)).astype("float32")
    return x, x.sum(axis=1, keepdims=True)


class CustomModel(lamina.Sequential):
    steps = 0

    def train_step(self, data):
        x, y = data
        self.zero_grad()
        y_pred = self(x, training=True)
        loss = self.compute_loss(y=y, y_pred=y_pred)
        loss.backward()
        trainable = list(self.trainable_weights)
        grads = [v.value.grad for v in trainable]
        self.optimizer.apply(grads, trainable)
        CustomModel.steps += 1
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}

    def test_step(self, data):
        x, y = data
        y_pred = self(x, training=False)
        loss = self.compute_loss(y=y, y_pred=y_pred)
        return {"custom_loss": loss}


def test_custom_train_step_trains_and_reports_its_logs():
    x, y = _data()
    model = CustomModel([layers.Dense(8, activation="relu", input_shape=(3,)), layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    CustomModel.steps = 0
    history = model.fit(x, y, epochs=5, batch_size=16, verbose=0)
    assert CustomModel.steps == 20
    assert set(history.history) == {"loss", "mae"}
    assert history.history["loss"][-1] < history.history["loss"][0]
    result = model.evaluate(x, y, verbose=0, return_dict=True)
    assert set(result) == {"custom_loss"}
    pred = model.predict(x, verbose=0)
    np.testing.assert_allclose(result["custom_loss"], ((pred[-32:] - y[-32:]) ** 2).mean(),
                               rtol=1e-5)


def test_compute_metrics_returns_every_metric():
    x, y = _data()
    model = lamina.Sequential([layers.Dense(1, input_shape=(3,))])
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    pred = model(ops.convert_to_tensor(x))
    logs = model.compute_metrics(x, ops.convert_to_tensor(y), pred)
    np.testing.assert_allclose(float(logs["mae"]), np.abs(ops.convert_to_numpy(pred) - y).mean(),
                               rtol=1e-5)


def test_set_random_seed_makes_fit_repeatable():
    x, y = _data()

    def run():
        lamina.utils.set_random_seed(123)
        model = lamina.Sequential([layers.Dense(8, activation="relu", input_shape=(3,)),
                                   layers.Dropout(0.3), layers.Dense(1)])
        model.compile(optimizer="adam", loss="mse")
        model.fit(x, y, epochs=3, batch_size=8, verbose=0)
        return model.get_weights()

    for a, b in zip(run(), run()):
        np.testing.assert_array_equal(a, b)


def test_initial_epoch_set_by_a_callback_is_honoured():
    x, y = _data()

    class Resume(lamina.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.model._initial_epoch = 3

    seen = []
    model = lamina.Sequential([layers.Dense(1, input_shape=(3,))])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, y, epochs=5, verbose=0, callbacks=[
        Resume(), lamina.callbacks.LambdaCallback(on_epoch_begin=lambda e, logs: seen.append(e))])
    assert seen == [3, 4]


class Autoencoder(lamina.Model):
    """A VAE-style model: fit(x) with no target, the step reads ``data`` as the images."""

    def __init__(self):
        super().__init__()
        self.net = lamina.Sequential([layers.Dense(4), layers.Dense(3)])
        self.loss_tracker = lamina.metrics.Mean(name="loss")
        self.seen = []

    @property
    def metrics(self):
        return [self.loss_tracker]

    def call(self, x):
        return self.net(x)

    def train_step(self, data):
        self.seen.append(type(data))
        loss = ops.mean(ops.square(self(data) - data))
        self.loss_tracker.update_state(loss)
        return {"loss": self.loss_tracker.result()}

    def test_step(self, data):
        self.seen.append(type(data))
        loss = ops.mean(ops.square(self(data) - data))
        return {"loss": loss}

    def predict_step(self, data):
        self.seen.append(type(data))
        return self(data) * 0.0 + 1.0


def test_steps_get_x_alone_when_fit_has_no_target():
    x, _ = _data()
    model = Autoencoder()
    model.compile(optimizer="adam")
    history = model.fit(x, epochs=1, batch_size=32, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    assert model.evaluate(x, verbose=0) > 0
    np.testing.assert_array_equal(model.predict(x, verbose=0), np.ones((64, 3)))
    assert model.train_on_batch(x) > 0
    assert model.test_on_batch(x) > 0
    np.testing.assert_array_equal(model.predict_on_batch(x), np.ones((64, 3)))
    assert model.seen and all(t is not tuple for t in model.seen)


def test_train_on_batch_with_a_custom_step_gets_x_y_and_returns_its_logs():
    x, y = _data()
    model = CustomModel([layers.Dense(1, input_shape=(3,))])
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    logs = model.train_on_batch(x, y, return_dict=True)
    assert set(logs) == {"loss", "mae"}
    assert model.test_on_batch(x, y, return_dict=True).keys() == {"custom_loss"}


def test_a_metric_held_by_a_subclassed_model_is_logged_and_reset():
    # Keras 3 reports metrics a model holds as attributes (Géron's ReconstructingRegressor)
    import numpy as np

    import lamina

    class Regressor(lamina.Model):
        def __init__(self):
            super().__init__()
            self.out = lamina.layers.Dense(1)
            self.input_mean = lamina.metrics.Mean(name="input_mean")

        def call(self, inputs, training=None):
            if training:
                self.input_mean.update_state(lamina.ops.mean(inputs))
            return self.out(inputs)

    x = np.concatenate([np.zeros((8, 2)), np.ones((8, 2))]).astype("float32")
    model = Regressor()
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(x, x[:, :1], epochs=2, batch_size=8, shuffle=False, verbose=0)
    assert sorted(history.history) == ["input_mean", "loss"]
    assert history.history["input_mean"] == [0.5, 0.5]  # reset each epoch
