"""Normalization layers: maths by hand, argument checks and error messages."""

import numpy as np
import pytest

import lamina
from lamina import ops


def test_batch_norm_training_statistics_by_hand():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(16, 3)).astype("float32") * 2 + 5
    bn = lamina.layers.BatchNormalization(momentum=0.5)
    out = ops.convert_to_numpy(bn(x, training=True))
    expected = (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-3)
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-5)
    mm, mv = bn.get_weights()[2:]
    np.testing.assert_allclose(mm, 0.5 * x.mean(0), rtol=1e-5)
    np.testing.assert_allclose(mv, 0.5 + 0.5 * x.var(0), rtol=1e-5)  # biased variance


def test_batch_norm_inference_uses_moving_statistics_and_frozen_layer_does_not_update():
    x = np.arange(12, dtype="float32").reshape(4, 3)
    bn = lamina.layers.BatchNormalization()
    np.testing.assert_allclose(ops.convert_to_numpy(bn(x)), x / np.sqrt(1 + 1e-3), rtol=1e-6)
    bn.trainable = False
    before = bn.get_weights()
    bn(x, training=True)
    for a, b in zip(before, bn.get_weights()):
        np.testing.assert_array_equal(a, b)
    bn.trainable = True
    assert [w.trainable for w in bn.weights] == [True, True, False, False]


def test_batch_norm_gradients_flow_to_gamma_beta_and_inputs():
    x = ops.convert_to_tensor(np.random.default_rng(1).normal(size=(8, 4)).astype("float32"))
    x.requires_grad_(True)
    bn = lamina.layers.BatchNormalization()
    loss = ops.sum(ops.square(bn(x, training=True)) * ops.arange(4.0))
    loss.backward()
    assert bn.gamma.grad is not None and bn.beta.grad is not None and x.grad is not None


def test_batch_norm_batch_of_one_and_half_precision_inputs():
    bn = lamina.layers.BatchNormalization()
    out = bn(np.ones((1, 3), dtype="float32"), training=True)
    np.testing.assert_allclose(ops.convert_to_numpy(out), np.zeros((1, 3)), atol=1e-6)
    half = lamina.layers.BatchNormalization(dtype="mixed_float16")
    y = half(ops.cast(ops.ones((4, 3)), "float16"), training=True)
    assert ops.dtype(y) == "float16" and ops.dtype(half.moving_mean) == "float32"


def test_batch_norm_errors_name_the_layer():
    with pytest.raises(ValueError, match="synchronized"):
        lamina.layers.BatchNormalization(synchronized=True)
    with pytest.raises(ValueError, match="renorm_clipping"):
        lamina.layers.BatchNormalization(renorm=True, renorm_clipping={"bad": 1})
    bn = lamina.layers.BatchNormalization(axis=3, name="bn_x")
    with pytest.raises(ValueError, match="bn_x"):
        bn(np.ones((2, 3), dtype="float32"))
    bn = lamina.layers.BatchNormalization(name="bn_y")
    bn(np.ones((2, 3), dtype="float32"))
    with pytest.raises(ValueError, match="bn_y"):
        bn(np.ones((2, 4), dtype="float32"))
    with pytest.raises(ValueError, match="mask"):
        bn(np.ones((2, 3), dtype="float32"), training=True, mask=ops.ones((2, 3), dtype="bool"))


def test_batch_norm_symbolic_shape_and_config_round_trip():
    inp = lamina.Input((5, 3))
    out = lamina.layers.BatchNormalization(axis=1)(inp)
    assert out.shape == (None, 5, 3)
    bn = lamina.layers.BatchNormalization(momentum=0.9, epsilon=1e-5, center=False)
    again = lamina.layers.BatchNormalization.from_config(bn.get_config())
    assert again.get_config() == bn.get_config()


def test_layer_norm_by_hand_and_config_axis_after_build():
    x = np.arange(6, dtype="float32").reshape(2, 3)
    ln = lamina.layers.LayerNormalization(epsilon=0.0)
    out = ops.convert_to_numpy(ln(x))
    expected = (x - x.mean(1, keepdims=True)) / x.std(1, keepdims=True)
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)
    assert ln.get_config()["axis"] == [-1]
    with pytest.raises(TypeError):
        lamina.layers.LayerNormalization(axis="last")


def test_layer_norm_on_a_middle_axis():
    x = np.random.default_rng(2).normal(size=(2, 3, 4)).astype("float32")
    out = ops.convert_to_numpy(lamina.layers.LayerNormalization(axis=1, epsilon=0.0)(x))
    expected = (x - x.mean(1, keepdims=True)) / x.std(1, keepdims=True)
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-5)


def test_group_norm_errors():
    with pytest.raises(ValueError, match="groups"):
        lamina.layers.GroupNormalization(groups=0)
    with pytest.raises(ValueError, match="multiple"):
        lamina.layers.GroupNormalization(groups=4)(np.ones((2, 6), dtype="float32"))
    with pytest.raises(ValueError, match="cannot be more"):
        lamina.layers.GroupNormalization(groups=8)(np.ones((2, 6), dtype="float32"))


def test_group_norm_one_group_is_layer_norm_over_all_axes():
    x = np.random.default_rng(3).normal(size=(2, 3, 4)).astype("float32")
    out = ops.convert_to_numpy(lamina.layers.GroupNormalization(groups=1, epsilon=0.0)(x))
    mean = x.mean(axis=(1, 2), keepdims=True)
    std = x.std(axis=(1, 2), keepdims=True)
    np.testing.assert_allclose(out, (x - mean) / std, rtol=1e-5, atol=1e-5)


def test_unit_normalization():
    out = lamina.layers.UnitNormalization()(np.array([[3.0, 4.0], [0.0, 0.0]], dtype="float32"))
    np.testing.assert_allclose(ops.convert_to_numpy(out), [[0.6, 0.8], [0.0, 0.0]], rtol=1e-6)
    with pytest.raises(ValueError, match="out of bounds"):
        lamina.layers.UnitNormalization(axis=3).compute_output_shape((2, 3))
