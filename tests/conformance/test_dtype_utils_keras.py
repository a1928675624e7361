"""keras.backend's dtype helpers against real Keras 3 (torch backend)."""

import itertools

import numpy as np
import pytest

from lamina.compat import backend as K

_DTYPES = ["bool", "uint8", "uint16", "uint32", "int8", "int16", "int32", "int64", "bfloat16",
           "float16", "float32", "float64", int, float, None]


def _outcome(fn, *args):
    try:
        return fn(*args)
    except ValueError:
        return ValueError


def test_result_type_matches_keras_on_every_pair(keras):
    for a, b in itertools.product(_DTYPES, repeat=2):
        assert _outcome(K.result_type, a, b) == _outcome(keras.backend.result_type, a, b), (a, b)
    for args in [(), ("int8",), (int,), (float,), ("uint8", "int8", "float16"), (int, float),
                 ("complex64", int), ("float8_e4m3fn", "float32")]:
        assert _outcome(K.result_type, *args) == _outcome(keras.backend.result_type, *args), args


@pytest.mark.parametrize("dtype", [None, "float32", "int", int, float, bool, np.float16,
                                   np.dtype("int8"), "bfloat16", "string", "complex64"])
def test_standardize_and_kind_match_keras(keras, dtype):
    assert K.standardize_dtype(dtype) == keras.backend.standardize_dtype(dtype)
    assert K.is_float_dtype(dtype) == keras.backend.is_float_dtype(dtype)
    assert K.is_int_dtype(dtype) == keras.backend.is_int_dtype(dtype)


def test_standardize_rejects_what_keras_rejects(keras):
    for bad in ("float128", "int4x", object):
        with pytest.raises(ValueError):
            keras.backend.standardize_dtype(bad)
        with pytest.raises(ValueError, match="Invalid dtype"):
            K.standardize_dtype(bad)


def test_torch_dtypes_are_read_by_name(keras):
    import torch  # the test may use the engine; lamina's code does not

    for dtype in (torch.float32, torch.int64, torch.bfloat16, torch.bool):
        assert K.standardize_dtype(dtype) == keras.backend.standardize_dtype(dtype)
