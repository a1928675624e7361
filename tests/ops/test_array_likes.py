"""Public ops take NumPy arrays, lists, Python numbers and Variables, as Keras' ops do."""

import numpy as np
import pytest

import lamina
from lamina import ops
from lamina.ops import kernels


def _np(x):
    return ops.convert_to_numpy(x)


def test_numpy_and_lists_in_engine_tensors_out():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((2, 3)).astype("float32")
    b = rng.standard_normal((2, 3)).astype("float32")
    out = ops.concatenate([a, b])
    assert ops.is_tensor(out) and tuple(out.shape) == (4, 3)
    np.testing.assert_allclose(_np(out), np.concatenate([a, b]))
    np.testing.assert_allclose(_np(ops.mean(a)), a.mean(), rtol=1e-6)
    np.testing.assert_allclose(_np(ops.add([1.0, 2.0], [3.0, 4.0])), [4.0, 6.0])
    assert _np(ops.argmax(a, axis=1)).tolist() == a.argmax(axis=1).tolist()
    np.testing.assert_allclose(_np(ops.exp(a)), np.exp(a), rtol=1e-6)
    assert tuple(ops.reshape(a, (3, 2)).shape) == (3, 2)
    np.testing.assert_allclose(_np(ops.transpose(a)), a.T)
    np.testing.assert_allclose(_np(ops.where(a > 0, a, 0.0)), np.where(a > 0, a, 0.0))
    e = np.exp(a - a.max(axis=-1, keepdims=True))
    np.testing.assert_allclose(_np(ops.softmax(a)), e / e.sum(-1, keepdims=True), rtol=1e-6)
    np.testing.assert_allclose(_np(ops.einsum("ij,kj->ik", a, b)), a @ b.T, rtol=1e-5)
    img = rng.uniform(size=(1, 2, 2, 3)).astype("float32")
    np.testing.assert_allclose(_np(ops.image.rgb_to_grayscale(img))[..., 0],
                               img @ np.float32([0.2989, 0.5870, 0.1140]), rtol=1e-5)


def test_keras_dtypes_for_python_values_and_arrays():
    assert ops.dtype(ops.exp(2.0)) == "float32"  # Python float: floatx
    assert ops.dtype(ops.add(1, 2)) == "int32"  # Python ints: int32
    assert ops.dtype(ops.add([1, 2], 3)) == "int32"
    assert ops.dtype(ops.mean(np.ones(3, "float64"))) == "float64"  # NumPy keeps its dtype
    assert ops.dtype(ops.abs(np.ones(3, "uint16"))) == "int32"  # as Keras on torch
    assert ops.dtype(ops.add(np.ones(3, "int8"), 1)) == "int8"  # numbers are weak
    assert ops.dtype(ops.add(np.ones(3, "int8"), 1.5)) == "float32"
    assert ops.dtype(ops.add(True, np.array([True]))) == "bool"
    # a bool tensor and a Python int: int32 (torch alone would give int64)
    assert ops.dtype(ops.add(ops.convert_to_tensor([True]), 2)) == "int32"
    assert ops.dtype(ops.multiply(2.0, ops.ones((2,), "float16"))) == "float16"


def test_variables_and_tensors_pass_untouched():
    v = lamina.Variable(np.ones((2, 2), "float32"))
    out = ops.sum(ops.multiply(v, 2.0))
    assert float(ops.convert_to_numpy(out)) == 8.0
    t = ops.ones((2, 2))
    assert ops.reshape(t, (4,)).data_ptr() == t.data_ptr()  # a view: no copy on the way


def test_symbolic_tensors_are_still_recorded():
    x = lamina.Input(shape=(3,))
    y = ops.mean(ops.add(x, 1.0), axis=-1)
    model = lamina.Model(x, y)
    data = np.arange(6, dtype="float32").reshape(2, 3)
    np.testing.assert_allclose(model.predict(data, verbose=0), (data + 1).mean(-1))


def test_bad_input_names_the_op_and_argument():
    with pytest.raises(TypeError, match=r"ops\.mean: argument `x`.*dtype <U1"):
        ops.mean(np.array(["a", "b"]))
    with pytest.raises(TypeError, match=r"ops\.concatenate: argument `xs`"):
        ops.concatenate([np.ones(2), {"a": 1}])


def test_kernels_are_the_backend_functions_without_conversion():
    from lamina.backend import nn as bnn
    from lamina.backend import ops as bops

    assert kernels.add is bops.add and kernels.softmax is bnn.softmax
    assert ops.add.__kernel__ is kernels.add
    assert kernels.image.resize is ops.image.resize.__kernel__
    assert kernels.convert_to_tensor is ops.convert_to_tensor  # takes array-likes by nature


def test_symbolic_tensors_with_numpy_constants_record():
    x = lamina.Input(shape=(3,))
    offsets = np.array([1.0, 2.0, 3.0], dtype="float32")
    y = ops.concatenate([x, ops.add(x, offsets)[:, None, :][:, 0]], axis=-1)
    z = ops.where(ops.greater(y, 2.0), y, 0.0)
    model = lamina.Model(x, ops.einsum("bi,ij->bj", z, np.ones((6, 2), "float32")))
    data = np.arange(6, dtype="float32").reshape(2, 3)
    full = np.concatenate([data, data + offsets], axis=-1)
    want = np.where(full > 2.0, full, 0.0) @ np.ones((6, 2), "float32")
    np.testing.assert_allclose(model.predict(data, verbose=0), want, rtol=1e-6)


def test_sequences_given_whole_are_sequences_of_rows():
    rows = np.arange(6, dtype="float32").reshape(2, 3)
    np.testing.assert_allclose(_np(ops.concatenate(rows)), rows.reshape(-1))
    np.testing.assert_allclose(_np(ops.stack(ops.convert_to_tensor(rows), axis=1)), rows.T)
    # a list mixing tensors and arrays stacks as Keras' convert_to_tensor does
    both = ops.convert_to_tensor([ops.ones((2,)), np.zeros(2, "float32")])
    assert tuple(both.shape) == (2, 2) and _np(both).tolist() == [[1, 1], [0, 0]]


def test_wrappers_keep_the_kernels_signatures_and_keywords():
    import inspect

    for name in ("mean", "where", "concatenate", "pad", "conv", "unique", "image.resize"):
        public = ops.image.resize if name == "image.resize" else getattr(ops, name)
        kernel = public.__kernel__
        assert inspect.signature(public) == inspect.signature(kernel), name
    a = np.arange(6.0).reshape(2, 3)
    np.testing.assert_allclose(_np(ops.mean(x=a, axis=0)), a.mean(0))
    np.testing.assert_allclose(_np(ops.where(condition=a > 2, x1=a, x2=[0.0, 0.0, 0.0])),
                               np.where(a > 2, a, 0.0))
    assert ops.mean.__name__ == "mean" and ops.mean.__module__ == "lamina.ops.numpy"
