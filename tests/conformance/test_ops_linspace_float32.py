"""``ops.linspace`` with a float32 (floatx) result gives Keras-on-torch's values exactly: Keras
computes in float32 (``torch.linspace``, or ``start + steps * (stop - start)`` for arrays and
tensors), and layers built on it (MelSpectrogram's filter edges) depend on that rounding."""

import numpy as np
import pytest

from lamina import ops

CASES = [
    ((0.0, 1.0, 7), {}),
    ((0.1, 8000.3, 129), {}),
    ((-3.3, 2.7, 10), {"endpoint": False}),
    ((0, 10, 4), {}),
    ((np.float32(0.3), np.float32(7.1), 40), {}),
    ((np.float32([0, 1]), np.float32([2, 5]), 5), {}),
    ((np.float32([0, 1]), np.float32([2.5, 5]), 6), {"endpoint": False}),
    ((np.float32([[0.5], [1]]), np.float32([[2], [7]]), 4), {"axis": 1}),
]


@pytest.mark.parametrize("args,kwargs", CASES)
def test_linspace_float32_equals_keras(keras, args, kwargs):
    if kwargs.get("axis"):  # Keras-on-torch refuses axis != 0: compare with axis moved after
        want = np.moveaxis(keras.ops.convert_to_numpy(keras.ops.linspace(*args)), 0,
                           kwargs["axis"])
    else:
        want = keras.ops.convert_to_numpy(keras.ops.linspace(*args, **kwargs))
    got = np.asarray(ops.convert_to_numpy(ops.linspace(*args, **kwargs)))
    assert got.dtype == want.dtype == np.float32
    np.testing.assert_array_equal(got, want)


def test_linspace_of_tensors_equals_keras(keras):
    start, stop = ops.convert_to_tensor(0.3), ops.convert_to_tensor(2595.7)
    want = keras.ops.convert_to_numpy(keras.ops.linspace(keras.ops.convert_to_tensor(0.3),
                                                         keras.ops.convert_to_tensor(2595.7),
                                                         22))
    np.testing.assert_array_equal(ops.convert_to_numpy(ops.linspace(start, stop, 22)), want)
