"""Dense, Activation, Dropout, Flatten, Reshape, Lambda, Identity against NumPy."""

import numpy as np
import pytest

import lamina
from lamina import layers, ops


def _np(x):
    return ops.convert_to_numpy(x)


def test_dense_matches_numpy(rng=np.random.default_rng(0)):
    x = rng.normal(size=(4, 3)).astype("float32")
    k = rng.normal(size=(3, 5)).astype("float32")
    b = rng.normal(size=(5,)).astype("float32")
    layer = layers.Dense(5, activation="relu")
    layer.build((None, 3))
    layer.set_weights([k, b])
    np.testing.assert_allclose(_np(layer(x)), np.maximum(x @ k + b, 0), rtol=1e-5, atol=1e-6)


def test_dense_on_3d_input_and_without_bias():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2, 3, 4)).astype("float32")
    layer = layers.Dense(2, use_bias=False)
    out = _np(layer(x))
    assert len(layer.weights) == 1
    np.testing.assert_allclose(out, x @ layer.get_weights()[0], rtol=1e-5, atol=1e-6)


def test_dense_rejects_bad_units():
    with pytest.raises(ValueError, match="units"):
        layers.Dense(0)
    with pytest.raises(ValueError, match="units"):
        layers.Dense("ten")


def test_dense_default_init_is_glorot_uniform_and_zero_bias():
    layer = layers.Dense(300)
    layer.build((None, 200))
    k, b = layer.get_weights()
    limit = np.sqrt(6 / 500)
    assert np.abs(k).max() <= limit and np.abs(k).max() > 0.9 * limit
    assert not b.any()


def test_activation_layer():
    x = np.array([[-1.0, 2.0]], "float32")
    np.testing.assert_allclose(_np(layers.Activation("relu")(x)), [[0.0, 2.0]])
    soft = _np(layers.Activation("softmax")(x))
    np.testing.assert_allclose(soft, np.exp(x) / np.exp(x).sum(), rtol=1e-6)


def test_dropout_only_in_training():
    x = np.ones((200, 50), "float32")
    layer = layers.Dropout(0.5)
    np.testing.assert_array_equal(_np(layer(x)), x)
    out = _np(layer(x, training=True))
    assert set(np.unique(out)) <= {0.0, 2.0}
    assert 0.4 < (out == 0).mean() < 0.6
    with pytest.raises(ValueError, match="rate"):
        layers.Dropout(1.5)


def test_flatten_and_reshape():
    x = np.arange(24, dtype="float32").reshape(2, 3, 4)
    np.testing.assert_array_equal(_np(layers.Flatten()(x)), x.reshape(2, 12))
    np.testing.assert_array_equal(_np(layers.Reshape((4, 3))(x)), x.reshape(2, 4, 3))
    np.testing.assert_array_equal(_np(layers.Reshape((-1, 2))(x)), x.reshape(2, 6, 2))
    first = layers.Flatten(data_format="channels_first")
    np.testing.assert_array_equal(_np(first(x)), np.moveaxis(x, 1, -1).reshape(2, 12))
    inp = lamina.Input(shape=(3, 4))
    assert layers.Reshape((-1,))(inp).shape == (None, 12)
    with pytest.raises(ValueError, match="cannot reshape"):
        layers.Reshape((5,))(inp)


def test_lambda_and_identity():
    x = np.ones((2, 3), "float32")
    np.testing.assert_array_equal(_np(layers.Lambda(lambda t: t * 3)(x)), x * 3)
    np.testing.assert_array_equal(_np(layers.Identity()(x)), x)
    inp = lamina.Input(shape=(3,))
    assert layers.Lambda(lambda t: ops.sum(t, axis=-1, keepdims=True))(inp).shape == (None, 1)


@pytest.mark.parametrize("rate", [0.25, 0.8])
def test_dropout_rate_scale_and_gradient(rate):
    import torch

    x = torch.ones((400, 250), requires_grad=True)
    out = layers.Dropout(rate)(x, training=True)
    values = out.detach().numpy()
    assert set(np.unique(values)) <= {0.0, np.float32(1.0 / (1.0 - rate))}
    assert abs((values == 0).mean() - rate) < 0.01  # 100,000 draws: 5 standard errors
    (grad,) = torch.autograd.grad(out.sum(), [x])
    np.testing.assert_array_equal(grad.numpy(), values)  # d out / d x is the scaled mask


def test_dropout_noise_shape_and_rate_one():
    x = np.ones((64, 5, 30), "float32")
    out = _np(layers.Dropout(0.5, noise_shape=(None, 1, 30))(x, training=True))
    assert np.all(out == out[:, :1, :])  # one mask shared along the unit axis
    assert 0.4 < (out == 0).mean() < 0.6
    np.testing.assert_array_equal(_np(layers.Dropout(1.0)(x, training=True)), 0.0)
