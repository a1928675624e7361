"""lamina.ops' NumPy-like ops give NumPy's answers on random inputs."""

import numpy as np
import pytest

from lamina import ops

RNG = np.random.default_rng(0)
A = RNG.standard_normal((3, 4)).astype("float32")
B = RNG.standard_normal((3, 4)).astype("float32")
P = RNG.uniform(0.1, 2.0, (3, 4)).astype("float32")
U = RNG.uniform(-0.9, 0.9, (3, 4)).astype("float32")
I = RNG.integers(-5, 6, (3, 4)).astype("int32")
J = RNG.integers(1, 6, (3, 4)).astype("int32")
V = RNG.standard_normal((4,)).astype("float32")
SQ = (RNG.standard_normal((4, 4)) + 4 * np.eye(4)).astype("float32")


def t(x):
    return ops.convert_to_tensor(x)


def check(got, want, rtol=1e-5, atol=1e-5):
    if isinstance(want, (tuple, list)):
        assert len(got) == len(want)
        for g, w in zip(got, want):
            check(g, w, rtol, atol)
        return
    got = ops.convert_to_numpy(got)
    np.testing.assert_allclose(got, np.asarray(want), rtol=rtol, atol=atol)
    assert np.shape(got) == np.shape(want)


UNARY = ["abs", "absolute", "fabs", "sign", "square", "exp", "exp2", "expm1", "sin", "cos",
         "tan", "tanh", "sinh", "cosh", "arctan", "arcsinh", "floor", "ceil", "trunc",
         "negative", "isnan", "isinf", "isfinite", "signbit", "sinc", "deg2rad", "rad2deg",
         "ravel", "transpose", "fliplr", "flipud", "copy", "isneginf", "isposinf", "real",
         "imag", "i0", "cbrt"]


@pytest.mark.parametrize("name", UNARY)
def test_unary(name):
    check(getattr(ops, name)(t(A)), getattr(np, name)(A), rtol=1e-4)


@pytest.mark.parametrize("name", ["sqrt", "log", "log1p", "log2", "log10", "reciprocal",
                                  "arccosh"])
def test_unary_positive(name):
    x = P + 1.0 if name == "arccosh" else P
    check(getattr(ops, name)(t(x)), getattr(np, name)(x), rtol=1e-5)


@pytest.mark.parametrize("name", ["arcsin", "arccos", "arctanh"])
def test_unary_unit_interval(name):
    check(getattr(ops, name)(t(U)), getattr(np, name)(U), rtol=1e-5)


BINARY = ["add", "subtract", "multiply", "divide", "true_divide", "maximum", "minimum", "fmax",
          "fmin", "equal", "not_equal", "greater", "greater_equal", "less", "less_equal",
          "arctan2", "hypot", "logaddexp", "logaddexp2", "outer", "kron", "inner",
          "nextafter", "heaviside", "fmod", "mod"]


@pytest.mark.parametrize("name", BINARY)
def test_binary(name):
    a, b = (A, B) if name not in ("inner",) else (A, B[0])
    check(getattr(ops, name)(t(a), t(b)), getattr(np, name)(a, b), rtol=1e-5)


def test_broadcasting_and_scalars():
    check(ops.add(t(A), t(V)), A + V)
    check(ops.multiply(t(A), 2.0), A * 2.0)
    check(ops.power(t(P), 2.5), P**2.5, rtol=1e-5)
    check(ops.floor_divide(t(I), t(J)), np.floor_divide(I, J))
    check(ops.divide_no_nan(t(A), t(np.where(I > 0, B, 0).astype("float32"))),
          np.where(I > 0, A / np.where(I > 0, B, 1), 0))


@pytest.mark.parametrize("name", ["bitwise_and", "bitwise_or", "bitwise_xor", "gcd", "lcm"])
def test_integer_binary(name):
    check(getattr(ops, name)(t(I), t(J)), getattr(np, name)(I, J))


def test_logical():
    a, b = A > 0, B > 0
    check(ops.logical_and(t(a), t(b)), a & b)
    check(ops.logical_or(t(a), t(b)), a | b)
    check(ops.logical_xor(t(a), t(b)), a ^ b)
    check(ops.logical_not(t(a)), ~a)
    check(ops.bitwise_not(t(I)), ~I)


REDUCTIONS = ["sum", "mean", "max", "min", "prod", "std", "var", "amax", "amin", "ptp", "any",
              "all", "median", "nansum", "nanmean", "nanmax", "nanmin", "nanstd", "nanvar",
              "nanprod", "nanmedian"]


@pytest.mark.parametrize("name", REDUCTIONS)
@pytest.mark.parametrize("axis", [None, 0, 1, (0, 1), -1])
@pytest.mark.parametrize("keepdims", [False, True])
def test_reductions(name, axis, keepdims):
    x = A if name not in ("any", "all") else A > 0
    np_fn = getattr(np, name)
    check(getattr(ops, name)(t(x), axis=axis, keepdims=keepdims),
          np_fn(x, axis=axis, keepdims=keepdims), rtol=1e-4, atol=1e-5)


def test_reduction_dtypes_follow_keras():
    assert ops.dtype(ops.sum(t(A > 0))) == "int32"
    assert ops.dtype(ops.sum(t(I))) == "int32"
    assert ops.dtype(ops.mean(t(I))) == "float32"
    assert ops.dtype(ops.argmax(t(A), axis=1)) == "int32"
    assert ops.dtype(ops.argsort(t(A))) == "int32"
    assert ops.dtype(ops.count_nonzero(t(I))) == "int32"
    assert ops.dtype(ops.arange(3)) == "int32" and ops.dtype(ops.arange(3.0)) == "float32"
    # Keras: ``full`` without a dtype is floatx, also for an int fill value
    assert ops.dtype(ops.full((2,), 1)) == "float32" and ops.dtype(ops.full((2,), 1.0)) == "float32"


@pytest.mark.parametrize("name", ["argmax", "argmin"])
@pytest.mark.parametrize("axis", [None, 0, 1])
def test_arg_reductions(name, axis):
    check(getattr(ops, name)(t(A), axis=axis), getattr(np, name)(A, axis=axis))


def test_nan_ops():
    x = A.copy()
    x[0, 1] = np.nan
    check(ops.nansum(t(x), axis=1), np.nansum(x, axis=1))
    check(ops.nanmean(t(x), axis=0), np.nanmean(x, axis=0))
    check(ops.nanargmax(t(x), axis=1), np.nanargmax(x, axis=1))
    check(ops.nanargmin(t(x), axis=1), np.nanargmin(x, axis=1))
    check(ops.nancumsum(t(x), axis=1), np.nancumsum(x, axis=1))
    check(ops.nan_to_num(t(x)), np.nan_to_num(x))


@pytest.mark.parametrize("name", ["cumsum", "cumprod"])
@pytest.mark.parametrize("axis", [None, 0, 1])
def test_cumulative(name, axis):
    check(getattr(ops, name)(t(A), axis=axis), getattr(np, name)(A, axis=axis), rtol=1e-4)


def test_quantiles():
    check(ops.quantile(t(A), 0.3, axis=1), np.quantile(A, 0.3, axis=1))
    check(ops.quantile(t(A), [0.25, 0.75], axis=0, keepdims=True),
          np.quantile(A, [0.25, 0.75], axis=0, keepdims=True))
    check(ops.percentile(t(A), 40.0), np.percentile(A, 40.0))
    check(ops.average(t(A), axis=1, weights=t(V)), np.average(A, axis=1, weights=V))
    check(ops.average(t(A)), np.average(A))


def test_shape_manipulation():
    x = RNG.standard_normal((2, 3, 4)).astype("float32")
    check(ops.reshape(t(x), (4, -1)), x.reshape(4, -1))
    check(ops.transpose(t(x), (2, 0, 1)), x.transpose(2, 0, 1))
    check(ops.swapaxes(t(x), 0, 2), np.swapaxes(x, 0, 2))
    check(ops.moveaxis(t(x), 0, -1), np.moveaxis(x, 0, -1))
    check(ops.expand_dims(t(x), 1), np.expand_dims(x, 1))
    check(ops.expand_dims(t(x), (0, 4)), np.expand_dims(x, (0, 4)))
    check(ops.squeeze(t(x[:1]), 0), np.squeeze(x[:1], 0))
    check(ops.concatenate([t(x), t(x)], axis=1), np.concatenate([x, x], axis=1))
    check(ops.concatenate([t(x), t(x)], axis=None), np.concatenate([x, x], axis=None))
    check(ops.append(t(A), t(B)), np.append(A, B))
    check(ops.append(t(A), t(B), axis=0), np.append(A, B, axis=0))
    check(ops.stack([t(A), t(B)], axis=1), np.stack([A, B], axis=1))
    check(ops.hstack([t(A), t(B)]), np.hstack([A, B]))
    check(ops.vstack([t(A), t(B)]), np.vstack([A, B]))
    check(ops.dstack([t(A), t(B)]), np.dstack([A, B]))
    check(ops.split(t(A), 2, axis=1), np.split(A, 2, axis=1))
    check(ops.split(t(A), [1, 3], axis=1), np.split(A, [1, 3], axis=1))
    check(ops.array_split(t(A), 3, axis=1), np.array_split(A, 3, axis=1))
    check(ops.hsplit(t(A), 2), np.hsplit(A, 2))
    check(ops.vsplit(t(SQ), 2), np.vsplit(SQ, 2))
    check(ops.tile(t(A), (2, 1)), np.tile(A, (2, 1)))
    check(ops.repeat(t(A), 2, axis=1), np.repeat(A, 2, axis=1))
    check(ops.repeat(t(A), 2), np.repeat(A, 2))
    check(ops.repeat(t(A), [1, 2, 0], axis=0), np.repeat(A, [1, 2, 0], axis=0))
    check(ops.broadcast_to(t(V), (3, 4)), np.broadcast_to(V, (3, 4)))
    check(ops.flip(t(A), 1), np.flip(A, 1))
    check(ops.flip(t(A)), np.flip(A))
    check(ops.rot90(t(A)), np.rot90(A))
    check(ops.roll(t(A), 2, axis=1), np.roll(A, 2, axis=1))
    check(ops.roll(t(A), 5), np.roll(A, 5))
    check(ops.unstack(t(A), axis=1), [A[:, i] for i in range(4)])
    assert ops.shape(t(x)) == (2, 3, 4) and ops.ndim(t(x)) == 3 and ops.size(t(x)) == 24


@pytest.mark.parametrize("mode", ["constant", "reflect", "symmetric", "edge", "wrap"])
def test_pad(mode):
    width = ((1, 2), (2, 1))
    check(ops.pad(t(A), width, mode=mode), np.pad(A, width, mode=mode))
    check(ops.pad(t(I), width, mode=mode), np.pad(I, width, mode=mode))


def test_pad_constant_value():
    check(ops.pad(t(A), ((0, 1), (1, 0)), constant_values=3.0),
          np.pad(A, ((0, 1), (1, 0)), constant_values=3.0))


def test_matrix_ops():
    check(ops.matmul(t(A), t(B.T)), A @ B.T, rtol=1e-5)
    check(ops.dot(t(A), t(B.T)), np.dot(A, B.T), rtol=1e-5)
    x3 = RNG.standard_normal((2, 3, 4)).astype("float32")
    y3 = RNG.standard_normal((5, 4, 2)).astype("float32")
    check(ops.dot(t(x3), t(y3)), np.dot(x3, y3), rtol=1e-4, atol=1e-5)
    check(ops.dot(t(A), t(V)), np.dot(A, V), rtol=1e-5)
    check(ops.tensordot(t(A), t(B), axes=([1], [1])), np.tensordot(A, B, axes=([1], [1])))
    check(ops.tensordot(t(A), t(B), axes=2), np.tensordot(A, B, axes=2), rtol=1e-5)
    check(ops.vdot(t(A), t(B)), np.vdot(A, B), rtol=1e-5)
    check(ops.einsum("ij,kj->ik", t(A), t(B)), np.einsum("ij,kj->ik", A, B), rtol=1e-5)
    check(ops.trace(t(SQ)), np.trace(SQ))
    check(ops.diagonal(t(SQ), 1), np.diagonal(SQ, 1))
    check(ops.diag(t(V)), np.diag(V))
    check(ops.diag(t(SQ), -1), np.diag(SQ, -1))
    check(ops.diagflat(t(V), 1), np.diagflat(V, 1))
    check(ops.tril(t(SQ), -1), np.tril(SQ, -1))
    check(ops.triu(t(SQ), 1), np.triu(SQ, 1))
    check(ops.cross(t(A[:, :3]), t(B[:, :3])), np.cross(A[:, :3], B[:, :3]), rtol=1e-5)
    check(ops.cross(t(A[:, :2]), t(B[:, :2])), np.cross(A[:, :2], B[:, :2]), rtol=1e-5)
    check(ops.slogdet(t(SQ)), np.linalg.slogdet(SQ), rtol=1e-4)
    check(ops.correlate(t(V), t(V[:3]), mode="valid"), np.correlate(V, V[:3], mode="valid"))
    check(ops.correlate(t(V), t(V[:3]), mode="full"), np.correlate(V, V[:3], mode="full"))
    check(ops.correlate(t(V), t(V[:3]), mode="same"), np.correlate(V, V[:3], mode="same"))
    check(ops.corrcoef(t(A)), np.corrcoef(A), rtol=1e-4)
    check(ops.diff(t(A), 2, axis=1), np.diff(A, 2, axis=1))
    check(ops.trapezoid(t(A)), np.trapezoid(A), rtol=1e-5)
    check(ops.vander(t(V), 3), np.vander(V, 3), rtol=1e-5)


def test_creation():
    check(ops.zeros((2, 3)), np.zeros((2, 3)))
    check(ops.ones(3, dtype="int32"), np.ones(3, "int32"))
    check(ops.full((2, 2), 7.0), np.full((2, 2), 7.0))
    check(ops.full_like(t(A), 2.0), np.full_like(A, 2.0))
    check(ops.zeros_like(t(A)), np.zeros_like(A))
    check(ops.ones_like(t(A), dtype="int32"), np.ones_like(A, "int32"))
    for n, m, k in [(3, None, 0), (3, 4, 1), (4, 3, -2), (2, 2, 5)]:
        check(ops.eye(n, m, k), np.eye(n, m, k))
        check(ops.tri(n, m, k), np.tri(n, m, k))
    check(ops.identity(3), np.identity(3))
    check(ops.arange(1, 10, 2), np.arange(1, 10, 2))
    check(ops.arange(0.5, 3.0, 0.5), np.arange(0.5, 3.0, 0.5))
    check(ops.linspace(0, 1, 7), np.linspace(0, 1, 7))
    check(ops.linspace(0, 1, 7, endpoint=False), np.linspace(0, 1, 7, endpoint=False))
    check(ops.linspace(t(np.float32([0, 1])), t(np.float32([1, 3])), 4, axis=1),
          np.linspace([0, 1], [1, 3], 4, axis=1))
    check(ops.logspace(0, 2, 5), np.logspace(0, 2, 5), rtol=1e-5)
    check(ops.geomspace(1, 100, 5), np.geomspace(1, 100, 5), rtol=1e-5)
    for name in ["bartlett", "blackman", "hamming", "hanning"]:
        check(getattr(ops, name)(7), getattr(np, name)(7), atol=1e-6)
    check(ops.kaiser(7, 3.0), np.kaiser(7, 3.0), rtol=1e-5)
    check(ops.meshgrid(t(V), t(V[:2])), np.meshgrid(V, V[:2]))
    check(ops.meshgrid(t(V), t(V[:2]), indexing="ij"), np.meshgrid(V, V[:2], indexing="ij"))
    assert ops.empty((2, 3)).shape == (2, 3)


def test_indexing():
    idx = np.array([[0, 2], [3, -1]])
    check(ops.take(t(A), t(idx), axis=1), np.take(A, idx, axis=1))
    check(ops.take(t(A), t(np.array([2, 0])), axis=0), np.take(A, [2, 0], axis=0))
    check(ops.take(t(A), t(idx)), np.take(A, idx))
    x3 = RNG.standard_normal((2, 3, 4)).astype("float32")
    check(ops.take(t(x3), t(idx), axis=-1), np.take(x3, idx, axis=-1))
    order = np.argsort(A, axis=1)
    check(ops.take_along_axis(t(A), t(order), axis=1), np.take_along_axis(A, order, axis=1))
    check(ops.take_along_axis(t(A), t(order[:1]), axis=1),
          np.take_along_axis(A, order[:1], axis=1))
    check(ops.where(t(A > 0), t(A), t(B)), np.where(A > 0, A, B))
    check(ops.where(t(A > 0), t(A), 0.0), np.where(A > 0, A, 0.0))
    check(ops.nonzero(t(I)), np.nonzero(I))
    check(ops.sort(t(A), axis=0), np.sort(A, axis=0))
    check(ops.sort(t(A)), np.sort(A))
    check(ops.argsort(t(A), axis=1), np.argsort(A, axis=1, kind="stable"))
    check(ops.searchsorted(t(np.sort(V)), t(A[0])), np.searchsorted(np.sort(V), A[0]))
    check(ops.searchsorted(t(np.sort(V)), t(A[0]), side="right"),
          np.searchsorted(np.sort(V), A[0], side="right"))
    check(ops.digitize(t(A[0]), t(np.sort(V))), np.digitize(A[0], np.sort(V)))
    check(ops.isin(t(I), t(np.array([0, 1, 2]))), np.isin(I, [0, 1, 2]))
    check(ops.bincount(t(np.abs(I).ravel())), np.bincount(np.abs(I).ravel()))
    check(ops.unravel_index(t(np.array([5, 7])), (3, 4)), np.unravel_index([5, 7], (3, 4)))
    check(ops.unique(t(I)), np.unique(I))
    check(ops.select([t(A > 1), t(A < -1)], [t(A), t(B)], 0.5),
          np.select([A > 1, A < -1], [A, B], 0.5))
    check(ops.get_item(t(A), (slice(None), 1)), A[:, 1])
    check(ops.count_nonzero(t(I), axis=0), np.count_nonzero(I, axis=0))
    counts, edges = ops.histogram(t(V), bins=3)
    np_counts, np_edges = np.histogram(V, bins=3)
    check(counts, np_counts)
    check(edges, np_edges, rtol=1e-5)


def test_elementwise_misc():
    check(ops.clip(t(A), -0.5, 0.5), np.clip(A, -0.5, 0.5))
    check(ops.round(t(A * 10), 0), np.round(A * 10))
    check(ops.round(t(A), 2), np.round(A, 2), atol=1e-6)
    check(ops.isclose(t(A), t(A + 1e-9)), np.isclose(A, A + 1e-9))
    assert bool(ops.allclose(t(A), t(A)))
    check(ops.ldexp(t(A), t(J)), np.ldexp(A, J))
    check(ops.square(t(I)), np.square(I))
    check(ops.rearrange(t(RNG.standard_normal((2, 6, 3)).astype("float32")), "b (h w) c -> b h w c",
                        h=2).shape, (2, 2, 3, 3))
    x = RNG.standard_normal((2, 6, 3)).astype("float32")
    check(ops.rearrange(t(x), "b (h w) c -> (b h) c w", h=2),
          x.reshape(2, 2, 3, 3).transpose(0, 1, 3, 2).reshape(4, 3, 3))


def test_python_lists_are_accepted_by_the_less_common_ops():
    check(ops.take(t(A), [0, 2], axis=0), A[[0, 2]])
    check(ops.isin(t(I), [1, 2]), np.isin(I, [1, 2]))
