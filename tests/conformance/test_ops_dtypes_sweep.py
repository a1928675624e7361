"""Result dtypes (and values) of lamina.ops against keras.ops for mixed dtypes and Python numbers.

Each test runs the same combinations through both libraries and asserts the same
standardized dtype and the same values. Known, deliberate divergences are left out:

* Keras 3.15's ``result_type`` narrows 64-bit results to 32 bits (JAX's x64-off default), but
  only in ops that call it (``maximum(f64, f64)`` is float32, ``add(f64, f64)`` float64); lamina
  keeps 64-bit dtypes, so int64/float64 operands only appear where both agree.
* ``add``/``subtract``/``multiply`` are torch's functions bound directly (hot path), so a
  Python int with a bool tensor (or two Python numbers) gives torch's int64, not int32, and
  ``subtract`` refuses bools.
"""

import itertools

import numpy as np
import pytest

import lamina
from lamina import ops as L

DTYPES = ["bool", "int8", "uint8", "int16", "int32", "float16", "bfloat16", "float32"]
SCALARS = [2, 3.0, True]


def _make(lib, dtype):
    v = np.array([True, False, True, True]) if dtype == "bool" else np.array([1, 2, 3, 4])
    return lib.ops.convert_to_tensor(v.astype("float32" if dtype == "bfloat16" else dtype),
                                     dtype=dtype)


def _check(keras, what, build, *args, **kwargs):
    """``build(lib, *args, **kwargs)`` in Keras and in lamina: the same dtype and values."""
    try:
        rk = build(keras, *args, **kwargs)
    except (RuntimeError, NotImplementedError, TypeError, ValueError):
        return  # Keras itself refuses the combination: lamina may do anything
    rl = build(lamina, *args, **kwargs)
    dk = keras.backend.standardize_dtype(keras.ops.dtype(rk))
    dl = L.dtype(rl)
    assert dl == dk, f"{what}: keras {dk}, lamina {dl}"
    vk = np.asarray(keras.ops.convert_to_numpy(keras.ops.cast(rk, "float32")))
    vl = np.asarray(L.convert_to_numpy(L.cast(rl, "float32")))
    np.testing.assert_allclose(vl, vk, rtol=1e-2, atol=1e-2, equal_nan=True, err_msg=what)


def _binary(lib, op, a, b):
    return getattr(lib.ops, op)(_make(lib, a), _make(lib, b))


def _with_number(lib, op, a, s, flip):
    t = _make(lib, a)
    args = (s, t) if flip else (t, s)
    if op == "where":
        return lib.ops.where(_make(lib, "bool"), *args)
    return getattr(lib.ops, op)(*args)


def _numbers(lib, op, s1, s2):
    return getattr(lib.ops, op)(s1, s2)


def _matmul(lib, a, b):
    return lib.ops.matmul(lib.ops.reshape(_make(lib, a), (2, 2)),
                          lib.ops.reshape(_make(lib, b), (2, 2)))


def _unary(lib, op, a, **kwargs):
    return getattr(lib.ops, op)(_make(lib, a), **kwargs)


def _with_tensor(lib, op, a, *args):
    return getattr(lib.ops, op)(_make(lib, a), *args)


def _call(lib, op, *args, **kwargs):
    return getattr(lib.ops, op)(*args, **kwargs)


BINARY = ["add", "multiply", "divide", "true_divide", "floor_divide", "power", "maximum",
          "minimum", "mod", "fmod", "arctan2", "hypot", "logaddexp", "equal", "less"]


@pytest.mark.parametrize("op", BINARY + ["subtract"])
def test_binary_tensor_pairs(keras, op):
    for a, b in itertools.product(DTYPES, DTYPES):
        if op == "subtract" and "bool" in (a, b):
            continue  # torch refuses bool subtraction (bound directly, hot path)
        _check(keras, f"{op}({a}, {b})", _binary, op, a, b)


@pytest.mark.parametrize("op", BINARY + ["where"])
def test_binary_with_python_numbers(keras, op):
    for a, s in itertools.product(DTYPES, SCALARS):
        if op in ("add", "multiply") and a == "bool" and type(s) is int:
            continue  # torch's int64 (see the module docstring)
        for flip in (False, True):
            _check(keras, f"{op} {a} {s!r} flip={flip}", _with_number, op, a, s, flip)


@pytest.mark.parametrize("op", ["divide", "power", "maximum", "minimum", "floor_divide", "mod",
                                "equal"])
def test_two_python_numbers(keras, op):
    for s1, s2 in itertools.product(SCALARS, SCALARS):
        _check(keras, f"{op}({s1!r}, {s2!r})", _numbers, op, s1, s2)


def test_matmul_mixed_dtypes(keras):
    for a, b in itertools.product(DTYPES, repeat=2):
        _check(keras, f"matmul({a}, {b})", _matmul, a, b)


UNARY = ["sqrt", "exp", "log", "floor", "ceil", "round", "sign", "negative", "sin", "tanh",
         "mean", "sum", "prod", "max", "var", "std", "cumsum", "cumprod", "ones_like",
         "zeros_like", "argmax", "argmin", "any", "all", "median", "logsumexp"]
NARROWED_64 = ("max", "var", "std", "cumsum", "cumprod", "prod", "median", "argmax", "argmin",
               "floor", "ceil")


@pytest.mark.parametrize("op", UNARY)
def test_unary(keras, op):
    for a in DTYPES + ["int64", "float64"]:
        if a.endswith("64") and op in NARROWED_64:
            continue  # Keras narrows 64-bit results here (module docstring)
        _check(keras, f"{op}({a})", _unary, op, a)


def test_cumsum_axis_clip_full_like(keras):
    for a in DTYPES:
        _check(keras, f"cumsum({a}, axis=0)", _unary, "cumsum", a, axis=0)
        for s in SCALARS:
            _check(keras, f"clip({a}, {s!r}, 5)", _with_tensor, "clip", a, s, 5)
            _check(keras, f"full_like({a}, {s!r})", _with_tensor, "full_like", a, s)


def test_creation_and_convert_to_tensor(keras):
    for a in DTYPES + ["int64", "float64"]:
        _check(keras, f"arange(dtype={a})", _call, "arange", 0, 4, dtype=a)
        _check(keras, f"linspace(dtype={a})", _call, "linspace", 0, 4, 5, dtype=a)
        _check(keras, f"full(dtype={a})", _call, "full", (2,), 1, dtype=a)
    for args in [(4,), (4.0,), (0, 4, 1), (0, 4.0), (0.0, 2.0, 0.5)]:
        _check(keras, f"arange{args}", _call, "arange", *args)
    for v in [1, 1.5, True, [1, 2], [1.0, 2], [True, False], [1, 2.5], [[1], [2]], 2**40,
              np.float64(1.0), np.int64(3), np.array([1.0, 2.0]), np.array([1, 2]),
              np.float32(2)]:
        _check(keras, f"convert_to_tensor({v!r})", _call, "convert_to_tensor", v)
        for d in ["float16", "int8", "bool"]:
            _check(keras, f"convert_to_tensor({v!r}, {d})", _call, "convert_to_tensor", v,
                   dtype=d)


@pytest.mark.parametrize("make", [
    lambda: [[3.0, 4.0], [1.0, 0.0]],
    lambda: np.array([[3, 4], [0, 2]], "int32"),
    lambda: np.array([[3.0, 4.0]], "float16"),
])
def test_normalize_of_lists_ints_and_halves(keras, make):
    x = make()
    k = keras.ops.normalize(x if isinstance(x, list) else keras.ops.convert_to_tensor(x))
    m = lamina.ops.normalize(x if isinstance(x, list) else lamina.ops.convert_to_tensor(x))
    assert lamina.ops.dtype(m) == keras.ops.dtype(k)
    np.testing.assert_allclose(lamina.ops.convert_to_numpy(m).astype("float32"),
                               keras.ops.convert_to_numpy(k).astype("float32"), rtol=1e-3)


def test_normalize_between_layers_of_a_functional_model():
    x = np.array([[3.0, 4.0, 0.0], [1.0, 1.0, 1.0]], "float32")
    inputs = lamina.Input((3,))
    model = lamina.Model(inputs, lamina.ops.normalize(inputs))
    want = x / np.linalg.norm(x, axis=-1, keepdims=True)
    np.testing.assert_allclose(model.predict(x, verbose=0), want, rtol=1e-6)
