"""Recurrent layers in lamina alone: the fused kernels agree with the per-step path, gradients
reach the Keras-layout variables, caches follow weight changes, and arguments are checked."""

import numpy as np
import pytest

import lamina
from lamina import layers as L
from lamina import ops

B, T, F = 3, 7, 4


def _pair(make, **kw):
    fused, step = make(**kw), make(use_cudnn=False, **kw)
    fused.build((B, T, F))
    step.build((B, T, F))
    step.set_weights(fused.get_weights())
    return fused, step


MASK = np.array([[1] * 7, [1, 1, 1, 0, 0, 0, 0], [1, 1, 1, 1, 1, 1, 0]], bool)


@pytest.mark.parametrize("make", [lambda **kw: L.LSTM(5, **kw), lambda **kw: L.GRU(5, **kw)],
                         ids=["LSTM", "GRU"])
@pytest.mark.parametrize("go_backwards", [False, True])
@pytest.mark.parametrize("masked", [False, True])
def test_fused_kernel_matches_per_step_path_and_gradients(make, go_backwards, masked):
    fused, step = _pair(make, return_sequences=True, return_state=True,
                        go_backwards=go_backwards)
    x = np.random.default_rng(0).normal(size=(B, T, F)).astype("float32")
    kw = {"mask": ops.convert_to_tensor(MASK)} if masked else {}
    outs = []
    for layer in (fused, step):
        y = layer(ops.convert_to_tensor(x), **kw)
        sum(ops.sum(t * t) for t in y).backward()
        outs.append([ops.convert_to_numpy(t) for t in y])
    for a, b in zip(*outs):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    for p, q in zip(fused.weights, step.weights):
        assert p.grad is not None
        assert p.grad.is_contiguous()  # fused optimizers read gradients as flat memory
        np.testing.assert_allclose(ops.convert_to_numpy(p.grad), ops.convert_to_numpy(q.grad),
                                   rtol=1e-4, atol=1e-5)


def test_cached_fused_weights_follow_set_weights():
    layer = L.GRU(3)
    x = np.ones((2, 4, 2), "float32")
    with lamina.backend.core.no_grad():
        first = ops.convert_to_numpy(layer(x))
        layer.set_weights([w * 0.5 for w in layer.get_weights()])
        second = ops.convert_to_numpy(layer(x))
    assert not np.allclose(first, second)
    ref = L.GRU(3, use_cudnn=False)
    ref.build((2, 4, 2))
    ref.set_weights(layer.get_weights())
    np.testing.assert_allclose(second, ops.convert_to_numpy(ref(x)), rtol=1e-5, atol=1e-6)


def test_keras_weight_layout_and_names():
    lstm, gru = L.LSTM(4), L.GRU(4)
    lstm.build((None, 3, 2))
    gru.build((None, 3, 2))
    assert [tuple(w.shape) for w in lstm.weights] == [(2, 16), (4, 16), (16,)]
    assert [tuple(w.shape) for w in gru.weights] == [(2, 12), (4, 12), (2, 12)]
    assert [w.name for w in lstm.weights] == ["kernel", "recurrent_kernel", "bias"]
    bias = lstm.get_weights()[2]  # unit_forget_bias: the forget gate's bias starts at one
    np.testing.assert_array_equal(bias, np.r_[np.zeros(4), np.ones(4), np.zeros(8)])
    rk = lstm.get_weights()[1]
    np.testing.assert_allclose(rk @ rk.T, np.eye(4), atol=1e-5)  # orthogonal rows


def test_keras2_spellings():
    assert L.CuDNNLSTM is L.LSTM and L.CuDNNGRU is L.GRU
    layer = L.LSTM(3, implementation=1)
    assert layer(np.ones((2, 4, 5), "float32")).shape == (2, 3)


def test_functional_initial_state_and_return_state():
    inp, h0 = lamina.Input((T, F)), lamina.Input((5,))
    out, h = L.GRU(5, return_sequences=True, return_state=True)(inp, initial_state=h0)
    model = lamina.Model([inp, h0], [L.TimeDistributed(L.Dense(2))(out), h])
    y, state = model.predict([np.ones((B, T, F), "float32"), np.zeros((B, 5), "float32")],
                             verbose=0)
    assert y.shape == (B, T, 2) and state.shape == (B, 5)


def test_stateful_needs_the_same_batch_size():
    layer = L.SimpleRNN(2, stateful=True)
    layer(np.ones((3, 4, 1), "float32"))
    with pytest.raises(ValueError, match="batch size"):
        layer(np.ones((2, 4, 1), "float32"))


def test_arguments_are_checked():
    with pytest.raises(ValueError, match="units"):
        L.LSTM(0)
    with pytest.raises(ValueError, match="merge mode"):
        L.Bidirectional(L.LSTM(2), merge_mode="max")
    with pytest.raises(ValueError, match="state_size"):
        L.RNN(L.Dense(2))
    with pytest.raises(ValueError, match="ndim=3"):
        L.LSTM(2)(np.ones((2, 3), "float32"))


def test_regularizers_and_dropout_in_training():
    layer = L.LSTM(4, kernel_regularizer="l2", recurrent_regularizer="l2", dropout=0.5,
                   recurrent_dropout=0.5)
    x = np.ones((2, 5, 3), "float32")
    y_infer = ops.convert_to_numpy(layer(x, training=False))
    y_train = ops.convert_to_numpy(layer(x, training=True))
    assert len(layer.losses) == 2
    assert not np.allclose(y_infer, y_train)


def test_model_save_and_load_round_trip(tmp_path):
    model = lamina.Sequential([lamina.Input((T, F)),
                               L.Bidirectional(L.LSTM(3, return_sequences=True)),
                               L.GRU(2), L.Dense(1)])
    x = np.random.default_rng(1).normal(size=(B, T, F)).astype("float32")
    path = tmp_path / "m.keras"
    model.save(path)
    again = lamina.models.load_model(path)
    np.testing.assert_allclose(again.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-6)
