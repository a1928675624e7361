"""Merging layers: results, broadcasting, masks and the errors that name the layer."""

import numpy as np
import pytest

import lamina
from lamina import ops


def arr(*shape, fill=None, seed=0):
    if fill is not None:
        return np.full(shape, fill, dtype="float32")
    return np.random.default_rng(seed).normal(size=shape).astype("float32")


def test_elementwise_results():
    a, b, c = arr(2, 3, seed=1), arr(2, 3, seed=2), arr(2, 3, seed=3)
    L = lamina.layers
    cases = [
        (L.Add(), a + b + c), (L.Average(), (a + b + c) / 3), (L.Multiply(), a * b * c),
        (L.Maximum(), np.maximum(np.maximum(a, b), c)), (L.Minimum(), np.minimum(np.minimum(a, b), c)),
    ]
    for layer, expected in cases:
        np.testing.assert_allclose(ops.convert_to_numpy(layer([a, b, c])), expected, rtol=1e-6)
    np.testing.assert_allclose(ops.convert_to_numpy(L.Subtract()([a, b])), a - b)
    np.testing.assert_allclose(ops.convert_to_numpy(L.add([a, b])), a + b)
    np.testing.assert_allclose(ops.convert_to_numpy(L.concatenate([a, b], axis=0)),
                               np.concatenate([a, b], 0))
    np.testing.assert_allclose(ops.convert_to_numpy(L.dot([a, b], axes=1)),
                               (a * b).sum(1, keepdims=True), rtol=1e-6)


def test_lower_rank_inputs_broadcast_along_axis_1():
    a, b = arr(2, 3, 4), arr(2, 4)
    out = lamina.layers.Add()([a, b])
    np.testing.assert_allclose(ops.convert_to_numpy(out), a + b[:, None, :])


def test_symbolic_shapes():
    a, b = lamina.Input((3, 4)), lamina.Input((3, 4))
    assert lamina.layers.Add()([a, b]).shape == (None, 3, 4)
    assert lamina.layers.Concatenate(axis=1)([a, b]).shape == (None, 6, 4)
    assert lamina.layers.Dot(axes=2)([a, b]).shape == (None, 3, 3)
    assert lamina.layers.Dot(axes=(1, 1))([lamina.Input((4,)), lamina.Input((4,))]).shape == (
        None, 1)


def test_errors_name_the_layer():
    with pytest.raises(ValueError, match="'my_add'.*incompatible shapes"):
        lamina.layers.Add(name="my_add")([arr(2, 3), arr(2, 4)])
    with pytest.raises(ValueError, match="'my_add2'.*list"):
        lamina.layers.Add(name="my_add2")(arr(2, 3))
    with pytest.raises(ValueError, match="batch sizes"):
        lamina.layers.Add()([arr(2, 3), arr(3, 3)])
    with pytest.raises(ValueError, match="exactly 2"):
        lamina.layers.Subtract()([arr(2, 3), arr(2, 3), arr(2, 3)])
    with pytest.raises(ValueError, match="'cat'.*matching shapes"):
        lamina.layers.Concatenate(name="cat")([arr(2, 3, 4), arr(2, 5, 4)])
    with pytest.raises(ValueError, match="'d'.*incompatible input shapes"):
        lamina.layers.Dot(axes=-1, name="d")([arr(2, 3), arr(2, 4)])
    with pytest.raises(ValueError, match="2 inputs"):
        lamina.layers.Dot(axes=1)([arr(2, 3), arr(2, 3), arr(2, 3)])
    with pytest.raises(TypeError):
        lamina.layers.Dot(axes="x")
    with pytest.raises(ValueError):
        lamina.layers.Dot(axes=(1, 2, 3))


def with_mask(x, mask):
    t = ops.convert_to_tensor(x)
    t._keras_mask = ops.convert_to_tensor(np.asarray(mask, dtype=bool))
    return t


def test_masks_are_or_combined_only_when_all_inputs_have_one():
    a = with_mask(arr(1, 4, 2, seed=1), [[1, 1, 0, 0]])
    b = with_mask(arr(1, 4, 2, seed=2), [[0, 1, 1, 0]])
    out = lamina.layers.Add()([a, b])
    np.testing.assert_array_equal(ops.convert_to_numpy(out._keras_mask), [[1, 1, 1, 0]])
    plain = ops.convert_to_tensor(arr(1, 4, 2))
    assert getattr(lamina.layers.Add()([a, plain]), "_keras_mask", None) is None
    assert getattr(lamina.layers.Dot(axes=2)([a, b]), "_keras_mask", None) is None


def test_maximum_ignores_masked_values_and_multiply_treats_them_as_one():
    a = with_mask(np.array([[[5.0], [1.0]]], dtype="float32"), [[0, 1]])
    b = with_mask(np.array([[[2.0], [3.0]]], dtype="float32"), [[1, 1]])
    out = lamina.layers.Maximum()([a, b])
    np.testing.assert_allclose(ops.convert_to_numpy(out), [[[2.0], [3.0]]])
    prod = lamina.layers.Multiply()([a, b])
    np.testing.assert_allclose(ops.convert_to_numpy(prod), [[[2.0], [3.0]]])


def test_concatenate_masks_along_time_and_features():
    a = with_mask(arr(1, 3, 2), [[1, 0, 1]])
    b = ops.convert_to_tensor(arr(1, 2, 2))
    out = lamina.layers.Concatenate(axis=1)([a, b])
    np.testing.assert_array_equal(ops.convert_to_numpy(out._keras_mask), [[1, 0, 1, 1, 1]])
    c = with_mask(arr(1, 3, 5), [[0, 0, 1]])
    out = lamina.layers.Concatenate()([a, c])
    np.testing.assert_array_equal(ops.convert_to_numpy(out._keras_mask), [[1, 0, 1]])
