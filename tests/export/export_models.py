"""Small models over the layer families export covers, with non-trivial weights."""

import numpy as np
import lamina
from lamina import layers, ops


def _perturb(model, seed=0):
    """Random values in every variable, so BatchNormalization's statistics matter too."""
    rng = np.random.default_rng(seed)
    model.set_weights([rng.uniform(0.5, 1.5, w.shape).astype(w.dtype) if "variance" in v.path
                       else rng.normal(0, 0.5, w.shape).astype(w.dtype)
                       for v, w in zip(model.weights, model.get_weights())])
    return model


def conv_sequential():
    model = lamina.Sequential([
        lamina.Input((8, 8, 2)),
        layers.Conv2D(4, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(),
        layers.BatchNormalization(),
        layers.Dropout(0.5),
        layers.Flatten(),
        layers.Dense(3),
    ])
    return _perturb(model)


def two_in_two_out():
    tokens = lamina.Input((6,), name="tokens")
    numbers = lamina.Input((5,), name="numbers")
    t = layers.Embedding(20, 4)(tokens)
    t = layers.Bidirectional(layers.LSTM(3))(t)
    n = layers.Dense(6, activation="tanh")(numbers)
    joined = layers.Concatenate()([t, n])
    a = layers.Dense(2, name="scores")(joined)
    b = layers.Multiply(name="gated")([layers.Dense(6)(joined), ops.sigmoid(n)])
    model = lamina.Model([tokens, numbers], [a, b])
    return _perturb(model, 1)


class Attender(lamina.Model):
    def __init__(self):
        super().__init__()
        self.conv = layers.Conv1D(4, 3, padding="same")
        self.attention = layers.MultiHeadAttention(2, 3)
        self.norm = layers.LayerNormalization()
        self.rnn = layers.GRU(3)
        self.pool = layers.GlobalAveragePooling1D()

    def call(self, x):
        h = self.conv(x)
        h = self.norm(h + self.attention(h, h))
        return ops.concatenate([self.rnn(h), self.pool(h) * 2.0], axis=-1)


def subclassed():
    model = Attender()
    model(np.zeros((2, 7, 4), "float32"))
    return _perturb(model, 2)


def inputs_for(model, batch=5, seed=3):
    """Data for ``model``'s inputs with a batch size other than the one export traces with."""
    rng = np.random.default_rng(seed)
    if isinstance(model, Attender):
        return rng.normal(size=(batch, 7, 4)).astype("float32")
    if len(model.inputs) == 1:
        return rng.normal(size=(batch,) + tuple(model.inputs[0].shape[1:])).astype("float32")
    return [rng.integers(0, 20, (batch, 6)).astype("float32"),
            rng.normal(size=(batch, 5)).astype("float32")]
