"""keras.backend (Keras 2's ``K``) functions, and custom objects written with K or keras.ops
training under ``lamina run``."""

import subprocess
import sys

import numpy as np
import pytest

import lamina
from lamina import ops
from lamina.compat import backend as K

X = np.random.default_rng(0).standard_normal((3, 4)).astype("float32")


def t(x):
    return ops.convert_to_tensor(x)


def check(got, want, rtol=1e-5):
    np.testing.assert_allclose(K.get_value(got), want, rtol=rtol, atol=1e-6)


def test_config_functions():
    assert K.epsilon() == 1e-7 and K.floatx() == "float32"
    assert K.image_data_format() == "channels_last" and K.backend() == "torch"
    K.set_epsilon(1e-5)
    try:
        assert K.epsilon() == 1e-5
    finally:
        K.set_epsilon(1e-7)


@pytest.mark.parametrize("name", ["mean", "sum", "max", "min", "prod", "std", "var"])
def test_reductions_take_keras2_arguments(name):
    check(getattr(K, name)(t(X), axis=1, keepdims=True),
          getattr(np, name)(X, axis=1, keepdims=True), rtol=1e-4)
    check(getattr(K, name)(t(X), axis=[0, 1]), getattr(np, name)(X, axis=(0, 1)), rtol=1e-4)


def test_elementwise_and_shapes():
    check(K.square(t(X)), X**2)
    check(K.sqrt(K.abs(t(X))), np.sqrt(np.abs(X)))
    check(K.exp(t(X)), np.exp(X))
    check(K.log(K.abs(t(X))), np.log(np.abs(X)))
    check(K.clip(t(X), -0.5, 0.5), np.clip(X, -0.5, 0.5))
    check(K.clip(t(X), 0.5, 0.2), np.clip(X, 0.5, 0.5))
    check(K.pow(t(X), 2), X**2)
    check(K.round(t(X)), np.round(X))
    check(K.sign(t(X)), np.sign(X))
    check(K.all(t(X > -10), axis=1), np.all(X > -10, axis=1))
    check(K.any(t(X > 1), axis=0), np.any(X > 1, axis=0))
    check(K.argmax(t(X)), np.argmax(X, axis=-1))
    check(K.argmin(t(X), axis=0), np.argmin(X, axis=0))
    check(K.concatenate([t(X), t(X)]), np.concatenate([X, X], axis=-1))
    check(K.stack([t(X), t(X)], axis=1), np.stack([X, X], axis=1))
    check(K.reshape(t(X), (2, 6)), X.reshape(2, 6))
    check(K.flatten(t(X)), X.ravel())
    check(K.batch_flatten(t(X.reshape(3, 2, 2))), X)
    check(K.expand_dims(t(X)), X[..., None])
    check(K.squeeze(t(X[None]), 0), X)
    check(K.gather(t(X), t(np.array([2, 0]))), X[[2, 0]])
    check(K.one_hot(t(np.array([0, 2])), 3), np.eye(3)[[0, 2]])
    check(K.permute_dimensions(t(X), (1, 0)), X.T)
    check(K.repeat_elements(t(X), 2, axis=1), np.repeat(X, 2, axis=1))
    check(K.dot(t(X), t(X.T)), X @ X.T)
    assert K.int_shape(t(X)) == (3, 4) and K.ndim(t(X)) == 2 and K.dtype(t(X)) == "float32"
    assert K.int_shape(lamina.Input(shape=(5,))) == (None, 5)
    assert K.is_keras_tensor(lamina.Input(shape=(5,))) and not K.is_keras_tensor(t(X))


def test_batch_dot_follows_keras2():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((4, 3, 5)).astype("float32")
    y = rng.standard_normal((4, 5, 2)).astype("float32")
    check(K.batch_dot(t(x), t(y)), np.einsum("bij,bjk->bik", x, y), rtol=1e-4)
    a = rng.standard_normal((4, 5)).astype("float32")
    b = rng.standard_normal((4, 5)).astype("float32")
    check(K.batch_dot(t(a), t(b), axes=1), np.sum(a * b, axis=1, keepdims=True), rtol=1e-4)
    check(K.batch_dot(t(x), t(a), axes=(2, 1)), np.einsum("bij,bj->bi", x, a), rtol=1e-4)


def test_variables_and_values():
    v = K.variable(np.ones((2, 2)), name="v")
    assert K.get_value(v).tolist() == [[1, 1], [1, 1]]
    K.set_value(v, np.full((2, 2), 3.0))
    check(v, np.full((2, 2), 3.0))
    check(K.constant(2.0, shape=(2,)), [2.0, 2.0])
    check(K.zeros((2,)), [0, 0])
    check(K.ones((2,)), [1, 1])
    check(K.eye(2), np.eye(2))
    K.clear_session()


def test_activations_and_losses():
    check(K.relu(t(X)), np.maximum(X, 0))
    check(K.relu(t(X), alpha=0.1, max_value=0.5),
          np.minimum(np.where(X > 0, X, 0.1 * X), 0.5))
    check(K.softmax(t(X)), np.exp(X) / np.exp(X).sum(-1, keepdims=True))
    check(K.sigmoid(t(X)), 1 / (1 + np.exp(-X)))
    check(K.tanh(t(X)), np.tanh(X))
    p = np.exp(X) / np.exp(X).sum(-1, keepdims=True)
    y = np.eye(4, dtype="float32")[[0, 1, 3]]
    check(K.categorical_crossentropy(t(y), t(p)), -np.sum(y * np.log(p), axis=-1), rtol=1e-4)
    q = 1 / (1 + np.exp(-X))
    yb = (X > 0).astype("float32")
    check(K.binary_crossentropy(t(yb), t(q)),
          -(yb * np.log(q) + (1 - yb) * np.log(1 - q)), rtol=1e-4)
    check(K.switch(t(X > 0), t(X), t(-X)), np.abs(X))


SCRIPT = '''
import numpy as np
import keras
import keras.backend as K
from keras import layers, ops

class Scale(layers.Layer):                      # Keras 3 style, with keras.ops
    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="w")
    def call(self, x):
        return ops.tanh(x) * self.w + ops.mean(x, axis=-1, keepdims=True)

class Square(layers.Layer):                     # Keras 2 style, with K
    def call(self, x):
        return K.square(x) + K.mean(x, axis=-1, keepdims=True)

def ops_loss(y_true, y_pred):
    return ops.mean(ops.square(y_pred - y_true), axis=-1)

def k_loss(y_true, y_pred):
    return K.mean(K.square(y_pred - y_true), axis=-1)

def ops_metric(y_true, y_pred):
    return ops.mean(ops.abs(y_pred - y_true), axis=-1)

def k_metric(y_true, y_pred):
    return K.max(K.abs(y_pred - y_true), axis=-1)

rng = np.random.default_rng(0)
x, y = rng.random((64, 4), dtype="float32"), rng.random((64, 1), dtype="float32")
for loss in (ops_loss, k_loss):
    inp = keras.Input(shape=(4,))
    h = Square()(Scale()(inp))
    h = ops.concatenate([h, K.sqrt(K.abs(h) + 1.0)], axis=-1)
    model = keras.Model(inp, keras.layers.Dense(1)(h))
    model.compile(optimizer="adam", loss=loss, metrics=[ops_metric, k_metric])
    hist = model.fit(x, y, epochs=3, batch_size=16, verbose=0)
    assert hist.history["loss"][-1] < hist.history["loss"][0], hist.history
    print(loss.__name__, sorted(hist.history))
print("done")
'''


def test_custom_objects_with_ops_and_backend_train_under_lamina_run(tmp_path):
    path = tmp_path / "script.py"
    path.write_text(SCRIPT, encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "lamina", "run", str(path)],
                            capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "ops_loss" in result.stdout and "k_loss" in result.stdout
    assert "k_metric" in result.stdout and result.stdout.strip().endswith("done")
