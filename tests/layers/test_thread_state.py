"""The call context (training flag), name scopes and added losses are per thread (Keras'
global_state is thread-local), so threads can predict at once and fit does not leak."""

import sys
import threading

import numpy as np

import lamina
from lamina import layers
from lamina.layers import layer as layer_module


def _run_threads(targets):
    errors = []
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads often, so a shared flag would be seen

    def wrap(fn):
        def run():
            try:
                fn()
            except BaseException as e:  # reported by the main thread
                errors.append(e)
        return run

    threads = [threading.Thread(target=wrap(fn)) for fn in targets]
    for t in threads:
        t.start()
    try:
        for t in threads:
            t.join(timeout=120)
    finally:
        sys.setswitchinterval(interval)
    if errors:
        raise errors[0]


class _Block(layers.Layer):
    """Calls its Dropout without ``training``: the Dropout reads the call context."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense = layers.Dense(64)
        self.dropout = layers.Dropout(0.5)

    def call(self, x):
        return self.dropout(self.dense(x))


def _dropout_model(seed, width=64):
    lamina.utils.set_random_seed(seed)
    model = lamina.Sequential([lamina.Input((width,)), _Block(), layers.Dense(4)])
    model.compile(optimizer=lamina.optimizers.SGD(learning_rate=0.0), loss="mse")
    return model


def test_predict_from_threads_on_one_model_and_on_several():
    x = np.random.default_rng(0).normal(size=(256, 64)).astype("float32")
    shared = _dropout_model(1)
    others = [_dropout_model(2 + i) for i in range(3)]
    expected_shared = shared.predict(x, batch_size=16, verbose=0)
    expected = [m.predict(x, batch_size=16, verbose=0) for m in others]
    got = {}

    def predict(key, model):
        def run():
            for _ in range(5):
                got.setdefault(key, []).append(model.predict(x, batch_size=16, verbose=0))
        return run

    _run_threads([predict(("shared", i), shared) for i in range(3)]
                 + [predict(("other", i), m) for i, m in enumerate(others)])
    for i in range(3):
        for out in got[("shared", i)]:
            np.testing.assert_allclose(out, expected_shared, rtol=1e-5, atol=1e-6)
        for out in got[("other", i)]:
            np.testing.assert_allclose(out, expected[i], rtol=1e-5, atol=1e-6)


class _Steps:
    """Events that order two threads: predict enters its block, fit's block sets training=True,
    predict's Dropout then reads the call context, fit goes on."""

    def __init__(self):
        self.predict_entered = threading.Event()
        self.fit_inside = threading.Event()
        self.predict_read = threading.Event()
        self.release()

    def release(self):  # no ordering: building and warming up run in one thread
        for event in (self.predict_entered, self.fit_inside, self.predict_read):
            event.set()

    def arm(self):
        for event in (self.predict_entered, self.fit_inside, self.predict_read):
            event.clear()


class _Gate(layers.Layer):
    def __init__(self, steps, **kwargs):
        super().__init__(**kwargs)
        self.steps = steps

    def call(self, x):
        if threading.current_thread().name == "fit":
            self.steps.predict_entered.wait(10)
        return x


class _OrderedBlock(_Block):
    def __init__(self, steps, **kwargs):
        super().__init__(**kwargs)
        self.steps = steps

    def call(self, x):
        h = self.dense(x)
        fit = threading.current_thread().name == "fit"
        if fit:
            self.steps.fit_inside.set()
            self.steps.predict_read.wait(10)
        else:
            self.steps.predict_entered.set()
            self.steps.fit_inside.wait(10)
        out = self.dropout(h)
        if not fit:
            self.steps.predict_read.set()
        return out


def test_fit_in_one_thread_does_not_set_training_in_another():
    x = np.random.default_rng(1).normal(size=(32, 64)).astype("float32")
    y = np.zeros((32, 64), "float32")
    steps = _Steps()
    trained = lamina.Sequential([lamina.Input((64,)), _Gate(steps), _OrderedBlock(steps)])
    trained.compile(optimizer="sgd", loss="mse")
    watched = lamina.Sequential([lamina.Input((64,)), _OrderedBlock(steps)])
    trained.fit(x, y, batch_size=32, epochs=1, verbose=0)  # builds the compiled step
    expected = watched.predict(x, batch_size=32, verbose=0)
    steps.arm()
    got = {}
    threads = [
        threading.Thread(name="fit", target=lambda: trained.fit(
            x, y, batch_size=32, epochs=1, verbose=0)),
        threading.Thread(name="predict", target=lambda: got.setdefault(
            "out", watched.predict(x, batch_size=32, verbose=0))),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert steps.predict_read.is_set()  # the steps ran in the order above
    # a training flag shared between threads would run Dropout(0.5) in predict: units zeroed
    np.testing.assert_array_equal(got["out"], expected)


def test_name_scopes_and_training_flag_are_per_thread():
    inside = threading.Event()
    release = threading.Event()
    seen = {}

    def other():
        with layers.Layer(name="other_thread")._open_name_scope():
            layer_module.CALL_CONTEXT.training = True
            inside.set()
            release.wait(10)
            seen["other"] = layer_module.current_path()

    t = threading.Thread(target=other)
    t.start()
    inside.wait(10)
    seen["main"] = layer_module.current_path()
    seen["main_training"] = layer_module.CALL_CONTEXT.training
    with layers.Layer(name="main_thread")._open_name_scope():
        dense = layers.Dense(2)
        dense.build((None, 3))
    release.set()
    t.join(10)
    assert seen == {"main": "", "main_training": None, "other": "other_thread"}
    assert dense.kernel.path == f"main_thread/{dense.name}/kernel"

