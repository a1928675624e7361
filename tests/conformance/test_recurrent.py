"""Recurrent layers against real Keras 3: same weights (set_weights), same inputs, same outputs.

Covers SimpleRNN/LSTM/GRU (fused and per-step paths), return_sequences/return_state,
go_backwards, masks (right-padded, left-padded and holes; given as ``mask=`` or carried on the
input), initial_state, stateful calls and reset, RNN over stacked and user-written cells,
Bidirectional in every merge mode, TimeDistributed, training steps, and the weights file layout.
"""

import numpy as np
import pytest

import lamina

RTOL = 1e-5
ATOL = 1e-5
# Five Adam steps: every update is ~lr whatever the gradient, so float32 differences in the
# gradients (torch's fused kernel vs Keras' per-step loop sum in different orders) move
# the weights by a few ulps of lr; rel 1e-4 (atol 1e-6) is far below one step's size (1e-3).
TRAIN_RTOL = 1e-4
TRAIN_ATOL = 1e-6

B, T, F = 4, 6, 3


def draw(rng, shapes):
    out = []
    for shape in shapes:
        fan_in = int(np.prod(shape[:-1])) if len(shape) >= 2 else 4
        out.append(rng.normal(0.0, 1.0 / np.sqrt(fan_in), size=shape).astype("float32"))
    return out


def np_(lib, x):
    if isinstance(x, (list, tuple)):
        return [np_(lib, v) for v in x]
    return np.asarray(lib.ops.convert_to_numpy(x))


def twin_layers(keras, rng, make, input_shape=(B, T, F)):
    """The layer built in both libraries on ``input_shape`` with the same random weights."""
    lk, ll = make(keras), make(lamina)
    lk.build(input_shape)
    ll.build(input_shape)
    ll.built = True
    sk = [tuple(w.shape) for w in lk.get_weights()]
    sl = [tuple(w.shape) for w in ll.get_weights()]
    assert sl == sk, (sl, sk)
    weights = draw(rng, sk)
    lk.set_weights(weights)
    ll.set_weights(weights)
    return lk, ll


def assert_close(a, b, rtol=RTOL, atol=ATOL):
    if isinstance(a, (list, tuple)):
        assert isinstance(b, (list, tuple)) and len(a) == len(b), (type(a), type(b))
        for x, y in zip(a, b):
            assert_close(x, y, rtol, atol)
        return
    assert a.shape == b.shape, (a.shape, b.shape)
    np.testing.assert_allclose(a, b, rtol=rtol, atol=atol)


def run_both(keras, lk, ll, x, **kwargs):
    kk = {k: (keras.ops.convert_to_tensor(v) if isinstance(v, np.ndarray) else
              [keras.ops.convert_to_tensor(s) for s in v] if isinstance(v, list) else v)
          for k, v in kwargs.items()}
    kl = {k: (lamina.ops.convert_to_tensor(v) if isinstance(v, np.ndarray) else
              [lamina.ops.convert_to_tensor(s) for s in v] if isinstance(v, list) else v)
          for k, v in kwargs.items()}
    yk = np_(keras, lk(keras.ops.convert_to_tensor(x), **kk))
    yl = np_(lamina, ll(lamina.ops.convert_to_tensor(x), **kl))
    return yk, yl


RNNS = {
    "SimpleRNN": lambda lib, **kw: lib.layers.SimpleRNN(5, **kw),
    "LSTM": lambda lib, **kw: lib.layers.LSTM(5, **kw),
    "GRU": lambda lib, **kw: lib.layers.GRU(5, **kw),
}

OPTIONS = [
    {},
    {"return_sequences": True},
    {"return_state": True},
    {"return_sequences": True, "return_state": True},
    {"go_backwards": True},
    {"go_backwards": True, "return_sequences": True},
    {"unroll": True, "return_sequences": True},
    {"use_bias": False, "return_sequences": True},
]


@pytest.mark.parametrize("kind", sorted(RNNS))
@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: "-".join(o) or "default")
def test_outputs_match_keras(keras, rng, kind, options):
    lk, ll = twin_layers(keras, rng, lambda lib: RNNS[kind](lib, **options))
    x = rng.normal(size=(B, T, F)).astype("float32")
    yk, yl = run_both(keras, lk, ll, x)
    assert_close(yl, yk)


NON_DEFAULT = {
    "SimpleRNN-relu": lambda lib: lib.layers.SimpleRNN(5, activation="relu", return_sequences=True),
    "SimpleRNN-sigmoid": lambda lib: lib.layers.SimpleRNN(5, activation="sigmoid"),
    "LSTM-relu": lambda lib: lib.layers.LSTM(5, activation="relu", return_sequences=True),
    "LSTM-hard_sigmoid": lambda lib: lib.layers.LSTM(5, recurrent_activation="hard_sigmoid"),
    "LSTM-no-forget-bias": lambda lib: lib.layers.LSTM(5, unit_forget_bias=False),
    "GRU-reset_before": lambda lib: lib.layers.GRU(5, reset_after=False, return_sequences=True),
    "GRU-reset_before-nobias": lambda lib: lib.layers.GRU(5, reset_after=False, use_bias=False),
    "GRU-relu": lambda lib: lib.layers.GRU(5, activation="relu", return_state=True),
}


@pytest.mark.parametrize("name", sorted(NON_DEFAULT))
def test_per_step_path_matches_keras(keras, rng, name):
    lk, ll = twin_layers(keras, rng, NON_DEFAULT[name])
    x = rng.normal(size=(B, T, F)).astype("float32")
    yk, yl = run_both(keras, lk, ll, x)
    assert_close(yl, yk)


MASKS = {
    "right": np.array([[1, 1, 1, 1, 1, 1], [1, 1, 1, 0, 0, 0], [1, 0, 0, 0, 0, 0],
                       [1, 1, 1, 1, 1, 0]], bool),
    "left": np.array([[0, 0, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1], [0, 0, 0, 0, 0, 1],
                      [0, 1, 1, 1, 1, 1]], bool),
    "holes": np.array([[1, 0, 1, 0, 1, 1], [1, 1, 1, 0, 0, 0], [0, 1, 1, 1, 0, 1],
                       [1, 1, 0, 1, 1, 0]], bool),
    "empty-row": np.array([[1, 1, 1, 0, 0, 0], [0, 0, 0, 0, 0, 0], [1, 1, 1, 1, 1, 1],
                           [1, 1, 0, 0, 0, 0]], bool),
}


@pytest.mark.parametrize("kind", sorted(RNNS))
@pytest.mark.parametrize("mask_name", sorted(MASKS))
@pytest.mark.parametrize("options", [
    {"return_sequences": True}, {"return_state": True},
    {"return_sequences": True, "go_backwards": True}, {"go_backwards": True},
], ids=lambda o: "-".join(o))
def test_masks_match_keras(keras, rng, kind, mask_name, options):
    lk, ll = twin_layers(keras, rng, lambda lib: RNNS[kind](lib, **options))
    x = rng.normal(size=(B, T, F)).astype("float32")
    yk, yl = run_both(keras, lk, ll, x, mask=MASKS[mask_name])
    assert_close(yl, yk)


@pytest.mark.parametrize("kind", sorted(RNNS))
def test_mask_carried_on_the_input(keras, rng, kind):
    """A tensor carrying ``_keras_mask`` (what Masking/Embedding produce) is masked."""
    lk, ll = twin_layers(keras, rng, lambda lib: RNNS[kind](lib, return_sequences=True))
    x = rng.normal(size=(B, T, F)).astype("float32")
    mask = MASKS["right"]
    yk = np_(keras, lk(keras.ops.convert_to_tensor(x), mask=keras.ops.convert_to_tensor(mask)))
    xl = lamina.ops.convert_to_tensor(x)
    xl._keras_mask = lamina.ops.convert_to_tensor(mask)
    out = ll(xl)
    assert_close(np_(lamina, out), yk)
    assert getattr(out, "_keras_mask", None) is not None  # return_sequences passes it on
    xl2 = lamina.ops.convert_to_tensor(x)
    xl2._keras_mask = lamina.ops.convert_to_tensor(mask)
    last = RNNS[kind](lamina)
    last.build((B, T, F))
    last.set_weights(ll.get_weights())
    assert getattr(last(xl2), "_keras_mask", None) is None


@pytest.mark.parametrize("kind", sorted(RNNS))
def test_initial_state(keras, rng, kind):
    lk, ll = twin_layers(keras, rng, lambda lib: RNNS[kind](lib, return_state=True))
    x = rng.normal(size=(B, T, F)).astype("float32")
    n_states = 2 if kind == "LSTM" else 1
    states = [rng.normal(size=(B, 5)).astype("float32") for _ in range(n_states)]
    yk, yl = run_both(keras, lk, ll, x, initial_state=states)
    assert_close(yl, yk)


@pytest.mark.parametrize("kind", sorted(RNNS))
def test_stateful_two_calls_then_reset(keras, rng, kind):
    lk, ll = twin_layers(keras, rng, lambda lib: RNNS[kind](lib, stateful=True,
                                                            return_sequences=True))
    x1 = rng.normal(size=(B, T, F)).astype("float32")
    x2 = rng.normal(size=(B, T, F)).astype("float32")
    for x in (x1, x2):
        yk, yl = run_both(keras, lk, ll, x)
        assert_close(yl, yk)
    lk.reset_states()
    ll.reset_states()
    yk, yl = run_both(keras, lk, ll, x2)
    assert_close(yl, yk)
    fresh = RNNS[kind](lamina, return_sequences=True)
    fresh.build((B, T, F))
    fresh.set_weights(ll.get_weights())
    assert_close(np_(lamina, fresh(x2)), yl)


def test_stateful_model_reset_states(keras, rng):
    def build(lib):
        return lib.Sequential([lib.Input(batch_shape=(B, T, F)),
                               lib.layers.LSTM(5, stateful=True), lib.layers.Dense(2)])

    mk, ml = build(keras), build(lamina)
    weights = draw(rng, [w.shape for w in mk.get_weights()])
    mk.set_weights(weights)
    ml.set_weights(weights)
    x = rng.normal(size=(B, T, F)).astype("float32")
    first = ml.predict(x, batch_size=B, verbose=0)
    second = ml.predict(x, batch_size=B, verbose=0)
    assert not np.allclose(first, second)
    assert_close(first, mk.predict(x, batch_size=B, verbose=0))
    assert_close(second, mk.predict(x, batch_size=B, verbose=0))
    ml.reset_states()
    np.testing.assert_allclose(ml.predict(x, batch_size=B, verbose=0), first, rtol=1e-6)


def _user_cell(lib):
    class MinimalRNNCell(lib.layers.Layer):
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.state_size = units

        def build(self, input_shape):
            self.kernel = self.add_weight(shape=(input_shape[-1], self.units), name="kernel")
            self.recurrent_kernel = self.add_weight(shape=(self.units, self.units),
                                                    name="recurrent_kernel")

        def call(self, inputs, states):
            prev = states[0]
            h = lib.ops.matmul(inputs, self.kernel)
            out = lib.ops.tanh(h + lib.ops.matmul(prev, self.recurrent_kernel))
            return out, [out]

    return MinimalRNNCell(4)


RNN_CELLS = {
    "user-cell": lambda lib: lib.layers.RNN(_user_cell(lib), return_sequences=True),
    "user-cells-stacked": lambda lib: lib.layers.RNN([_user_cell(lib), _user_cell(lib)],
                                                     return_state=True),
    "lstm-gru-stacked": lambda lib: lib.layers.RNN(
        lib.layers.StackedRNNCells([lib.layers.LSTMCell(4), lib.layers.GRUCell(3)]),
        return_sequences=True),
    "simple-cell-backwards": lambda lib: lib.layers.RNN(lib.layers.SimpleRNNCell(4),
                                                        go_backwards=True),
    "gru-cell-zero-output": lambda lib: lib.layers.RNN(
        lib.layers.GRUCell(4), return_sequences=True, zero_output_for_mask=True),
}


@pytest.mark.parametrize("name", sorted(RNN_CELLS))
@pytest.mark.parametrize("masked", [False, True])
def test_rnn_over_cells(keras, rng, name, masked):
    lk, ll = twin_layers(keras, rng, RNN_CELLS[name])
    x = rng.normal(size=(B, T, F)).astype("float32")
    kwargs = {"mask": MASKS["holes"]} if masked else {}
    yk, yl = run_both(keras, lk, ll, x, **kwargs)
    assert_close(yl, yk)


@pytest.mark.parametrize("merge_mode", ["concat", "sum", "mul", "ave", None])
@pytest.mark.parametrize("inner", ["LSTM", "GRU"])
@pytest.mark.parametrize("return_sequences", [False, True])
def test_bidirectional(keras, rng, merge_mode, inner, return_sequences):
    def make(lib):
        return lib.layers.Bidirectional(RNNS[inner](lib, return_sequences=return_sequences),
                                        merge_mode=merge_mode)

    lk, ll = twin_layers(keras, rng, make)
    x = rng.normal(size=(B, T, F)).astype("float32")
    yk, yl = run_both(keras, lk, ll, x)
    assert_close(yl, yk)
    yk, yl = run_both(keras, lk, ll, x, mask=MASKS["right"])
    assert_close(yl, yk)


def test_bidirectional_return_state_and_backward_layer(keras, rng):
    def make(lib):
        return lib.layers.Bidirectional(
            lib.layers.LSTM(4, return_sequences=True, return_state=True),
            backward_layer=lib.layers.GRU(4, return_sequences=True, return_state=True,
                                          go_backwards=True))

    lk, ll = twin_layers(keras, rng, make)
    x = rng.normal(size=(B, T, F)).astype("float32")
    yk, yl = run_both(keras, lk, ll, x)
    assert len(yl) == 4
    assert_close(yl, yk)
    yk, yl = run_both(keras, lk, ll, x, mask=MASKS["holes"])
    assert_close(yl, yk)


def test_time_distributed_dense(keras, rng):
    lk, ll = twin_layers(keras, rng,
                         lambda lib: lib.layers.TimeDistributed(lib.layers.Dense(3, "relu")))
    x = rng.normal(size=(B, T, F)).astype("float32")
    yk, yl = run_both(keras, lk, ll, x)
    assert_close(yl, yk)


def test_dropout_is_off_in_inference(keras, rng):
    make = lambda lib: lib.layers.LSTM(5, dropout=0.5, recurrent_dropout=0.3,  # noqa: E731
                                       return_sequences=True)
    lk, ll = twin_layers(keras, rng, make)
    x = rng.normal(size=(B, T, F)).astype("float32")
    yk, yl = run_both(keras, lk, ll, x, training=False)
    assert_close(yl, yk)
    y_train = np_(lamina, ll(x, training=True))
    assert not np.allclose(y_train, yl)


# -- training ---------------------------------------------------------------------------------


def _model(lib, kind):
    layer = lib.layers.LSTM if kind == "LSTM" else lib.layers.GRU
    return lib.Sequential([
        lib.Input((T, F)),
        layer(8, return_sequences=True),
        layer(6),
        lib.layers.Dense(3, activation="softmax"),
    ])


@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
def test_fit_five_steps_matches_keras(keras, rng, kind):
    mk, ml = _model(keras, kind), _model(lamina, kind)
    weights = draw(rng, [w.shape for w in mk.get_weights()])
    mk.set_weights(weights)
    ml.set_weights(weights)
    for m, lib in ((mk, keras), (ml, lamina)):
        m.compile(optimizer=lib.optimizers.Adam(1e-3), loss="categorical_crossentropy")
    x = rng.normal(size=(40, T, F)).astype("float32")
    y = np.eye(3, dtype="float32")[rng.integers(0, 3, size=40)]
    hk = mk.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    hl = ml.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    for wk, wl in zip(mk.get_weights(), ml.get_weights()):
        np.testing.assert_allclose(wl, wk, rtol=TRAIN_RTOL, atol=TRAIN_ATOL)
    np.testing.assert_allclose(hl.history["loss"], hk.history["loss"], rtol=1e-5)


def test_fit_masked_per_step_path_matches_keras(keras, rng):
    """Gradients through the per-step path with a mask (recurrent dropout off)."""
    def build(lib):
        inp = lib.Input((T, F))
        h = lib.layers.Masking(0.0)(inp) if hasattr(lib.layers, "Masking") else inp
        h = lib.layers.SimpleRNN(6, activation="sigmoid")(h)
        return lib.Model(inp, lib.layers.Dense(1)(h))

    if not hasattr(lamina.layers, "Masking"):
        pytest.skip("Masking is not in lamina yet")
    mk, ml = build(keras), build(lamina)
    weights = draw(rng, [w.shape for w in mk.get_weights()])
    mk.set_weights(weights)
    ml.set_weights(weights)
    for m, lib in ((mk, keras), (ml, lamina)):
        m.compile(optimizer=lib.optimizers.Adam(1e-3), loss="mse")
    x = rng.normal(size=(40, T, F)).astype("float32")
    x[::3, -2:] = 0.0
    y = rng.normal(size=(40, 1)).astype("float32")
    mk.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    ml.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    for wk, wl in zip(mk.get_weights(), ml.get_weights()):
        np.testing.assert_allclose(wl, wk, rtol=TRAIN_RTOL, atol=TRAIN_ATOL)


# -- files ----------------------------------------------------------------------------------


def test_weights_file_layout_is_keras(keras, rng, tmp_path):
    import h5py

    def build(lib):
        return lib.Sequential([
            lib.Input((T, F)),
            lib.layers.LSTM(4, return_sequences=True),
            lib.layers.Bidirectional(lib.layers.GRU(2, return_sequences=True)),
            lib.layers.RNN([lib.layers.LSTMCell(3), lib.layers.SimpleRNNCell(2)]),
            lib.layers.Dense(1),
        ])

    mk, ml = build(keras), build(lamina)
    weights = draw(rng, [w.shape for w in mk.get_weights()])
    ml.set_weights(weights)
    ml.save_weights(tmp_path / "l.weights.h5")
    mk.save_weights(tmp_path / "k.weights.h5")

    def layout(path):
        out = {}
        with h5py.File(path) as f:
            f.visititems(lambda n, o: out.setdefault(n, getattr(o, "shape", None)))
        return out

    lay_l, lay_k = layout(tmp_path / "l.weights.h5"), layout(tmp_path / "k.weights.h5")
    assert lay_l == lay_k
    mk.load_weights(tmp_path / "l.weights.h5")
    for a, b in zip(mk.get_weights(), weights):
        np.testing.assert_array_equal(a, b)
    x = rng.normal(size=(B, T, F)).astype("float32")
    np.testing.assert_allclose(ml.predict(x, verbose=0), mk.predict(x, verbose=0),
                               rtol=RTOL, atol=ATOL)


def test_config_round_trip_and_keras_reads_it(keras):
    layer = lamina.layers.LSTM(4, return_sequences=True, dropout=0.1, name="enc")
    cfg = layer.get_config()
    kcfg = keras.layers.LSTM(4, return_sequences=True, dropout=0.1, name="enc").get_config()
    assert set(cfg) == set(kcfg)
    again = lamina.layers.LSTM.from_config(cfg)
    assert again.units == 4 and again.return_sequences and again.cell.dropout == 0.1
    k_again = keras.layers.LSTM.from_config(cfg)
    assert k_again.units == 4
    bi = lamina.layers.Bidirectional(lamina.layers.GRU(3), merge_mode="sum")
    bi2 = lamina.layers.Bidirectional.from_config(bi.get_config())
    assert bi2.merge_mode == "sum" and bi2.backward_layer.go_backwards
    kbi = keras.layers.Bidirectional.from_config(bi.get_config())
    assert kbi.merge_mode == "sum"
