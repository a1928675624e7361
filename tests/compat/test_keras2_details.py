"""Keras 2 details that book notebooks depend on, under `lamina run` (the keras alias)."""

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import lamina
from lamina.compat import keras_alias


@pytest.fixture
def keras():
    keras_alias.install()
    try:
        import keras as k

        yield k
    finally:
        keras_alias.uninstall()


def test_history_and_monitor_accept_keras2_metric_names(keras):
    model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid", input_shape=(3,))])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy", "mae"])
    x = np.random.default_rng(0).normal(size=(64, 3)).astype("float32")
    y = (x[:, 0] > 0).astype("float32")
    stop = keras.callbacks.EarlyStopping(monitor="val_acc", patience=0, mode="max")
    history = model.fit(x, y, validation_split=0.25, epochs=3, verbose=0, callbacks=[stop])
    h = history.history
    assert h["acc"] is h["accuracy"] and h["val_acc"] is h["val_accuracy"]
    assert h["val_mean_absolute_error"] is h["val_mae"]
    assert "acc" in h and "mean_absolute_error" in h
    assert sorted(h) == ["accuracy", "loss", "mae", "val_accuracy", "val_loss", "val_mae"]
    assert stop.best == max(h["val_accuracy"][: len(h["val_accuracy"])])


def test_embedding_input_length_builds_the_sequential(keras):
    model = keras.Sequential()
    model.add(keras.layers.Embedding(50, 4, input_length=7))
    model.add(keras.layers.Flatten())
    model.add(keras.layers.Dense(1))
    assert model.built and model.output_shape == (None, 1)
    table = np.arange(200, dtype="float32").reshape(50, 4)
    model.layers[0].set_weights([table])  # before fit, as Keras 2 programs do
    out = model.layers[0](np.array([[3, 1, 0, 0, 0, 0, 0]]))
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(out)[0, :2], table[[3, 1]])


def test_vae_sampling_lambda_on_a_dynamic_batch_size(keras):
    from keras import backend as K

    inputs = keras.Input(shape=(6,))
    z_mean = keras.layers.Dense(2)(inputs)
    z_log_var = keras.layers.Dense(2)(inputs)

    def sampling(args):
        mean, log_var = args
        epsilon = K.random_normal(shape=(K.shape(mean)[0], K.int_shape(mean)[1]))
        return mean + K.exp(0.5 * log_var) * epsilon

    z = keras.layers.Lambda(sampling)([z_mean, z_log_var])
    fixed = keras.layers.Lambda(sampling, output_shape=(2,))([z_mean, z_log_var])
    assert tuple(z.shape) == (None, 2) and tuple(fixed.shape) == (None, 2)
    model = keras.Model(inputs, [z, fixed])
    a, b = model.predict(np.ones((5, 6), "float32"), verbose=0)
    assert a.shape == b.shape == (5, 2) and not np.allclose(a, b)  # fresh noise per call


def test_k_gradients_through_k_function_match_finite_differences(keras):
    from keras import backend as K

    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="tanh",
                                                                    name="hidden"),
                              keras.layers.Dense(1)])
    loss = K.mean(K.square(model.get_layer("hidden").output))
    grads = K.gradients(loss, model.input)[0]
    scaled = grads / (K.sqrt(K.mean(K.square(grads))) + 1e-5)  # ops on the gradient record
    iterate = K.function([model.input], [loss, grads, scaled])
    x = np.random.default_rng(1).normal(size=(1, 4)).astype("float32")
    value, g, s = iterate([x])
    hidden = keras.Model(model.input, model.get_layer("hidden").output)
    eps = 1e-3
    numeric = []
    for i in range(4):
        up, down = x.copy(), x.copy()
        up[0, i] += eps
        down[0, i] -= eps
        f = [float(np.mean(np.square(hidden.predict(v, verbose=0)))) for v in (up, down)]
        numeric.append((f[0] - f[1]) / (2 * eps))
    np.testing.assert_allclose(g[0], numeric, rtol=2e-2, atol=1e-4)
    np.testing.assert_allclose(s, g / (np.sqrt(np.mean(g ** 2)) + 1e-5), rtol=1e-5)
    with pytest.raises(ValueError, match="symbolic loss"):
        K.gradients(np.float32(1.0), model.input)


def test_set_learning_phase_turns_dropout_on_for_calls_without_training(keras):
    from keras import backend as K

    model = keras.Sequential([keras.Input((100,)), keras.layers.Dropout(0.5)])
    x = np.ones((2, 100), "float32")
    assert K.learning_phase() == 0
    K.set_learning_phase(1)
    try:
        assert K.learning_phase() == 1
        out = keras.ops.convert_to_numpy(model(x))
        assert (out == 0).mean() > 0.2  # dropout ran
        assert (model.predict(x, verbose=0) == 1).all()  # predict says its own mode
    finally:
        K.set_learning_phase(0)
    assert (keras.ops.convert_to_numpy(model(x)) == 1).all()
    with pytest.raises(ValueError, match="0 or 1"):
        K.set_learning_phase(2)


def test_placeholder_is_a_symbolic_input(keras):
    from keras import backend as K

    p = K.placeholder(shape=(None, 3))
    assert K.int_shape(p) == (None, 3)
    out = keras.layers.Dense(2)(p)
    assert K.int_shape(out) == (None, 2)


def test_max_steps_per_epoch_caps_validation_evaluate_and_predict(tmp_path):
    script = tmp_path / "capped.py"
    script.write_text(textwrap.dedent("""
        import numpy as np, keras
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
        model.compile("sgd", "mse")
        x, y = np.ones((640, 3)), np.ones((640, 1))
        seen = []
        class Count(keras.callbacks.Callback):
            def on_train_batch_end(self, batch, logs=None): seen.append("train")
            def on_test_batch_end(self, batch, logs=None): seen.append("test")
            def on_predict_batch_end(self, batch, logs=None): seen.append("predict")
        model.fit(x, y, validation_data=(x, y), epochs=2, verbose=0, callbacks=[Count()])
        model.evaluate(x, y, verbose=0, callbacks=[Count()])
        out = model.predict(x, verbose=0, callbacks=[Count()])
        print(seen.count("train"), seen.count("test"), seen.count("predict"), len(out))
    """))
    done = subprocess.run([sys.executable, "-m", "lamina", "run", str(script)],
                          capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, KERAS_MAX_STEPS_PER_EPOCH="3"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["6", "9", "3", "96"]  # 2x3 train, 2x3 + 3 test, 3 predict


def test_outside_lamina_run_history_is_a_plain_dict():
    model = lamina.Sequential([lamina.layers.Dense(1, input_shape=(2,))])
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    h = model.fit(np.ones((4, 2)), np.ones((4, 1)), epochs=1, verbose=0).history
    assert type(h) is dict and "mean_absolute_error" not in h


def test_metric_reset_states_is_reset_state():
    # tf.keras 2 loops call metric.reset_states() at each epoch's end
    import lamina.compat  # noqa: F401  (what `lamina run` loads)

    metric = lamina.metrics.MeanAbsoluteError()
    metric.update_state([[1.0]], [[3.0]])
    with pytest.warns(DeprecationWarning, match="reset_state"):
        metric.reset_states()
    assert float(metric.result()) == 0.0


def test_add_metric_reports_a_named_value_per_epoch():
    import lamina.compat  # noqa: F401  (what `lamina run` loads)

    class Model(lamina.Model):
        def __init__(self):
            super().__init__()
            self.out = lamina.layers.Dense(1)

        def call(self, inputs):
            self.add_metric(lamina.ops.mean(inputs), name="input_mean")
            return self.out(inputs)

    x = np.concatenate([np.zeros((8, 2)), np.ones((8, 2))]).astype("float32")
    model = Model()
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(x, x[:, :1], epochs=1, batch_size=8, shuffle=False, verbose=0)
    assert history.history["input_mean"] == [0.5]
    with pytest.raises(ValueError, match="name"):
        lamina.layers.Dense(1).add_metric(1.0)
