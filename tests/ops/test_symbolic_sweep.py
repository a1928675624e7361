"""Every op of ``lamina.ops`` between layers: recorded on ``Input`` tensors, replayed by a
functional model with the eager op's values, and saved to ``.keras`` and loaded back.

Inputs are the first case of each op in the per-op table of
tests/conformance/test_ops_array_likes.py: every NumPy array argument (alone or inside a list)
becomes a ``lamina.Input`` of its shape (batch size fixed, so ops that mix shapes still build);
lists and numbers stay constants. ``None`` batch sizes get their own pass below, on the ops
colleagues found failing there.
"""

import importlib.util
import inspect
import pathlib

import numpy as np
import pytest

import lamina
from lamina import ops

_SPEC = importlib.util.spec_from_file_location(
    "_op_table_cases",
    pathlib.Path(__file__).parents[1] / "conformance" / "test_ops_array_likes.py")
_CASES = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(_CASES)

# Ops that cannot be a node between layers, with the reason (legitimately, not bugs).
NOT_SYMBOLIC = {
    # they take Python callables, which a saved graph cannot hold (DESIGN rule 9)
    **dict.fromkeys(["associative_scan", "cond", "custom_gradient", "fori_loop", "jvp", "map",
                     "scan", "switch", "vectorize", "vectorized_map", "while_loop"],
                    "takes a Python function"),
    # no tensor inputs: they make constants, which are no graph node in Keras either
    **dict.fromkeys(["arange", "bartlett", "blackman", "empty", "eye", "full", "geomspace",
                     "hamming", "hanning", "identity", "kaiser", "linspace", "logspace", "ones",
                     "tri", "zeros", "convert_to_tensor", "convert_to_numpy", "scatter"],
                    "builds a constant from Python values"),
    # host-side or data-dependent: their results are Python objects or unknown-sized
    "is_tensor": "answers about the Python object, not a tensor",
    "dtype": "answers about the Python object, not a tensor",
    "shape": "returns a Python tuple (the static shape)",
    "ndim": "returns a Python int",
    "size": "returns a Python int",
    "elastic_transform": "random: eager and replayed calls draw different noise (its saving "
                         "is tested in tests/conformance/test_image_ops_saving.py)",
    # the size of the result depends on the values, which a symbolic tensor does not have
    **dict.fromkeys(["bincount", "nonzero", "unique", "histogram", "ctc_decode"],
                    "result's shape depends on the values"),
    # conversions of Python or NumPy values, not tensor ops
    **dict.fromkeys(["array", "convert_to_tensor_like", "numpy_scalar"],
                    "converts a Python or NumPy value"),
}
# Ops that should work between layers and do not yet: the test fails (strict xfail) as soon as
# one is fixed, so it moves out of this list. Each says what breaks.
NOT_YET = {
    "corrcoef": "torch.corrcoef calls aten::equal, which has no shape-only (meta) kernel",
    "ctc_loss": "torch's ctc_loss has no shape-only (meta) kernel; needs its shape by hand",
    "istft": "torch.istft checks its window's values (aten::equal), which shape-only "
             "tensors do not have",
}
# Ops whose first table case has no array the op takes: inputs for this sweep
EXTRA_CASES = {
    "glu": ((np.linspace(-1, 1, 8, dtype="float32").reshape(2, 4),), {}),
    "vander": ((np.float32([0.5, 1.0, 2.0]),), {}),
    "view_as_complex": ((np.arange(12, dtype="float32").reshape(2, 3, 2),), {}),
}
SHAPE_ONLY = {"empty_like": "uninitialised values"}
# Not swept, and not a known failure: no input of the kind in this table
NOT_SWEPT = {"view_as_real": "takes a complex tensor; the table's Inputs are real"}

_NAMESPACES = ("", "nn", "numpy", "linalg", "image")


def _op_names():
    names = {}
    for sub in _NAMESPACES:
        module = getattr(ops, sub) if sub else ops
        for name in dir(module):
            fn = getattr(module, name)
            if name.startswith("_") or inspect.ismodule(fn) or not callable(fn) \
                    or inspect.isclass(fn):
                continue
            names.setdefault(f"image.{name}" if sub == "image" else name, fn)
    return names


def _first_case(key, fn):
    if key in EXTRA_CASES:
        return EXTRA_CASES[key]
    try:
        cases = _CASES._cases(key, fn)
    except AssertionError:
        return None
    cases = cases + [(c, (_CASES.SPD,) + a[1:], k) for c, a, k in cases]  # square matrices
    for _, args, kwargs in cases:  # the first case with an array argument the op takes
        if any(isinstance(a, np.ndarray) and a.ndim >= 1 for a in _CASES._flat(list(args))):
            try:
                fn(*args, **kwargs)
            except Exception:  # noqa: BLE001 - inputs outside the op's domain: the next case
                continue
            return args, kwargs
    return None


def _symbolic(args):
    """Replace arrays by Inputs of their shape; return (symbolic args, inputs, arrays)."""
    inputs, arrays = [], []

    def convert(a):
        if isinstance(a, np.ndarray) and a.ndim >= 1 and a.dtype != object:
            x = lamina.Input(shape=a.shape[1:], batch_size=a.shape[0], dtype=str(a.dtype))
            inputs.append(x)
            arrays.append(a)
            return x
        if isinstance(a, list) and any(isinstance(v, np.ndarray) for v in a):
            return [convert(v) for v in a]
        if isinstance(a, tuple) and any(isinstance(v, np.ndarray) for v in a):
            return tuple(convert(v) for v in a)
        return a

    return [convert(a) for a in args], inputs, arrays


def _numpy(x):
    return [np.asarray(ops.convert_to_numpy(v)) for v in _CASES._flat(x)]


def _check(key, fn, tmp_path):
    args, kwargs = _first_case(key, fn)
    sym_args, inputs, arrays = _symbolic(args)
    want = _numpy(fn(*args, **kwargs))
    out = fn(*sym_args, **kwargs)
    model = lamina.Model(inputs, out)
    got = _numpy(model(arrays if len(arrays) > 1 else arrays[0]))
    _same(key, "replayed", got, want)
    path = tmp_path / f"{key}.keras"
    model.save(path)
    loaded = lamina.saving.load_model(path)
    _same(key, "loaded", _numpy(loaded(arrays if len(arrays) > 1 else arrays[0])), want)


def _same(key, what, got, want):
    assert len(got) == len(want), f"{key} {what}: {len(got)} outputs, eager {len(want)}"
    for g, w in zip(got, want):
        assert g.shape == w.shape and g.dtype == w.dtype, \
            f"{key} {what}: {g.shape} {g.dtype}, eager {w.shape} {w.dtype}"
        if key in SHAPE_ONLY:
            continue
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6, equal_nan=True,
                                   err_msg=f"{key} {what}")


_OPS = _op_names()


@pytest.mark.parametrize("key", [
    pytest.param(k, marks=pytest.mark.xfail(reason=NOT_YET[k], strict=True)) if k in NOT_YET
    else k for k in sorted(_OPS)])
def test_op_between_layers_replays_and_saves(key, tmp_path):
    if key in NOT_SWEPT:
        pytest.skip(NOT_SWEPT[key])
    if key in NOT_SYMBOLIC or key.removeprefix("image.") in NOT_SYMBOLIC:
        pytest.skip(NOT_SYMBOLIC.get(key) or NOT_SYMBOLIC[key.removeprefix("image.")])
    fn = _OPS[key]
    assert _first_case(key, fn) is not None, f"no array input for {key}: add one to the table"
    _check(key, fn, tmp_path)


# -- unknown (None) batch sizes: ops that reshaped or broadcast through the batch dim ---------

R = np.random.default_rng(7)
X = R.uniform(-1, 1, (3, 4, 5)).astype("float32")
IDX = R.integers(0, 4, (3, 2, 5)).astype("int32")
BATCH_CASES = {
    "pad_reflect": (lambda x, i: ops.pad(x, [[0, 0], [1, 2], [2, 1]], mode="reflect"),
                    lambda x, i: np.pad(x, [[0, 0], [1, 2], [2, 1]], mode="reflect")),
    "pad_symmetric": (lambda x, i: ops.pad(x, [[0, 0], [2, 2], [1, 0]], mode="symmetric"),
                      lambda x, i: np.pad(x, [[0, 0], [2, 2], [1, 0]], mode="symmetric")),
    "pad_edge": (lambda x, i: ops.pad(x, [[0, 0], [1, 1], [3, 0]], mode="edge"),
                 lambda x, i: np.pad(x, [[0, 0], [1, 1], [3, 0]], mode="edge")),
    "median": (lambda x, i: ops.median(x, axis=1), lambda x, i: np.median(x, axis=1)),
    "median_keepdims": (lambda x, i: ops.median(x, axis=(1, 2), keepdims=True),
                        lambda x, i: np.median(x, axis=(1, 2), keepdims=True)),
    "quantile": (lambda x, i: ops.quantile(x, [0.25, 0.9], axis=2),
                 lambda x, i: np.quantile(x, [0.25, 0.9], axis=2)),
    "take_along_axis": (lambda x, i: ops.take_along_axis(x, i, axis=1),
                        lambda x, i: np.take_along_axis(x, i, axis=1)),
    "broadcast_to": (lambda x, i: ops.broadcast_to(x[:, :1], ops.shape(x)[:1] + (4, 5)),
                     lambda x, i: np.broadcast_to(x[:, :1], x.shape)),
}


@pytest.mark.parametrize("name", sorted(BATCH_CASES))
def test_op_on_unknown_batch_size_replays_and_saves(name, tmp_path):
    op, reference = BATCH_CASES[name]
    x, i = lamina.Input((4, 5)), lamina.Input((2, 5), dtype="int32")
    out = op(x, i)
    assert out.shape[0] is None or name == "quantile"  # quantile puts q's axis first
    model = lamina.Model([x, i], out)
    want = reference(X, IDX)
    # the references compute in float64
    np.testing.assert_allclose(model.predict([X, IDX], verbose=0), want, rtol=1e-5, atol=1e-7)
    model.save(tmp_path / "m.keras")
    loaded = lamina.saving.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(loaded.predict([X, IDX], verbose=0), want, rtol=1e-5, atol=1e-7)


# -- the whole sweep again with the batch size unknown (Input(shape=a.shape[1:])) ----------
# for the ops whose array arguments share their first dim

# The first dim is part of what the op computes, so it cannot be left unknown (Keras neither)
BATCH_IS_DATA = {
    **dict.fromkeys(["broadcast_to", "reshape"], "the target shape fixes the first dim"),
    **dict.fromkeys(["cholesky", "cholesky_inverse", "det", "eig", "eigh", "inv", "logdet",
                     "slogdet", "solve", "solve_triangular"],
                    "the matrix's rows are the batch dim: square only once it runs"),
    "lstsq": "the system's rows are the batch dim",
    "unstack": "unstacks along the batch dim: the number of outputs is unknown",
}
# Should work on an unknown batch size and do not yet (strict xfail: a fix must remove it)
NOT_YET_BATCHED = {
    "image.extract_patches": "reshapes through two unknown sizes (batch and patch count)",
    "rearrange": "divides the unknown batch size in Python for grouped axes",
    "stft": "reshapes through two unknown sizes (batch and frame count)",
}


def _batch_cases():
    for key, fn in sorted(_OPS.items()):
        if key in NOT_SYMBOLIC or key.removeprefix("image.") in NOT_SYMBOLIC \
                or key in NOT_SWEPT or key in NOT_YET or key in SHAPE_ONLY \
                or key in BATCH_IS_DATA:
            continue
        case = _first_case(key, fn)
        arrays = [] if case is None else [
            a for a in _CASES._flat(list(case[0])) if isinstance(a, np.ndarray) and a.ndim >= 1]
        if arrays and len({a.shape[0] for a in arrays}) == 1:
            marks = [pytest.mark.xfail(reason=NOT_YET_BATCHED[key], strict=True)] \
                if key in NOT_YET_BATCHED else []
            yield pytest.param(key, marks=marks)


@pytest.mark.parametrize("key", list(_batch_cases()))
def test_op_between_layers_on_unknown_batch_size(key, tmp_path):
    fn = _OPS[key]
    args, kwargs = _first_case(key, fn)
    inputs, arrays = [], []

    def convert(a):
        if isinstance(a, np.ndarray) and a.ndim >= 1:
            inputs.append(lamina.Input(shape=a.shape[1:], dtype=str(a.dtype)))
            arrays.append(a)
            return inputs[-1]
        if isinstance(a, (list, tuple)) and any(isinstance(v, np.ndarray) for v in a):
            return type(a)(convert(v) for v in a)
        return a

    sym_args = [convert(a) for a in args]
    want = _numpy(fn(*args, **kwargs))
    model = lamina.Model(inputs, fn(*sym_args, **kwargs))
    data = arrays if len(arrays) > 1 else arrays[0]
    _same(key, "replayed", _numpy(model(data)), want)
    model.save(tmp_path / "m.keras")
    _same(key, "loaded", _numpy(lamina.saving.load_model(tmp_path / "m.keras")(data)), want)
