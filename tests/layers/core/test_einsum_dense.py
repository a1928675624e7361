"""EinsumDense: shapes from the equation, LoRA fine-tuning in fit, and clear errors."""

import numpy as np
import pytest

import lamina
from lamina import layers


def test_dense_equivalent_matches_numpy():
    layer = layers.EinsumDense("ab,bc->ac", output_shape=3, bias_axes="c")
    x = np.random.default_rng(0).normal(size=(4, 5)).astype("float32")
    y = lamina.ops.convert_to_numpy(layer(x))
    kernel, bias = layer.get_weights()
    np.testing.assert_allclose(y, x @ kernel + bias, rtol=1e-5, atol=1e-6)


def test_symbolic_shape_with_ellipsis():
    inp = lamina.Input(shape=(7, 4))
    out = layers.EinsumDense("...x,xy->...y", output_shape=6, bias_axes="y")(inp)
    assert tuple(out.shape) == (None, 7, 6)


def test_lora_trains_only_the_factors_and_bias():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(32, 4)).astype("float32")
    y = x @ rng.normal(size=(4, 2)).astype("float32")
    layer = layers.EinsumDense("ab,bc->ac", output_shape=2, bias_axes="c", lora_rank=2)
    model = lamina.Sequential([lamina.Input(shape=(4,)), layer])
    assert [w.name for w in model.trainable_weights] == ["bias", "lora_kernel_a", "lora_kernel_b"]
    # `kernel` is the merged kernel (as in Keras); the frozen base is `_kernel`
    kernel_before = np.array(lamina.ops.convert_to_numpy(layer._kernel))
    model.compile(optimizer=lamina.optimizers.Adam(0.05), loss="mse")
    first = model.evaluate(x, y, verbose=0)
    model.fit(x, y, epochs=10, batch_size=8, verbose=0)
    assert model.evaluate(x, y, verbose=0) < first
    np.testing.assert_array_equal(lamina.ops.convert_to_numpy(layer._kernel), kernel_before)
    assert not np.allclose(lamina.ops.convert_to_numpy(layer.kernel), kernel_before)
    assert np.any(lamina.ops.convert_to_numpy(layer.lora_kernel_b) != 0)


def test_enable_lora_refuses_twice_and_with_constraint():
    layer = layers.EinsumDense("ab,bc->ac", output_shape=2)
    with pytest.raises(ValueError, match="not built yet|isn't yet built"):
        layer.enable_lora(2)
    layer.build((None, 3))
    layer.enable_lora(2)
    with pytest.raises(ValueError, match="already enabled"):
        layer.enable_lora(2)
    constrained = layers.EinsumDense("ab,bc->ac", 2, kernel_constraint="non_neg")
    constrained.build((None, 3))
    with pytest.raises(ValueError, match="kernel_constraint|kernel constraints"):
        constrained.enable_lora(2)


def test_bad_arguments_are_refused():
    with pytest.raises(TypeError, match="equation"):
        layers.EinsumDense(3, output_shape=2)
    with pytest.raises(TypeError, match="output_shape"):
        layers.EinsumDense("ab,bc->ac", output_shape="2")
    with pytest.raises(ValueError, match="output spec"):
        layers.EinsumDense("ab,bc->ad", output_shape=2).build((None, 3))
    with pytest.raises(ValueError, match="shared dimension 'b'"):
        layers.EinsumDense("abc,cd->abd", output_shape=(5, 2)).build((None, 3, 4))


def test_config_round_trip():
    layer = layers.EinsumDense("abc,cd->abd", (None, 3), bias_axes="d", activation="relu",
                               lora_rank=2, lora_alpha=4)
    clone = layers.EinsumDense.from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()
    assert layers.get_builtin_layer("EinsumDense") is layers.EinsumDense
