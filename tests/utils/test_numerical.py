import os

import numpy as np
import pytest

from lamina.utils.numerical import normalize, to_categorical


def test_to_categorical_infers_classes():
    out = to_categorical([0, 2, 1])
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, np.eye(3, dtype="float32")[[0, 2, 1]])


def test_to_categorical_drops_trailing_one_and_keeps_other_dims():
    assert to_categorical(np.array([[1], [3]]), num_classes=5).shape == (2, 5)
    assert to_categorical(np.zeros((2, 3), dtype=int), 4).shape == (2, 3, 4)


def test_to_categorical_matches_keras_values():
    os.environ.setdefault("KERAS_BACKEND", "torch")
    keras = pytest.importorskip("keras")
    y = np.array([[2], [0], [1], [2]])
    np.testing.assert_array_equal(to_categorical(y, 4), keras.utils.to_categorical(y, 4))


def test_to_categorical_out_of_range():
    with pytest.raises(ValueError, match="num_classes"):
        to_categorical([0, 5], num_classes=3)


def test_normalize_l2_and_zero_rows():
    x = np.array([[3.0, 4.0], [0.0, 0.0]])
    np.testing.assert_allclose(normalize(x), [[0.6, 0.8], [0.0, 0.0]])


def test_normalize_l1_axis0():
    x = np.array([[1.0, 2.0], [3.0, 2.0]])
    np.testing.assert_allclose(normalize(x, axis=0, order=1), [[0.25, 0.5], [0.75, 0.5]])
