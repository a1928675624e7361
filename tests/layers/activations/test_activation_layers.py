"""ReLU, LeakyReLU, PReLU, ELU and Softmax layers, checked against NumPy."""

import numpy as np
import pytest

import lamina
from lamina import layers, ops

X = np.array([[-3.0, -0.5, 0.0, 0.4, 2.0, 8.0]], "float32")


def run(layer, x=X):
    return np.asarray(ops.convert_to_numpy(layer(ops.convert_to_tensor(x))))


def test_relu_variants():
    np.testing.assert_allclose(run(layers.ReLU()), np.maximum(X, 0))
    np.testing.assert_allclose(run(layers.ReLU(max_value=6.0)), np.clip(X, 0, 6))
    np.testing.assert_allclose(run(layers.ReLU(threshold=1.0)), np.where(X > 1.0, X, 0))
    leaky = run(layers.ReLU(negative_slope=0.1, threshold=0.5))
    np.testing.assert_allclose(leaky, np.where(X > 0.5, X, 0.1 * (X - 0.5)), rtol=1e-6)
    with pytest.raises(ValueError, match="max_value"):
        layers.ReLU(max_value=-1)


def test_leaky_relu_default_slope_and_config():
    layer = layers.LeakyReLU()
    assert layer.negative_slope == 0.3
    np.testing.assert_allclose(run(layer), np.where(X > 0, X, 0.3 * X), rtol=1e-6)
    again = layers.LeakyReLU.from_config(layers.LeakyReLU(0.05).get_config())
    assert again.negative_slope == 0.05
    with pytest.raises(ValueError):
        layers.LeakyReLU(-1.0)


def test_elu():
    np.testing.assert_allclose(run(layers.ELU(alpha=0.5)),
                               np.where(X > 0, X, 0.5 * np.expm1(X)), rtol=1e-6)
    assert layers.ELU(alpha=0.5).get_config()["alpha"] == 0.5


def test_prelu_weight_shape_sharing_and_config():
    x = np.random.default_rng(0).normal(size=(2, 3, 4)).astype("float32")
    layer = layers.PReLU(alpha_initializer="ones", shared_axes=[1])
    out = run(layer, x)
    assert [tuple(w.shape) for w in layer.weights] == [(1, 4)]
    np.testing.assert_allclose(out, x, rtol=1e-6)
    layer.set_weights([np.full((1, 4), 0.25, "float32")])
    np.testing.assert_allclose(run(layer, x), np.where(x > 0, x, 0.25 * x), rtol=1e-6)
    assert layers.PReLU(shared_axes=2).get_config()["shared_axes"] == [2]
    default = layers.PReLU()
    run(default, x)
    assert tuple(default.weights[0].shape) == (3, 4)
    assert not default.get_weights()[0].any()


def test_softmax_axes_and_mask():
    x = np.random.default_rng(1).normal(size=(2, 3, 4)).astype("float32")
    out = run(layers.Softmax(axis=1), x)
    np.testing.assert_allclose(out.sum(1), 1.0, rtol=1e-6)
    both = run(layers.Softmax(axis=(1, 2)), x)
    np.testing.assert_allclose(both.sum((1, 2)), 1.0, rtol=1e-6)
    mask = np.array([[1, 1, 0, 0]], bool)
    masked = np.asarray(ops.convert_to_numpy(
        layers.Softmax()(ops.convert_to_tensor(x), mask=ops.convert_to_tensor(mask))))
    assert np.all(masked[..., 2:] == 0)
    np.testing.assert_allclose(masked.sum(-1), 1.0, rtol=1e-6)
    with pytest.raises(ValueError, match="broadcast"):
        layers.Softmax()(ops.convert_to_tensor(x), mask=ops.convert_to_tensor(np.ones((5,), bool)))


def test_activation_layers_pass_masks_and_work_in_models():
    inp = lamina.Input((6,))
    x = layers.Dense(4)(inp)
    for layer in (layers.ReLU(), layers.LeakyReLU(), layers.PReLU(), layers.ELU(),
                  layers.Softmax()):
        x = layer(x)
    model = lamina.Model(inp, x)
    out = model.predict(np.ones((2, 6), "float32"), verbose=0)
    np.testing.assert_allclose(np.asarray(out).sum(-1), 1.0, rtol=1e-6)
    assert all(layers.ReLU().supports_masking for _ in range(1))
