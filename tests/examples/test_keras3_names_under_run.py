"""Keras 3 programs that used to stop on a missing name, run as written under ``lamina run``:
the distillation guide's clone_model, custom objects registered by assignment, KerasFileEditor,
keras.config switches, keras.tree, keras.Variable and name scopes."""

import subprocess
import sys

SCRIPT = r'''
import numpy as np
import keras
from keras import layers

# knowledge distillation, the guides' way: the student is the teacher's clone
teacher = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"),
                            layers.Dense(3)], name="teacher")
student = keras.models.clone_model(teacher)
student.set_weights(teacher.get_weights())
x = np.random.default_rng(0).random((32, 8)).astype("float32")
assert np.allclose(student.predict(x, verbose=0), teacher.predict(x, verbose=0))
before = teacher.get_weights()[0].copy()
student.compile(optimizer="adam", loss="mse")
student.fit(x, teacher.predict(x, verbose=0) * 2, epochs=2, verbose=0)
assert np.array_equal(before, teacher.get_weights()[0])
print("clone ok")

# a custom layer made loadable by assigning into the registry
class Scale(layers.Layer):
    def call(self, x):
        return x * 2.0

keras.saving.get_custom_objects()["Scale"] = Scale
model = keras.Sequential([keras.Input((2,)), Scale(), layers.Dense(1)])
model.save("scale.keras")
loaded = keras.saving.load_model("scale.keras")
assert type(loaded.layers[0]) is Scale
print("custom objects ok")

# edit the saved weights, then load them into a model with a bigger head
editor = keras.saving.KerasFileEditor("scale.keras")
editor.delete_object("layers/dense")
editor.add_object("layers/dense", {"0": np.ones((2, 4), "float32"),
                                   "1": np.zeros(4, "float32")})
editor.save("edited.weights.h5")
bigger = keras.Sequential([keras.Input((2,)), Scale(), layers.Dense(4)])
bigger.load_weights("edited.weights.h5")
assert np.allclose(bigger.predict(np.ones((1, 2)), verbose=0), 4.0)
print("file editor ok")

keras.config.set_max_epochs(1)
model.compile(optimizer="sgd", loss="mse")
h = model.fit(np.ones((4, 2)), np.ones((4, 1)), epochs=10, verbose=0)
assert len(h.history["loss"]) == 1
keras.config.set_max_epochs(None)
keras.config.disable_traceback_filtering()
keras.utils.clear_session()
assert keras.tree.flatten({"b": 1, "a": [2, None]}) == [2, None, 1]
with keras.name_scope("block"):
    v = keras.Variable(initializer="zeros", shape=(3,), name="bias")
assert v.path == "block/bias" and keras.backend.result_type("int8", "float16") == "float16"
x, y, w = keras.utils.unpack_x_y_sample_weight((1, 2))
assert (x, y, w) == (1, 2, None) and keras.version()
opt = keras.optimizers.legacy.Adam(learning_rate=0.01)  # tf.keras 2.11+ spelling
from keras.optimizers.legacy import SGD
model.compile(optimizer=SGD(lr=0.1), loss="mse")
model.fit(np.ones((4, 2)), np.ones((4, 1)), verbose=0)
assert type(opt).__name__ == "Adam" and abs(float(model.optimizer.learning_rate) - 0.1) < 1e-7
print("done")
'''


def test_keras3_program_runs_under_lamina_run(tmp_path):
    path = tmp_path / "script.py"
    path.write_text(SCRIPT, encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "lamina", "run", str(path)],
                            capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert result.returncode == 0, result.stderr
    for line in ("clone ok", "custom objects ok", "file editor ok"):
        assert line in result.stdout
    assert result.stdout.strip().endswith("done")
