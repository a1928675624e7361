"""tf.keras 2.x scripts, written as tutorials write them, run unchanged under `lamina run`
(TensorFlow is not installed: `tensorflow` is lamina's stand-in) and learn."""

import json
import os
import subprocess
import sys
import textwrap

import pytest

DATA = """
        import numpy as np
        rng = np.random.default_rng(0)
        x_all = rng.normal(size=(600, 10)).astype("float32")
        y_all = (x_all[:, 0] + 0.5 * x_all[:, 1] - x_all[:, 2] > 0).astype("int64")
        x_train, y_train, x_test, y_test = x_all[:480], y_all[:480], x_all[480:], y_all[480:]
"""

SCRIPTS = {
    "sequential_mnist": """
        import json
        import numpy as np
        import tensorflow as tf
        from tensorflow import keras
        from tensorflow.keras.models import Sequential
        from tensorflow.keras.layers import Dense, Dropout, Flatten

        (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
        x_train, x_test = x_train[:2000] / 255.0, x_test[:500] / 255.0
        y_train, y_test = y_train[:2000], y_test[:500]
        model = Sequential([Flatten(input_shape=(28, 28)), Dense(128, activation="relu"),
                            Dropout(0.2), Dense(10, activation="softmax")])
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
        model.fit(x_train, y_train, epochs=3, batch_size=32, verbose=0)
        loss, acc = model.evaluate(x_test, y_test, verbose=0)
        probs = tf.nn.softmax(model.predict(x_test[:4], verbose=0))
        print(json.dumps({"acc": float(acc), "rows": float(tf.reduce_sum(probs[0]))}))
    """,
    "functional_tf_data": DATA + """
        import json
        import tensorflow as tf
        from tensorflow import keras
        from tensorflow.keras import layers

        train = (tf.data.Dataset.from_tensor_slices((x_train, y_train))
                 .shuffle(480, seed=1).batch(32).prefetch(tf.data.AUTOTUNE))
        test = tf.data.Dataset.from_tensor_slices((x_test, y_test)).batch(64)
        inputs = keras.Input(shape=(10,))
        h = layers.Dense(32, activation="relu")(inputs)
        outputs = layers.Dense(2, activation="softmax")(h)
        model = keras.Model(inputs=inputs, outputs=outputs)
        model.compile(optimizer=tf.keras.optimizers.Adam(1e-2),
                      loss=tf.keras.losses.SparseCategoricalCrossentropy(),
                      metrics=["accuracy"])
        history = model.fit(train, validation_data=test, epochs=6, verbose=0)
        print(json.dumps({"acc": history.history["val_accuracy"][-1]}))
    """,
    "gradient_tape_loop": DATA + """
        import json
        import tensorflow as tf
        from tensorflow import keras

        tf.random.set_seed(0)
        ds = tf.data.Dataset.from_tensor_slices((x_train, y_train)).shuffle(480, seed=0).batch(32)
        model = keras.Sequential([keras.layers.Dense(32, activation="relu"),
                                  keras.layers.Dense(2)])
        optimizer = keras.optimizers.Adam(learning_rate=1e-2)
        loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        train_acc = keras.metrics.SparseCategoricalAccuracy()

        @tf.function
        def train_step(x, y):
            with tf.GradientTape() as tape:
                logits = model(x, training=True)
                loss_value = loss_fn(y, logits)
            grads = tape.gradient(loss_value, model.trainable_weights)
            optimizer.apply_gradients(zip(grads, model.trainable_weights))
            train_acc.update_state(y, logits)
            return loss_value

        for epoch in range(6):
            train_acc.reset_state()
            for step, (x_batch, y_batch) in enumerate(ds):
                loss_value = train_step(x_batch, y_batch)
        logits = model(tf.constant(x_test), training=False)
        pred = tf.argmax(logits, axis=1, output_type=tf.int64)
        acc = tf.reduce_mean(tf.cast(tf.equal(pred, y_test), tf.float32))
        print(json.dumps({"acc": float(acc), "loss": float(loss_value)}))
    """,
    "subclassed_train_step": DATA + """
        import json
        import tensorflow as tf
        from tensorflow import keras

        class CustomModel(keras.Model):
            def __init__(self):
                super().__init__()
                self.hidden = keras.layers.Dense(32, activation="relu")
                self.out = keras.layers.Dense(2, activation="softmax")

            def call(self, inputs):
                return self.out(self.hidden(inputs))

            def train_step(self, data):
                x, y = data
                with tf.GradientTape() as tape:
                    y_pred = self(x, training=True)
                    loss = self.compiled_loss(y, y_pred, regularization_losses=self.losses)
                gradients = tape.gradient(loss, self.trainable_variables)
                self.optimizer.apply_gradients(zip(gradients, self.trainable_variables))
                self.compiled_metrics.update_state(y, y_pred)
                return {m.name: m.result() for m in self.metrics}

        model = CustomModel()
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
        history = model.fit(x_train, y_train, epochs=8, batch_size=32, verbose=0)
        _, acc = model.evaluate(x_test, y_test, verbose=0)
        print(json.dumps({"acc": float(acc), "keys": sorted(history.history)}))
    """,
    "callback_logging": DATA + """
        import json
        import tensorflow as tf
        from tensorflow import keras

        class LossLogger(keras.callbacks.Callback):
            def on_train_begin(self, logs=None):
                self.losses = []
            def on_epoch_end(self, epoch, logs=None):
                self.losses.append(logs["loss"])
                if logs.get("val_acc", 0) > 0.99:
                    self.model.stop_training = True

        logger = LossLogger()
        model = tf.keras.Sequential([tf.keras.layers.Dense(16, activation="relu",
                                                            input_shape=(10,)),
                                     tf.keras.layers.Dense(1, activation="sigmoid")])
        model.compile(optimizer=tf.keras.optimizers.RMSprop(learning_rate=0.01),
                      loss="binary_crossentropy", metrics=["acc"])
        stop = tf.keras.callbacks.EarlyStopping(monitor="val_acc", patience=50)
        history = model.fit(x_train, y_train, validation_split=0.2, epochs=8, verbose=0,
                            callbacks=[logger, stop])
        print(json.dumps({"acc": history.history["val_acc"][-1],
                          "first": logger.losses[0], "last": logger.losses[-1]}))
    """,
}


def _run(tmp_path, name, source, env=None):
    script = tmp_path / f"{name}.py"
    script.write_text(textwrap.dedent(source))
    done = subprocess.run([sys.executable, "-m", "lamina", "run", str(script)],
                          capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, **(env or {})), cwd=tmp_path)
    return done


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_tf_keras_script_runs_and_learns(tmp_path, name):
    done = _run(tmp_path, name, SCRIPTS[name])
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    # the label is a linear rule, chance is ~0.5 (0.1 for MNIST's ten digits)
    assert result["acc"] > (0.6 if name == "sequential_mnist" else 0.8), result
    if name == "sequential_mnist":
        assert abs(result["rows"] - 1.0) < 1e-5
    if name == "subclassed_train_step":
        assert result["keys"] == ["accuracy", "loss"]
    if name == "callback_logging":
        assert result["last"] < result["first"]
    assert "requires_grad" not in done.stderr  # torch's float(loss) warning stays quiet


def test_unknown_tensorflow_names_say_so(tmp_path):
    done = _run(tmp_path, "unknown", """
        import tensorflow as tf
        try:
            tf.sparse.to_dense
        except AttributeError as e:
            print("attr:", e)
        try:
            from tensorflow.compat import v1
        except ImportError as e:
            print("import:", e)
        try:
            tf.math.nope
        except AttributeError as e:
            print("math:", e)
    """)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "tf.sparse is not in lamina's TensorFlow stand-in" in out
    assert "No module named 'tensorflow.compat' in lamina's TensorFlow stand-in" in out
    assert "tf.math.nope is not in lamina's TensorFlow stand-in" in out


def test_installed_tensorflow_is_left_alone_and_tf_keras_refused(tmp_path):
    fake = tmp_path / "site" / "tensorflow"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("REAL = True\n")
    env = {"PYTHONPATH": str(tmp_path / "site")}
    done = _run(tmp_path, "real_tf", """
        import tensorflow
        print("real:", getattr(tensorflow, "REAL", False))
        try:
            from tensorflow import keras
            import tensorflow.keras.layers
        except ImportError as e:
            print("refused:", e)
    """, env)
    assert done.returncode == 0, done.stderr
    assert "real: True" in done.stdout
    assert "refused: lamina run: TensorFlow is installed" in done.stdout
    forced = _run(tmp_path, "forced", """
        import tensorflow as tf
        print("standin:", getattr(tf, "__lamina_standin__", False))
    """, dict(env, LAMINA_TENSORFLOW="standin"))
    assert "standin: True" in forced.stdout, forced.stderr


def test_tensorboard_callback_in_a_tf_keras_script_writes_event_files(tmp_path):
    # tensorboard's writer imports `tensorflow` (the stand-in here) unless told there is none
    pytest.importorskip("tensorboard")
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    done = _run(tmp_path, "tb", DATA + """
        import tensorflow as tf
        from tensorflow import keras
        model = keras.Sequential([keras.layers.Dense(4, activation="relu", input_shape=(10,)),
                                  keras.layers.Dense(1, activation="sigmoid")])
        model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["acc"])
        model.fit(x_train, y_train, epochs=2, verbose=0, validation_data=(x_test, y_test),
                  callbacks=[keras.callbacks.TensorBoard(log_dir="logs", histogram_freq=1)])
        print("done")
    """)
    assert done.returncode == 0, done.stderr[-3000:]
    val = EventAccumulator(str(tmp_path / "logs" / "validation"))
    val.Reload()
    assert "epoch_loss" in val.Tags()["scalars"]
    assert len(val.Scalars("epoch_loss")) == 2


def test_tf_keras_checkpoint_and_savedmodel_names_save_and_load(tmp_path):
    # tf.keras 2 wrote TF checkpoints / SavedModels for names without .h5; under lamina run
    # they hold Keras 3's files, read back by content
    done = _run(tmp_path, "ckpt", DATA + """
        import numpy as np
        from tensorflow import keras
        model = keras.Sequential([keras.layers.Dense(3, input_shape=[10]), keras.layers.Dense(1)])
        model.compile(loss="mse", optimizer="sgd")
        model.save_weights("my_keras_weights.ckpt")
        other = keras.Sequential([keras.layers.Dense(3, input_shape=[10]), keras.layers.Dense(1)])
        other.load_weights("my_keras_weights.ckpt")
        same = np.allclose(other.predict(x_test, verbose=0), model.predict(x_test, verbose=0))
        model.save("my_model")
        back = keras.models.load_model("my_model")
        again = np.allclose(back.predict(x_test, verbose=0), model.predict(x_test, verbose=0))
        print(same, again)
    """)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.split()[-2:] == ["True", "True"]


def test_numpy_of_a_tensor_recorded_by_a_tape(tmp_path):
    # Grad-CAM scripts call `.numpy()` on a model output computed under the tape
    done = _run(tmp_path, "gradcam", """
        import tensorflow as tf
        from tensorflow import keras
        model = keras.Sequential([keras.layers.Dense(2, input_shape=(3,))])
        with tf.GradientTape() as tape:
            out = model(tf.constant([[1., 2., 3.]]))
            loss = tf.reduce_sum(out)
        grads = tape.gradient(loss, model.trainable_variables)
        print(out.numpy().shape, grads[0].numpy().shape, loss.numpy() == out.numpy().sum())
    """)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().splitlines()[-1] == "(1, 2) (3, 2) True"


def test_custom_layer_gets_tensorshape_with_as_list(tmp_path):
    # Géron ch. 12's MyDense: compute_output_shape calls batch_input_shape.as_list()
    done = _run(tmp_path, "mydense", DATA + """
        import tensorflow as tf
        from tensorflow import keras
        class MyDense(keras.layers.Layer):
            def __init__(self, units, **kwargs):
                super().__init__(**kwargs)
                self.units = units
            def build(self, batch_input_shape):
                self.kernel = self.add_weight(name="kernel", shape=[batch_input_shape[-1], self.units])
                super().build(batch_input_shape)
            def call(self, X):
                return X @ self.kernel
            def compute_output_shape(self, batch_input_shape):
                return tf.TensorShape(batch_input_shape.as_list()[:-1] + [self.units])
        model = keras.models.Sequential([MyDense(3, input_shape=[10]), MyDense(1)])
        model.compile(loss="mse", optimizer="sgd")
        model.fit(x_train, y_train, epochs=1, verbose=0)
        print(model.output_shape)
    """)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().splitlines()[-1] == "(None, 1)"


def test_savedmodel_name_loads_custom_layers_without_custom_objects(tmp_path):
    # tf.keras 2's SavedModel brought custom classes back by itself; under lamina run the
    # classes saved by the same process are found again
    done = _run(tmp_path, "savedmodel", DATA + """
        import numpy as np
        from tensorflow import keras
        class Scale(keras.layers.Layer):
            def __init__(self, factor, **kwargs):
                super().__init__(**kwargs)
                self.factor = factor
            def call(self, x):
                return x * self.factor
            def get_config(self):
                return {**super().get_config(), "factor": self.factor}
        model = keras.Sequential([keras.layers.Dense(2, input_shape=[10]), Scale(3.0)])
        model.save("my_model")
        back = keras.models.load_model("my_model")
        print(type(back.layers[1]).__name__, back.layers[1].factor,
              np.allclose(back.predict(x_test, verbose=0), model.predict(x_test, verbose=0)))
    """)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.split()[-3:] == ["Scale", "3.0", "True"]
