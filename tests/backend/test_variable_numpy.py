"""np.array(variable) reads a variable's values without NumPy 2's deprecation warning (the
custom learning-rate scheduler of Keras' callbacks guide does np.array(optimizer.learning_rate))."""

import warnings

import numpy as np

import lamina


def test_np_array_of_a_variable_reads_its_values_without_warning():
    optimizer = lamina.optimizers.RMSprop(learning_rate=0.1)
    v = lamina.Variable(np.array([[1.0, 2.0]], dtype="float32"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lr = float(np.array(optimizer.learning_rate))
        arr = np.array(v)
        as64 = np.asarray(v, dtype="float64")
    assert abs(lr - 0.1) < 1e-7
    np.testing.assert_array_equal(arr, [[1.0, 2.0]])
    assert as64.dtype == np.float64
    arr[0, 0] = 5.0  # np.array copies: the variable keeps its value
    assert float(lamina.ops.convert_to_numpy(v)[0, 0]) == 1.0
