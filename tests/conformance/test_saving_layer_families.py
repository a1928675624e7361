"""Every layer family round-trips through .keras files between lamina and real Keras 3."""

import numpy as np
import pytest

import lamina


def _image_model(lib):
    L = lib.layers
    inp = L.Input(shape=(12, 12, 3), name="image")
    x = L.Conv2D(6, 3, padding="same", activation="relu", name="conv")(inp)
    x = L.BatchNormalization(name="bn")(x)
    x = L.SeparableConv2D(5, 3, name="sep")(x)
    x = L.DepthwiseConv2D(3, name="dw")(x)
    x = L.MaxPooling2D(2, name="pool")(x)
    x = L.Conv2DTranspose(4, 2, strides=2, name="deconv")(x)
    x = L.ZeroPadding2D(1, name="pad")(x)
    x = L.UpSampling2D(2, name="up")(x)
    x = L.GlobalAveragePooling2D(name="gap")(x)
    x = L.LayerNormalization(name="ln")(x)
    out = L.Dense(3, activation="softmax", name="out")(x)
    return lib.Model(inp, out, name="image_model")


def _sequence_model(lib):
    L = lib.layers
    inp = L.Input(shape=(7,), dtype="int32", name="tokens")
    x = L.Embedding(20, 8, mask_zero=True, name="emb")(inp)
    x = L.Bidirectional(L.LSTM(6, return_sequences=True), name="bilstm")(x)
    x = L.MultiHeadAttention(num_heads=2, key_dim=4, name="mha")(x, x)
    x = L.GRU(5, name="gru")(x)
    x = L.Concatenate(name="cat")([x, L.Dense(3, name="side")(x)])
    x = L.PReLU(name="prelu")(x)
    out = L.Dense(1, activation="sigmoid", name="out")(x)
    return lib.Model(inp, out, name="sequence_model")


def _data(kind, rng):
    if kind == "image":
        return rng.random((4, 12, 12, 3), dtype=np.float32)
    x = rng.integers(1, 20, size=(4, 7)).astype("int32")
    x[0, 4:] = 0  # padded tails exercise the masks
    x[2, 2:] = 0
    return x


BUILDERS = {"image": _image_model, "sequence": _sequence_model}


def _randomize(model, rng):
    model.set_weights([rng.normal(scale=0.3, size=w.shape).astype(w.dtype) if w.dtype.kind == "f"
                       else w for w in model.get_weights()])


@pytest.mark.parametrize("kind", sorted(BUILDERS))
def test_lamina_file_loads_in_keras(keras, rng, tmp_path, kind):
    model = BUILDERS[kind](lamina)
    _randomize(model, rng)
    x = _data(kind, rng)
    path = tmp_path / "m.keras"
    model.save(path)
    theirs = keras.saving.load_model(path)
    np.testing.assert_allclose(theirs.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("kind", sorted(BUILDERS))
def test_keras_file_loads_in_lamina(keras, rng, tmp_path, kind):
    model = BUILDERS[kind](keras)
    model.set_weights([rng.normal(scale=0.3, size=w.shape).astype(w.dtype)
                       if w.dtype.kind == "f" else w for w in model.get_weights()])
    x = _data(kind, rng)
    path = tmp_path / "m.keras"
    model.save(path)
    ours = lamina.models.load_model(path)
    np.testing.assert_allclose(ours.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-5, atol=1e-6)
    # and back: lamina re-saves what it loaded (ops Keras recorded included), Keras reads it
    ours.save(tmp_path / "again.keras")
    again = keras.saving.load_model(tmp_path / "again.keras")
    np.testing.assert_allclose(again.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-5, atol=1e-6)
