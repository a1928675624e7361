"""Pooling layers: NumPy references, errors and shapes."""

import numpy as np
import pytest

from lamina import layers, ops


def _np(x):
    return ops.convert_to_numpy(x)


def test_max_pooling_2d_matches_numpy():
    x = np.random.default_rng(0).normal(size=(2, 6, 4, 3)).astype("float32")
    want = x.reshape(2, 3, 2, 2, 2, 3).max(axis=(2, 4))
    np.testing.assert_array_equal(_np(layers.MaxPooling2D()(x)), want)


def test_average_pooling_1d_matches_numpy():
    x = np.random.default_rng(1).normal(size=(2, 7, 3)).astype("float32")
    want = x[:, :6].reshape(2, 3, 2, 3).mean(axis=2)
    np.testing.assert_allclose(_np(layers.AveragePooling1D(2)(x)), want, rtol=1e-6)


def test_same_max_pooling_ignores_padding_for_negative_inputs():
    x = -np.ones((1, 5, 5, 1), "float32") * 7
    out = _np(layers.MaxPooling2D(2, padding="same")(x))
    assert out.shape == (1, 3, 3, 1) and (out == -7).all()


def test_global_pooling_shapes_and_keepdims():
    x = np.ones((2, 4, 5, 3), "float32")
    assert tuple(layers.GlobalMaxPooling2D()(x).shape) == (2, 3)
    assert tuple(layers.GlobalAveragePooling2D(keepdims=True)(x).shape) == (2, 1, 1, 3)
    assert tuple(layers.GlobalAvgPool2D(data_format="channels_first")(x).shape) == (2, 4)


@pytest.mark.parametrize("make, match", [
    (lambda: layers.MaxPooling2D(pool_size=(2, 2, 2)), "pool_size"),
    (lambda: layers.MaxPooling2D(padding="causal"), "padding"),
    (lambda: layers.AveragePooling1D(2, strides=0), "strides"),
])
def test_bad_arguments(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_average_pooling_needs_pool_size():
    with pytest.raises(TypeError):
        layers.AveragePooling2D()


def test_pool_larger_than_input_is_explained():
    layer = layers.MaxPooling2D(4)
    with pytest.raises(ValueError, match="pool_size"):
        layer.compute_output_shape((None, 3, 3, 1))
