"""ConvLSTM1D/2D/3D: shapes, weights, arguments, masks, states, dropout and configs.

The numerical reference: a ConvLSTM with a 1-wide kernel is an LSTM applied at every spatial
position with the same weights (the outputs are compared with lamina's LSTM, itself checked
against Keras in tests/conformance)."""

import numpy as np
import pytest

import lamina
from lamina import layers


def np_(x):
    if isinstance(x, (list, tuple)):
        return [np_(v) for v in x]
    return np.asarray(lamina.ops.convert_to_numpy(x))


def test_weights_shapes_names_and_forget_bias():
    layer = layers.ConvLSTM2D(5, (3, 2))
    layer.build((None, 4, 8, 9, 3))
    assert [tuple(w.shape) for w in layer.weights] == [(3, 2, 3, 20), (3, 2, 5, 20), (20,)]
    assert [w.name for w in layer.weights] == ["kernel", "recurrent_kernel", "bias"]
    assert layer.cell.name == "conv_lstm_cell"
    bias = np_(layer.cell.bias)
    np.testing.assert_array_equal(bias, np.r_[np.zeros(5), np.ones(5), np.zeros(10)])
    plain = layers.ConvLSTM1D(2, 3, unit_forget_bias=False, use_bias=False)
    plain.build((None, 4, 8, 3))
    assert len(plain.weights) == 2


@pytest.mark.parametrize("rank", [1, 2, 3])
def test_output_shapes_eager_and_symbolic(rank):
    cls = getattr(layers, f"ConvLSTM{rank}D")
    spatial = (7, 6, 5)[:rank]
    x = np.ones((2, 3) + spatial + (2,), "float32")
    for kwargs, expect in [
        ({}, (2,) + tuple(s - 2 for s in spatial) + (4,)),
        ({"padding": "same", "return_sequences": True}, (2, 3) + spatial + (4,)),
        ({"strides": 2, "padding": "same"}, (2,) + tuple(-(-s // 2) for s in spatial) + (4,)),
    ]:
        layer = cls(4, 3, **kwargs)
        assert tuple(layer(x).shape) == expect
        sym = cls(4, 3, **kwargs)(lamina.Input(x.shape[1:]))
        assert tuple(sym.shape) == (None,) + expect[1:]
    out, h, c = cls(4, 3, return_state=True)(x)
    assert tuple(h.shape) == tuple(c.shape) == tuple(out.shape)
    np.testing.assert_array_equal(np_(out), np_(h))


def test_channels_first():
    x = np.random.default_rng(0).normal(size=(2, 3, 2, 6, 5)).astype("float32")
    last = layers.ConvLSTM2D(4, 3, padding="same", return_sequences=True)
    first = layers.ConvLSTM2D(4, 3, padding="same", return_sequences=True,
                              data_format="channels_first")
    y_last = last(np.transpose(x, (0, 1, 3, 4, 2)))
    first.build(x.shape)
    first.set_weights(last.get_weights())
    y_first = np_(first(x))
    assert y_first.shape == (2, 3, 4, 6, 5)
    np.testing.assert_allclose(np.transpose(y_first, (0, 1, 3, 4, 2)), np_(y_last),
                               rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("options", [{}, {"go_backwards": True, "return_sequences": True}])
def test_one_wide_kernel_is_an_lstm_at_every_position(options):
    rng = np.random.default_rng(1)
    batch, steps, width, channels, filters = 2, 5, 3, 4, 6
    x = rng.normal(size=(batch, steps, width, channels)).astype("float32")
    conv = layers.ConvLSTM1D(filters, 1, **options)
    conv.build(x.shape)
    weights = [rng.normal(scale=0.4, size=w.shape).astype("float32")
               for w in conv.get_weights()]
    conv.set_weights(weights)
    lstm = layers.LSTM(filters, **options)
    lstm.build((None, steps, channels))
    lstm.set_weights([weights[0][0], weights[1][0], weights[2]])
    y = np_(conv(x))
    per_position = np.stack([np_(lstm(x[:, :, w])) for w in range(width)], axis=-2)
    np.testing.assert_allclose(y, per_position, rtol=1e-5, atol=1e-6)


def test_masked_steps_keep_the_state():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(2, 4, 5, 2)).astype("float32")
    layer = layers.ConvLSTM1D(3, 3, padding="same", return_sequences=True)
    mask = np.array([[1, 1, 0, 0], [1, 1, 1, 1]], bool)
    y = np_(layer(x, mask=mask))
    np.testing.assert_array_equal(y[0, 2], y[0, 1])
    np.testing.assert_array_equal(y[0, 3], y[0, 1])
    short = np_(layer(x[:1, :2]))
    np.testing.assert_allclose(y[0, :2], short[0], rtol=1e-6, atol=1e-7)


def test_mask_passes_on_with_return_sequences():
    x = lamina.ops.convert_to_tensor(np.ones((2, 3, 5, 1), "float32"))
    x._keras_mask = lamina.ops.convert_to_tensor(np.array([[1, 1, 0], [1, 1, 1]], bool))
    assert getattr(layers.ConvLSTM1D(2, 3, return_sequences=True)(x), "_keras_mask",
                   None) is not None
    assert layers.ConvLSTM1D(2, 3, return_state=True).compute_mask(x, x._keras_mask)[1:] \
        == [None, None]


def test_stateful_carries_state_and_resets():
    x = np.random.default_rng(3).normal(size=(2, 3, 5, 2)).astype("float32")
    layer = layers.ConvLSTM1D(3, 3, stateful=True)
    first = np_(layer(x))
    second = np_(layer(x))
    assert not np.allclose(first, second)
    layer.reset_states()
    np.testing.assert_allclose(np_(layer(x)), first, rtol=1e-6)


def test_initial_state():
    x = np.random.default_rng(4).normal(size=(2, 3, 5, 2)).astype("float32")
    layer = layers.ConvLSTM1D(3, 3, padding="same")
    zeros = [np.zeros((2, 5, 3), "float32")] * 2
    np.testing.assert_allclose(np_(layer(x, initial_state=zeros)), np_(layer(x)))
    ones = [np.ones((2, 5, 3), "float32")] * 2
    assert not np.allclose(np_(layer(x, initial_state=ones)), np_(layer(x)))


def test_dropout_only_in_training_and_gradients_flow():
    x = np.random.default_rng(5).normal(size=(2, 3, 6, 2)).astype("float32")
    layer = layers.ConvLSTM1D(3, 3, dropout=0.5, recurrent_dropout=0.5, seed=1)
    y = np_(layer(x))
    np.testing.assert_allclose(np_(layer(x, training=False)), y)
    assert not np.allclose(np_(layer(x, training=True)), y)
    model = lamina.Sequential([lamina.Input((3, 6, 2)), layer, layers.Flatten(),
                               layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    before = [w.copy() for w in layer.get_weights()]
    model.fit(x, np.ones((2, 1), "float32"), epochs=1, verbose=0)
    assert all(not np.allclose(a, b) for a, b in zip(before, layer.get_weights()))


def test_arguments_are_checked():
    with pytest.raises(ValueError, match="dilation_rate"):
        layers.ConvLSTM2D(2, 3, strides=2, dilation_rate=2)
    with pytest.raises(ValueError, match="filters"):
        layers.ConvLSTM2D(0, 3)
    with pytest.raises(ValueError, match="kernel_size"):
        layers.ConvLSTM2D(2, (3, 3, 3))
    with pytest.raises(ValueError, match="padding"):
        layers.ConvLSTM1D(2, 3, padding="causal")
    with pytest.raises(ValueError):
        layers.ConvLSTM2D(2, 3)(np.ones((2, 3, 5, 2), "float32"))  # rank 4 input
    with pytest.raises(ValueError, match="static"):
        layers.ConvLSTM1D(2, 3).build((None, 3, None, 2))


def test_config_round_trip():
    layer = layers.ConvLSTM3D(2, (3, 1, 2), strides=1, padding="same", dropout=0.2,
                              kernel_regularizer="l2", return_state=True, name="c3")
    cfg = layer.get_config()
    again = layers.ConvLSTM3D.from_config(cfg)
    assert again.get_config() == cfg
    assert again.kernel_size == (3, 1, 2) and again.name == "c3"
    assert "cell" not in cfg and "rank" not in cfg
    assert lamina.layers.get_builtin_layer("ConvLSTM2D") is layers.ConvLSTM2D


def test_regularizers_add_losses():
    layer = layers.ConvLSTM1D(2, 3, kernel_regularizer="l2", recurrent_regularizer="l1",
                              activity_regularizer="l2")
    layer(np.ones((2, 3, 5, 1), "float32"))
    assert len(layer.losses) == 3
