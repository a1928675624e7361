"""ConvLSTM1D/2D/3D against real Keras 3: same weights (set_weights after checking equal
shapes), same inputs, same outputs; masks, states, training steps, configs and the weights
file layout (``conv_lstm2d/cell/vars``)."""

import re

import numpy as np
import pytest

import lamina

RTOL = 1e-5
ATOL = 1e-5
# Adam moves every weight by ~lr per step whatever the gradient's size, so float32 differences
# in the gradients (different convolution summation orders) show up as a few ulps of lr.
TRAIN_RTOL = 1e-4
TRAIN_ATOL = 1e-6

B, T, C = 2, 4, 2
SPATIAL = {1: (7,), 2: (5, 6), 3: (4, 3, 5)}


def shape_for(rank, data_format="channels_last"):
    if data_format == "channels_last":
        return (B, T) + SPATIAL[rank] + (C,)
    return (B, T, C) + SPATIAL[rank]


def layer_cls(lib, rank):
    return getattr(lib.layers, f"ConvLSTM{rank}D")


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


def twin_layers(keras, rng, make, input_shape):
    lk, ll = make(keras), make(lamina)
    lk.build(input_shape)
    ll.build(input_shape)
    ll.built = True
    sk = [tuple(w.shape) for w in lk.get_weights()]
    sl = [tuple(w.shape) for w in ll.get_weights()]
    assert sl == sk, (sl, sk)
    assert [w.name for w in ll.weights] == [w.name for w in lk.weights]
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
    def conv(lib, v):
        if isinstance(v, np.ndarray):
            return lib.ops.convert_to_tensor(v)
        if isinstance(v, list):
            return [lib.ops.convert_to_tensor(s) for s in v]
        return v

    yk = np_(keras, lk(keras.ops.convert_to_tensor(x),
                       **{k: conv(keras, v) for k, v in kwargs.items()}))
    yl = np_(lamina, ll(lamina.ops.convert_to_tensor(x),
                        **{k: conv(lamina, v) for k, v in kwargs.items()}))
    return yk, yl


OPTIONS = {
    "default": {},
    "same-seq": {"padding": "same", "return_sequences": True},
    "state": {"return_state": True, "padding": "same"},
    "seq-state-backwards": {"return_sequences": True, "return_state": True,
                            "go_backwards": True},
    "strides": {"strides": 2, "return_sequences": True},
    "strides-same": {"strides": 2, "padding": "same"},
    "dilation": {"dilation_rate": 2, "padding": "same", "return_sequences": True},
    "even-kernel-same": {"kernel_size": 2, "padding": "same"},
    "no-bias": {"use_bias": False, "return_sequences": True},
    "relu-hard-sigmoid": {"activation": "relu", "recurrent_activation": "hard_sigmoid"},
    "no-forget-bias": {"unit_forget_bias": False, "padding": "same"},
    "channels-first": {"data_format": "channels_first", "return_sequences": True},
    "channels-first-same-state": {"data_format": "channels_first", "padding": "same",
                                  "return_state": True},
}


def make_layer(lib, rank, options):
    options = dict(options)
    kernel_size = options.pop("kernel_size", 3)
    return layer_cls(lib, rank)(3, kernel_size, **options)


# the 3D layer shares every code path with 1D/2D: a few cases suffice
CASES = [(rank, name) for name in sorted(OPTIONS) for rank in (1, 2, 3)
         if rank < 3 or name in ("default", "same-seq", "state", "channels-first")]


@pytest.mark.parametrize("rank,name", CASES, ids=[f"{n}-{r}d" for r, n in CASES])
def test_outputs_match_keras(keras, rng, rank, name):
    options = OPTIONS[name]
    shape = shape_for(rank, options.get("data_format", "channels_last"))
    lk, ll = twin_layers(keras, rng, lambda lib: make_layer(lib, rank, options), shape)
    x = rng.normal(size=shape).astype("float32")
    yk, yl = run_both(keras, lk, ll, x)
    assert_close(yl, yk)


MASKS = {
    "right": np.array([[1, 1, 1, 0], [1, 1, 1, 1]], bool),
    "left": np.array([[0, 0, 1, 1], [1, 1, 1, 1]], bool),
    "holes": np.array([[1, 0, 1, 1], [0, 1, 1, 0]], bool),
}


@pytest.mark.parametrize("mask_name", sorted(MASKS))
@pytest.mark.parametrize("options", [
    {"return_sequences": True}, {"return_state": True},
    {"return_sequences": True, "go_backwards": True},
], ids=lambda o: "-".join(o))
def test_masks_match_keras(keras, rng, mask_name, options):
    shape = shape_for(2)
    lk, ll = twin_layers(keras, rng, lambda lib: make_layer(lib, 2, options), shape)
    x = rng.normal(size=shape).astype("float32")
    yk, yl = run_both(keras, lk, ll, x, mask=MASKS[mask_name])
    assert_close(yl, yk)


def test_initial_state(keras, rng):
    shape = shape_for(2)
    lk, ll = twin_layers(keras, rng, lambda lib: make_layer(
        lib, 2, {"padding": "same", "return_state": True}), shape)
    x = rng.normal(size=shape).astype("float32")
    states = [rng.normal(size=(B,) + SPATIAL[2] + (3,)).astype("float32") for _ in range(2)]
    yk, yl = run_both(keras, lk, ll, x, initial_state=states)
    assert_close(yl, yk)


def test_stateful_two_calls_then_reset(keras, rng):
    shape = shape_for(1)
    lk, ll = twin_layers(keras, rng, lambda lib: make_layer(
        lib, 1, {"stateful": True, "return_sequences": True}), shape)
    x1 = rng.normal(size=shape).astype("float32")
    x2 = rng.normal(size=shape).astype("float32")
    for x in (x1, x2):
        yk, yl = run_both(keras, lk, ll, x)
        assert_close(yl, yk)
    lk.reset_states()
    ll.reset_states()
    yk, yl = run_both(keras, lk, ll, x2)
    assert_close(yl, yk)


def test_dropout_is_off_in_inference(keras, rng):
    shape = shape_for(2)
    lk, ll = twin_layers(keras, rng, lambda lib: make_layer(
        lib, 2, {"dropout": 0.4, "recurrent_dropout": 0.3, "padding": "same"}), shape)
    x = rng.normal(size=shape).astype("float32")
    yk, yl = run_both(keras, lk, ll, x, training=False)
    assert_close(yl, yk)
    y_train = np_(lamina, ll(lamina.ops.convert_to_tensor(x), training=True))
    assert y_train.shape == yl.shape
    assert not np.allclose(y_train, yl)


def _model(lib, rank):
    return lib.Sequential([
        lib.Input(shape_for(rank)[1:]),
        layer_cls(lib, rank)(3, 3, padding="same", return_sequences=True),
        layer_cls(lib, rank)(2, 2),
        lib.layers.Flatten(),
        lib.layers.Dense(1),
    ])


@pytest.mark.parametrize("rank", [1, 2])
def test_fit_five_steps_matches_keras(keras, rng, rank):
    mk, ml = _model(keras, rank), _model(lamina, rank)
    weights = draw(rng, [w.shape for w in mk.get_weights()])
    assert [w.shape for w in ml.get_weights()] == [w.shape for w in weights]
    mk.set_weights(weights)
    ml.set_weights(weights)
    for m, lib in ((mk, keras), (ml, lamina)):
        m.compile(optimizer=lib.optimizers.Adam(1e-3), loss="mse")
    x = rng.normal(size=(10,) + shape_for(rank)[1:]).astype("float32")
    y = rng.normal(size=(10, 1)).astype("float32")
    hk = mk.fit(x, y, batch_size=2, epochs=1, shuffle=False, verbose=0)
    hl = ml.fit(x, y, batch_size=2, epochs=1, shuffle=False, verbose=0)
    for wk, wl in zip(mk.get_weights(), ml.get_weights()):
        np.testing.assert_allclose(wl, wk, rtol=TRAIN_RTOL, atol=TRAIN_ATOL)
    np.testing.assert_allclose(hl.history["loss"], hk.history["loss"], rtol=1e-5)


def test_weights_file_layout_is_keras(keras, rng, tmp_path):
    import h5py

    def build(lib):
        return lib.Sequential([
            lib.Input(shape_for(2)[1:]),
            lib.layers.ConvLSTM2D(3, 3, padding="same", return_sequences=True),
            lib.layers.TimeDistributed(lib.layers.Flatten()),
            lib.layers.Reshape((T, -1, 1)),
            lib.layers.ConvLSTM1D(2, 2),
            lib.layers.Flatten(),
            lib.layers.Dense(1),
        ])

    mk, ml = build(keras), build(lamina)
    weights = draw(rng, [w.shape for w in mk.get_weights()])
    ml.set_weights(weights)
    ml.save_weights(tmp_path / "l.weights.h5")
    mk.save_weights(tmp_path / "k.weights.h5")  # Keras' own (random) weights
    k_weights = mk.get_weights()

    def layout(path):
        out = {}

        def visit(name, obj):  # (returning a value would stop the walk)
            # generated layer names carry a counter that differs between the libraries
            label = re.sub(r"_\d+$", "", str(obj.attrs.get("name", "")))
            out[name] = (getattr(obj, "shape", None), label)

        with h5py.File(path) as f:
            f.visititems(visit)
        return out

    lay_l, lay_k = layout(tmp_path / "l.weights.h5"), layout(tmp_path / "k.weights.h5")
    assert lay_l == lay_k
    assert "layers/conv_lstm2d/cell/vars/0" in lay_l
    mk.load_weights(tmp_path / "l.weights.h5")
    for a, b in zip(mk.get_weights(), weights):
        np.testing.assert_array_equal(a, b)
    fresh = build(lamina)
    fresh.load_weights(tmp_path / "k.weights.h5")
    for a, b in zip(fresh.get_weights(), k_weights):
        np.testing.assert_array_equal(a, b)
    x = rng.normal(size=shape_for(2)).astype("float32")
    np.testing.assert_allclose(ml.predict(x, verbose=0), mk.predict(x, verbose=0),
                               rtol=RTOL, atol=ATOL)


def test_config_matches_keras_and_round_trips(keras):
    kwargs = dict(filters=4, kernel_size=(3, 2), strides=(1, 2), padding="same",
                  dropout=0.1, return_sequences=True, name="clstm")
    cfg = lamina.layers.ConvLSTM2D(**kwargs).get_config()
    kcfg = keras.layers.ConvLSTM2D(**kwargs).get_config()
    assert list(cfg) == list(kcfg)
    for key in ("filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate",
                "activation", "recurrent_activation", "dropout", "return_sequences",
                "unit_forget_bias", "seed", "unroll", "zero_output_for_mask"):
        assert cfg[key] == kcfg[key], key
    again = lamina.layers.ConvLSTM2D.from_config(cfg)
    assert again.kernel_size == (3, 2) and again.strides == (1, 2) and again.cell.dropout == 0.1
    k_again = keras.layers.ConvLSTM2D.from_config(cfg)
    assert tuple(k_again.kernel_size) == (3, 2)
    l_from_k = lamina.layers.ConvLSTM2D.from_config(kcfg)
    assert l_from_k.filters == 4 and l_from_k.return_sequences


@pytest.mark.parametrize("rank", [1, 2, 3])
def test_symbolic_shapes_match_keras(keras, rank):
    for options in ({}, {"return_sequences": True, "padding": "same"},
                    {"return_state": True, "strides": 2}):
        outs = []
        for lib in (keras, lamina):
            x = lib.Input(shape_for(rank)[1:])
            y = make_layer(lib, rank, options)(x)
            y = y if isinstance(y, (list, tuple)) else [y]
            outs.append([tuple(t.shape) for t in y])
        assert outs[1] == outs[0], options
