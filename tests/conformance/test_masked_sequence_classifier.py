"""Issue 5's "done when": a masked variable-length sequence classifier gives Keras 3's outputs.

Integer sequences of different lengths, padded with 0 on the right or on the left, go through
``Embedding(mask_zero=True)``, so every recurrent layer sees a mask:

- "bilstm":   Embedding -> Bidirectional(LSTM(16)) -> Dense(1, sigmoid)
- "bigru-gap": Embedding -> Bidirectional(GRU(16, return_sequences=True))
               -> GlobalAveragePooling1D (masked mean) -> Dense(1, sigmoid)
- "bilstm-gru-gap": Embedding -> Bidirectional(LSTM(16, return_sequences=True))
               -> GRU(8, return_sequences=True) -> GlobalAveragePooling1D -> Dense(1, sigmoid)

Both libraries get the same weights (shapes checked equal, in the same order); predictions
must agree to rel 1e-5, and five Adam steps (shuffle=False) to rel 1e-4: Adam moves every
weight by ~lr per step whatever the gradient's size, so float32 differences in the gradients
(torch's fused LSTM/GRU kernels on right padding vs Keras' per-step loop, which sum in
different orders) reach the weights as a few ulps of lr; 1e-4 relative (1e-6 absolute) is far
below one step's size (1e-3).
"""

import numpy as np
import pytest

import lamina

RTOL = 1e-5
ATOL = 1e-6
TRAIN_RTOL = 1e-4
TRAIN_ATOL = 1e-6

VOCAB, MAXLEN, N = 30, 9, 40


def sequences(rng, side):
    """N integer sequences of lengths 1..MAXLEN (every length occurs), 0-padded on ``side``."""
    lengths = np.concatenate([np.arange(1, MAXLEN + 1), rng.integers(1, MAXLEN + 1,
                                                                     N - MAXLEN)])
    rng.shuffle(lengths)
    x = np.zeros((N, MAXLEN), "int32")
    for i, n in enumerate(lengths):
        tokens = rng.integers(1, VOCAB, n)
        if side == "right":
            x[i, :n] = tokens
        else:
            x[i, MAXLEN - n:] = tokens
    return x


def build(lib, kind):
    inputs = lib.Input(shape=(None,), dtype="int32")
    h = lib.layers.Embedding(VOCAB, 8, mask_zero=True)(inputs)
    if kind == "bilstm":
        h = lib.layers.Bidirectional(lib.layers.LSTM(16))(h)
    elif kind == "bigru-gap":
        h = lib.layers.Bidirectional(lib.layers.GRU(16, return_sequences=True))(h)
        h = lib.layers.GlobalAveragePooling1D()(h)
    else:
        h = lib.layers.Bidirectional(lib.layers.LSTM(16, return_sequences=True))(h)
        h = lib.layers.GRU(8, return_sequences=True)(h)
        h = lib.layers.GlobalAveragePooling1D()(h)
    outputs = lib.layers.Dense(1, activation="sigmoid")(h)
    return lib.Model(inputs, outputs)


def twins(keras, rng, kind):
    mk, ml = build(keras, kind), build(lamina, kind)
    shapes_k = [tuple(w.shape) for w in mk.get_weights()]
    shapes_l = [tuple(w.shape) for w in ml.get_weights()]
    assert shapes_l == shapes_k
    # small enough that the sigmoid is not saturated, so the outputs say something
    weights = [rng.normal(0.0, 0.5 / np.sqrt(s[0] if len(s) > 1 else 4), size=s)
               .astype("float32") for s in shapes_k]
    mk.set_weights(weights)
    ml.set_weights(weights)
    return mk, ml


KINDS = ["bilstm", "bigru-gap", "bilstm-gru-gap"]


@pytest.mark.parametrize("side", ["right", "left"])
@pytest.mark.parametrize("kind", KINDS)
def test_predictions_match_keras(keras, rng, kind, side):
    mk, ml = twins(keras, rng, kind)
    x = sequences(rng, side)
    yk = mk.predict(x, batch_size=16, verbose=0)
    yl = ml.predict(x, batch_size=16, verbose=0)
    np.testing.assert_allclose(yl, yk, rtol=RTOL, atol=ATOL)
    assert yl.std() > 1e-3  # the outputs vary with the sequence
    # the padding is ignored: a sequence alone, unpadded, gives the same output
    row = 0
    n = int((x[row] != 0).sum())
    alone = x[row:row + 1, :n] if side == "right" else x[row:row + 1, MAXLEN - n:]
    np.testing.assert_allclose(ml.predict(alone, verbose=0), yl[row:row + 1],
                               rtol=1e-5, atol=1e-6)
    # direct call (no trainer) on a batch of mixed lengths agrees too
    direct = np.asarray(lamina.ops.convert_to_numpy(ml(x[:16])))
    np.testing.assert_allclose(direct, yk[:16], rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("side", ["right", "left"])
@pytest.mark.parametrize("kind", KINDS)
def test_five_fit_steps_match_keras(keras, rng, kind, side):
    mk, ml = twins(keras, rng, kind)
    x = sequences(rng, side)
    y = rng.integers(0, 2, size=(N, 1)).astype("float32")
    for m, lib in ((mk, keras), (ml, lamina)):
        m.compile(optimizer=lib.optimizers.Adam(1e-3), loss="binary_crossentropy",
                  metrics=["accuracy"])
    hk = mk.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    hl = ml.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    names = [w.path if hasattr(w, "path") else w.name for w in mk.weights]
    for name, wk, wl in zip(names, mk.get_weights(), ml.get_weights()):
        np.testing.assert_allclose(wl, wk, rtol=TRAIN_RTOL, atol=TRAIN_ATOL, err_msg=name)
    np.testing.assert_allclose(hl.history["loss"], hk.history["loss"], rtol=1e-5)
    np.testing.assert_allclose(hl.history["accuracy"], hk.history["accuracy"])
    np.testing.assert_allclose(ml.predict(x, verbose=0), mk.predict(x, verbose=0),
                               rtol=TRAIN_RTOL, atol=TRAIN_ATOL)
