"""fit/evaluate/predict set torch's train()/eval() modes, so torch modules inside layers behave."""

import time

import numpy as np
import torch

import lamina
from lamina import layers


class TorchDropout(layers.Layer):
    """A lamina layer that holds a torch module and does not look at ``training`` itself."""

    def __init__(self, rate=0.5, **kwargs):
        super().__init__(**kwargs)
        self.drop = torch.nn.Dropout(rate)
        self.modes = []

    def call(self, x):
        self.modes.append(self.drop.training)
        return self.drop(x)


class TorchBatchNorm(layers.Layer):
    def __init__(self, channels, **kwargs):
        super().__init__(**kwargs)
        self.bn = torch.nn.BatchNorm1d(channels)

    def call(self, x):
        return self.bn(x)


def _model(layer):
    model = lamina.Sequential([lamina.Input((1000,)), layer])
    model.compile(optimizer="sgd", loss="mse")
    return model


def test_predict_runs_torch_dropout_in_eval_mode():
    layer = TorchDropout()
    model = _model(layer)
    x = np.ones((1, 1000), "float32")
    model(x)  # a direct call after construction: torch's default, training mode
    out = model.predict(x, verbose=0)
    np.testing.assert_array_equal(out, x)  # nothing zeroed
    assert layer.modes[-1] is False
    model.fit(x, x, epochs=1, verbose=0)
    out = model.predict(x, verbose=0)
    np.testing.assert_array_equal(out, x)
    assert model.evaluate(x, x, verbose=0) == 0.0


def test_fit_trains_torch_modules_and_validates_in_eval_mode():
    layer = TorchDropout()
    model = _model(layer)
    x = np.ones((8, 1000), "float32")
    model.fit(x, x, batch_size=4, epochs=1, verbose=0)  # builds the compiled metrics
    layer.modes.clear()
    model.fit(x, x, batch_size=4, epochs=2, validation_data=(x, x), verbose=0)
    # per epoch: two training batches in train mode, then two validation batches in eval mode
    assert layer.modes == [True, True, False, False] * 2
    assert layer.drop.training is False  # fit leaves the model in eval mode, as Keras


def test_on_batch_calls_set_the_mode():
    layer = TorchDropout()
    model = _model(layer)
    x = np.ones((4, 1000), "float32")
    seen = []
    for call in (lambda: model.predict_on_batch(x), lambda: model.train_on_batch(x, x),
                 lambda: model.test_on_batch(x, x), lambda: model.predict_on_batch(x)):
        layer.modes.clear()
        call()
        seen.append(set(layer.modes))
    assert seen == [{False}, {True}, {False}, {False}]


def test_torch_batchnorm_statistics_move_only_in_fit():
    layer = TorchBatchNorm(3)
    model = lamina.Sequential([lamina.Input((3,)), layer])
    model.compile(optimizer="sgd", loss="mse")
    x = np.random.default_rng(0).normal(5.0, 2.0, (64, 3)).astype("float32")
    model.predict(x, verbose=0)
    np.testing.assert_array_equal(layer.bn.running_mean.numpy(), np.zeros(3))
    out = model.predict(x, verbose=0)  # eval mode: running stats (0, 1), near identity
    np.testing.assert_allclose(out, x / np.sqrt(1 + 1e-5), rtol=1e-5)
    model.fit(x, x, batch_size=64, epochs=1, verbose=0)
    assert np.all(layer.bn.running_mean.numpy() > 0.4)  # 0.1 * batch mean (~5)


def test_mode_switch_leaves_the_step_time_unchanged():
    # the switch happens once per epoch / call, not per batch: a 200-batch epoch of a tiny
    # model costs what the steps cost (checked against train_on_batch's bare steps)
    model = lamina.Sequential([lamina.Input((4,)), layers.Dense(4), layers.Dropout(0.1),
                               layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x = np.ones((200, 4), "float32")
    model.fit(x, x[:, :1], batch_size=1, epochs=1, verbose=0)
    start = time.perf_counter()
    model.fit(x, x[:, :1], batch_size=1, epochs=1, verbose=0)
    per_step = (time.perf_counter() - start) / 200
    calls = []
    original = model.train
    model.train = lambda mode=True: (calls.append(mode), original(mode))[1]
    model.fit(x, x[:, :1], batch_size=1, epochs=2, verbose=0)
    assert calls == [True, False, True, False]
    assert per_step < 5e-3  # generous: a tiny step takes well under a millisecond
