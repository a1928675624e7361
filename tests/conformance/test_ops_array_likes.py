"""Every op of Keras 3's ``keras.ops`` (and ``.nn``, ``.numpy``, ``.image``, ``.linalg``) on
NumPy arrays, lists and Python numbers: lamina's op gives the values and dtypes Keras' gives.

Inputs come from each op's signature: ops of one array (``abs(x)``, ``mean(x, axis=None)``)
get a table of array-likes (float32/float64/int/uint8/bool arrays, nested lists, Python
numbers), ops of two (``add(x1, x2)``) pairs of them, and the rest an entry in ``SPECIAL``.
A combination Keras itself refuses is not compared (lamina may do better or raise). Ops that
take functions or give undefined values are in ``SKIP`` with the reason.
"""

import inspect

import numpy as np
import pytest

from lamina import ops

R = np.random.default_rng(1234)
F = R.uniform(0.1, 0.9, (2, 3)).astype("float32")  # inside every unary op's domain
G = R.uniform(0.1, 0.9, (2, 3)).astype("float32")
I = np.array([[1, 2, 3], [4, 5, 6]], dtype="int32")
SQ = (R.standard_normal((3, 3)) + 3 * np.eye(3)).astype("float32")  # well-conditioned
SPD = (SQ @ SQ.T).astype("float32")
IMG = R.uniform(0, 1, (1, 6, 7, 3)).astype("float32")
SEQ = R.standard_normal((2, 5, 3)).astype("float32")

UNARY = {
    "f32": F, "f64": F.astype("float64"), "list": F.tolist(), "float": 0.5,
    "int32": I, "int64": I.astype("int64"), "uint8": I.astype("uint8"),
    "bool": I > 3, "int": 3, "int_list": [[1, 2], [3, 4]],
    "f16": F.astype("float16"), "int8": I.astype("int8"), "int16": I.astype("int16"),
    "uint16": I.astype("uint16"), "uint32": I.astype("uint32"), "bool_list": [True, False],
    "tuple": tuple(F[0].tolist()), "np_scalar": np.float32(0.25),
}
BINARY = {
    "f32,f32": (F, G), "f64,f32": (F.astype("float64"), G), "list,list": (F.tolist(), G.tolist()),
    "f32,float": (F, 2.0), "float,f32": (2.0, F), "int32,int": (I, 2), "int,int32": (3, I),
    "int8,int": (I.astype("int8"), 2), "bool,int": (I > 3, 2), "int32,float": (I, 1.5),
    "float,float": (1.5, 2.5), "int,int": (3, 2), "int32,int32": (I, I[::-1]),
    "uint8,bool": (I.astype("uint8"), I > 2),
    "f16,float": (F.astype("float16"), 2.0), "f16,f32": (F.astype("float16"), G),
    "int16,uint8": (I.astype("int16"), I.astype("uint8")), "uint16,int": (I.astype("uint16"), 3),
    "bool,bool": (I > 2, I > 4), "bool,float": (I > 2, 0.5), "list,int64": (I.tolist(),
                                                                         I.astype("int64")),
}

# ops whose inputs are functions, or whose values are undefined: not compared here
SKIP = {
    "associative_scan": "takes a function", "cond": "takes functions",
    "custom_gradient": "a decorator", "fori_loop": "takes a function",
    "jvp": "takes a function", "map": "takes a function", "scan": "takes a function",
    "switch": "takes functions", "vectorize": "takes a function",
    "vectorized_map": "takes a function", "while_loop": "takes functions",
    "elastic_transform": "random (compared in test_ops_image_keras.py from one global seed)",
}
# Known divergences, by case (op[input] or op#n): each says which side is right and why
KNOWN = {
    "sparsemax": "Keras 3.15 subtracts the sum of the cumulative sums (its output does not sum "
                 "to 1); lamina's is the simplex projection (checked by hand in tests/ops)",
    "argpartition#0": "the order inside each partition is unspecified (NumPy's too)",
    "size": "lamina returns a Python int (NumPy's size); Keras a 0-d tensor",
    **{f"{op}[{dt}]": "int64/uint32 to float: Keras float64, lamina floatx"
       for op in ("cbrt", "corrcoef", "deg2rad", "rad2deg", "i0") for dt in ("int64", "uint32")},
    **{f"{op}[{dt}]": "Keras' real/conj skip its conversion, so uint16/uint32 stay unsigned "
                      "(its convert_to_tensor widens them, as lamina's does)"
       for op in ("real", "conj", "conjugate") for dt in ("uint16", "uint32")},
    **{f"{op}[{v}]": "torch's abs/trunc refuse bools; lamina's stay torch's (training path)"
       for op in ("abs", "absolute", "trunc") for v in ("bool", "bool_list")},
    **{f"subtract[{v}]": "torch's subtract refuses bools (hot path, test_ops_dtypes_sweep.py)"
       for v in ("bool,int", "uint8,bool", "bool,float")},
    **{f"isin[{v}]": "torch's isin refuses bools" for v in ("bool,int", "uint8,bool",
                                                            "bool,bool", "bool,float")},
    "inner[bool,bool]": "torch's products refuse bools",
    "tensordot[bool,bool]": "torch's products refuse bools",
    "heaviside[bool,bool]": "Keras keeps bool; lamina gives floatx (NumPy refuses bools)",
    "dot[int8,int]": "a scalar operand: Keras widens int8 to int32, lamina keeps int8",
    "dot[f16,float]": "a scalar operand: Keras widens float16 to float32, lamina keeps float16",
    **{f"normalize[{v}]": "a 0-d input: Keras gives shape (1,), lamina ()"
       for v in ("float", "int", "np_scalar")},
    "sparse_sigmoid[uint8]": "uint8 wraps below zero in lamina's kernel; Keras casts first",
    "view_as_complex[int_list]": "torch's view_as_complex takes floats only",
    "view_as_complex[bool_list]": "torch's view_as_complex takes floats only",
}


def _known(case):
    return any(case == k or case.startswith(k + "[") or case.startswith(k + "#")
               for k in KNOWN)


# Keras 3.15's result_type narrows 64-bit results to 32 bits in the ops that call it
# (``maximum(f64, f32)`` is float32, ``add(f64, f32)`` float64); lamina keeps 64-bit dtypes
# (see test_ops_dtypes_sweep.py)
_WIDER = {("float64", "float32"), ("int64", "int32")}
# float16 results round differently with the order of operations: a few of its ulps
_HALF, _FULL = {"rtol": 2e-3, "atol": 2e-3}, {"rtol": 1e-5, "atol": 1e-6}
# ops whose values are undefined (uninitialised memory): shape and dtype only
SHAPE_ONLY = {"empty", "empty_like"}

SPECIAL = {
    "adaptive_average_pool": [((IMG, (3, 4)), {})],
    "adaptive_max_pool": [((IMG, (3, 4)), {})],
    "arange": [((5,), {}), ((1.0, 4.0, 0.5), {}), ((1, 7, 2), {})],
    "argpartition": [((F, 1), {}), ((I.tolist(), 1), {})],
    "array_split": [((F, 2), {"axis": 1}), ((I.tolist(), 2), {})],
    "average_pool": [((IMG, 2), {})],
    "batch_normalization": [((F, F.mean(0), F.var(0), -1), {}),
                            ((F.tolist(), [0.5, 0.5, 0.5], [1.0, 2.0, 3.0], 1),
                             {"offset": [0.1, 0.2, 0.3], "scale": [1.0, 0.5, 2.0]})],
    "binary_crossentropy": [((np.float32([[0, 1, 1]]), F[:1]), {}),
                            (([[0.0, 1.0, 1.0]], F[:1].tolist()), {"from_logits": True})],
    "bitwise_and": "int_pair", "bitwise_or": "int_pair", "bitwise_xor": "int_pair",
    "bitwise_left_shift": "int_pair", "bitwise_right_shift": "int_pair",
    "left_shift": "int_pair", "right_shift": "int_pair",
    "broadcast_to": [((F[0], (2, 3)), {}), (([1, 2, 3], (2, 3)), {}), ((2.0, (2,)), {})],
    "cast": [((F, "int32"), {}), ((F.tolist(), "float16"), {}), ((3, "float32"), {})],
    "categorical_crossentropy": [((np.eye(3, dtype="float32")[:2], F), {}),
                                 ((np.eye(3)[:2].tolist(), F.tolist()), {"from_logits": True})],
    "cdist": [((F, G), {}), ((F.tolist(), G.tolist()), {})],
    "clip": [((F, 0.3, 0.6), {}), ((I, 2, 4), {}), ((F.tolist(), 0.2, 0.5), {})],
    "concatenate": "sequence", "dstack": "sequence", "hstack": "sequence", "vstack": "sequence",
    "stack": "sequence",
    "conv": [((IMG, R.standard_normal((3, 3, 3, 2)).astype("float32")), {})],
    "conv_transpose": [((IMG, R.standard_normal((3, 3, 2, 3)).astype("float32")), {})],
    "convert_to_numpy": [((F,), {}), ((F.tolist(),), {}), ((2.0,), {})],
    "convert_to_tensor": [((F,), {}), ((F.tolist(),), {}), ((2.0,), {}), ((I.tolist(),), {}),
                          ((True,), {}), ((F.astype("float64"),), {}), ((F, "float16"), {})],
    "ctc_decode": [((R.uniform(0.01, 1, (2, 5, 4)).astype("float32"), np.array([5, 3])), {})],
    "ctc_loss": [((np.array([[1, 2], [3, 1]]), R.standard_normal((2, 5, 4)).astype("float32"),
                   np.array([2, 2]), np.array([5, 4])), {})],
    "depth_to_space": [((R.standard_normal((1, 2, 3, 8)).astype("float32"), 2), {})],
    "depthwise_conv": [((IMG, R.standard_normal((3, 3, 3, 1)).astype("float32")), {})],
    "diff": [((F,), {}), ((I.tolist(),), {"n": 2, "axis": 0})],
    "digitize": [((F, np.float32([0.25, 0.5, 0.75])), {}), ((F.tolist(), [0.3, 0.6]), {})],
    "dot_product_attention": [((SEQ[:, None], SEQ[:, None], SEQ[:, None]), {}),
                              ((SEQ[:1, None].tolist(), SEQ[:1, None].tolist(),
                                SEQ[:1, None].tolist()), {"is_causal": True})],
    "dsplit": [((SEQ[..., :2], 2), {})],
    "einsum": [(("ij,kj->ik", F, G), {}), (("ij->j", F.tolist()), {}), (("ij,ij->", I, I), {})],
    "empty": [(((2, 3),), {}), (((2,),), {"dtype": "int32"})],
    "expand_dims": [((F, 1), {}), ((F.tolist(), 0), {}), ((2.0, 0), {})],
    "extract_sequences": [((SEQ[0, :, 0], 2, 1), {}), ((SEQ[0, :, 0].tolist(), 3, 2), {})],
    "image.extract_patches": [((IMG, 3), {}), ((IMG.tolist(), (2, 3)), {"strides": 2})],
    "eye": [((3,), {}), ((2, 3), {"k": 1, "dtype": "int32"})],
    "fft": "complex_pair", "fft2": "complex_pair", "ifft2": "complex_pair",
    "irfft": "complex_pair",
    "fold": [((R.standard_normal((1, 4, 9)).astype("float32"), (4, 4), 2), {})],
    "full": [(((2, 3), 1.5), {}), (((2,), 3), {}), (((2,), True), {})],
    "full_like": [((F, 3), {}), ((I.tolist(), 2.5), {})],
    "geomspace": [((1.0, 100.0, 5), {}), ((1, 8, 4), {})],
    "get_item": [((F, 1), {}), ((F.tolist(), (0, 1)), {})],
    "hsplit": [((F[:, :2], 2), {})],
    "histogram": [((F,), {"bins": 4}), ((F.ravel().tolist(),), {"bins": 3, "range": (0, 1)})],
    "identity": [((3,), {}), ((2,), {"dtype": "int32"})],
    "in_top_k": [((np.array([0, 2]), F, 2), {}), (([1, 0], F.tolist(), 1), {})],
    "istft": [(((R.standard_normal((2, 5)).astype("float32"),
                 R.standard_normal((2, 5)).astype("float32")), 8, 4, 8), {})],
    "kaiser": [((5, 2.0), {})],
    "bartlett": [((5,), {})], "blackman": [((5,), {})], "hamming": [((5,), {})],
    "hanning": [((5,), {})],
    "linspace": [((0.0, 1.0, 5), {}), ((0, 10, 4), {}), ((F[0], G[0], 3), {})],
    "logspace": [((0.0, 2.0, 3), {})],
    "lstsq": [((SQ, F.T), {}), ((SQ.tolist(), G.T.tolist()), {})],
    "max_pool": [((IMG, 2), {})],
    "meshgrid": [((F[0], G[0, :2]), {}), (([1, 2], [3, 4, 5]), {"indexing": "ij"})],
    "moments": [((F, [0]), {}), ((F.tolist(), [0, 1]), {"keepdims": True})],
    "moveaxis": [((SEQ, 0, -1), {}), ((F.tolist(), 0, 1), {})],
    "multi_hot": [((np.array([[0, 2], [1, 1]]),), {"num_classes": 4}),
                  (([[1, 3]],), {"num_classes": 4})],
    "one_hot": [((np.array([0, 2, 1]), 3), {}), (([1, 0], 3), {})],
    "ones": [(((2, 3),), {}), ((2,), {"dtype": "int32"})],
    "zeros": [(((2, 3),), {}), ((2,), {"dtype": "int32"})],
    "pad": [((F, ((1, 1), (0, 2))), {}), ((I.tolist(), ((0, 1), (2, 0))), {}),
            ((F, ((1, 0), (1, 1))), {"mode": "reflect"})],
    "correlate": [((F[0], G[0, :2]), {}), ((F[0].tolist(), G[0].tolist()), {"mode": "full"}),
                  ((I[0], [1, 0]), {"mode": "same"})],
    "percentile": [((F, 50), {}), ((F.tolist(), [25, 75]), {"axis": 1})],
    "nanpercentile": [((F, 50), {}), ((F.tolist(), [25, 75]), {"axis": 1})],
    "quantile": [((F, 0.5), {}), ((F.tolist(), [0.25, 0.75]), {"axis": 1})],
    "nanquantile": [((F, 0.5), {}), ((F.tolist(), [0.25, 0.75]), {"axis": 1})],
    "polar": [((F, G), {}), ((F.tolist(), G.tolist()), {})],
    "psnr": [((F, G, 1.0), {}), ((F.tolist(), G.tolist(), 1.0), {})],
    "rearrange": [((SEQ, "b t c -> b c t"), {}), ((F.tolist(), "a b -> (a b)"), {})],
    "repeat": [((F, 2), {}), ((I.tolist(), 2), {"axis": 1})],
    "reshape": [((F, (3, 2)), {}), ((I.tolist(), (-1,)), {}), ((2.0, (1, 1)), {})],
    "roll": [((F, 1), {}), ((I.tolist(), -1), {"axis": 1})],
    "rot90": [((F,), {}), ((I.tolist(),), {"k": 2})],
    "saturate_cast": [((F * 300, "uint8"), {}), (((F * 300).tolist(), "int8"), {})],
    "scatter": [((np.array([[0, 1], [1, 2]]), np.float32([1, 2]), (2, 3)), {}),
                (([[0, 0]], [5.0], (2, 2)), {})],
    "scatter_update": [((F, np.array([[0, 1]]), np.float32([7])), {}),
                       ((F.tolist(), [[1, 2]], [9.0]), {})],
    "searchsorted": [((np.float32([0.1, 0.5, 0.9]), F[0]), {}),
                     (([1, 3, 5], [2, 4]), {"side": "right"})],
    "segment_max": "segments", "segment_min": "segments", "segment_prod": "segments",
    "segment_sum": "segments",
    "select": [(([F > 0.5, F < 0.2], [F, G]), {}), (([I > 3], [I]), {"default": -1})],
    "separable_conv": [((IMG, R.standard_normal((3, 3, 3, 1)).astype("float32"),
                         R.standard_normal((1, 1, 3, 2)).astype("float32")), {})],
    "slice": [((F, (0, 1), (2, 2)), {}), ((I.tolist(), (1, 0), (1, 3)), {})],
    "slice_update": [((F, (0, 1), np.float32([[5, 6]])), {}),
                     ((I.tolist(), (1, 0), [[7, 8]]), {})],
    "solve": [((SQ, F.T), {}), ((SQ.tolist(), G.T.tolist()), {})],
    "solve_triangular": [((np.triu(SQ), F.T), {}), ((np.tril(SQ).tolist(), G.T.tolist()),
                                                    {"lower": True})],
    "space_to_depth": [((IMG[:, :6, :6], 2), {})],
    "sparse_categorical_crossentropy": [((np.array([0, 2]), F), {}),
                                        (([1, 0], F.tolist()), {"from_logits": True})],
    "split": [((F, 3), {"axis": 1}), ((I.tolist(), [1]), {})],
    "stft": [((SEQ[0, :, 0].repeat(4), 4, 2, 4), {})],
    "stop_gradient": [((F,), {}), ((F.tolist(),), {}), ((2.0,), {})],
    "swapaxes": [((SEQ, 0, 2), {}), ((F.tolist(), 0, 1), {})],
    "take": [((F, [0, 2]), {"axis": 1}), ((I.tolist(), np.array([1, 4])), {})],
    "take_along_axis": [((F, np.array([[0], [2]])), {"axis": 1}),
                        ((I.tolist(), [[1, 0, 1]]), {"axis": 0})],
    "threshold": [((F, 0.5, 0.0), {}), ((F.tolist(), 0.3, -1.0), {})],
    "tile": [((F, 2), {}), ((I.tolist(), (2, 1)), {})],
    "top_k": [((F, 2), {}), ((I.tolist(), 1), {})],
    "trapezoid": [((F,), {}), ((F.tolist(),), {"x": G[0].tolist()})],
    "tri": [((3,), {}), ((2, 3), {"k": 1, "dtype": "int32"})],
    "unfold": [((IMG.transpose(0, 3, 1, 2), 2), {})],
    "unravel_index": [((np.array([1, 5]), (2, 3)), {}), (([4], (3, 2)), {})],
    "vsplit": [((F, 2), {})],
    "where": [((F > 0.5, F, G), {}), ((F > 0.5, 1.0, 0.0), {}), ((F.tolist(),), {}),
              (([True, False], [1, 2], [3, 4]), {}), ((I > 2, I, 0), {})],
    "image.affine_transform": [((IMG, np.float32([1, 0.1, 0.5, 0, 1, 0.2, 0, 0])), {})],
    "image.crop_images": [((IMG,), {"top_cropping": 1, "target_height": 3,
                                    "left_cropping": 2, "target_width": 4})],
    "image.extract_patches_3d": [((R.uniform(size=(1, 4, 4, 4, 2)).astype("float32"), 2), {})],
    # data_format given: Keras 3.15's torch gaussian_blur reads None as channels_first,
    # whatever image_data_format() says (lamina follows the setting)
    "image.gaussian_blur": [((IMG,), {"data_format": "channels_last"}),
                            ((IMG.tolist(),), {"sigma": (0.5, 1.5),
                                               "data_format": "channels_last"}),
                            ((IMG[0],), {"kernel_size": (5, 5), "sigma": 2.0,
                                         "data_format": "channels_last"})],
    "image.hsv_to_rgb": [((IMG,), {}), ((IMG.tolist(),), {})],
    "image.map_coordinates": [((IMG[0, :, :, 0], R.uniform(0, 5, (2, 3, 3)).astype("float32"),
                                1), {})],
    "image.pad_images": [((IMG,), {"top_padding": 1, "left_padding": 2, "target_height": 9,
                                   "target_width": 10})],
    "image.perspective_transform": [((IMG, np.float32([[0, 0], [6, 0], [0, 5], [6, 5]]),
                                      np.float32([[1, 0], [6, 1], [0, 4], [5, 5]])), {})],
    "image.resize": [((IMG, (3, 4)), {}), ((IMG.tolist(), (8, 9)), {"interpolation": "nearest"})],
    "image.rgb_to_grayscale": [((IMG,), {}), ((IMG.tolist(),), {})],
    "image.rgb_to_hsv": [((IMG,), {}), ((IMG.tolist(),), {})],
    "image.scale_and_translate": [((IMG, (1, 9, 5, 3), np.float32([1.5, 0.8]),
                                    np.float32([0.5, -0.2]), (1, 2), "bilinear"), {})],
    "image.sobel_edges": [((IMG,), {}), ((IMG.tolist(),), {})],
    "image.ssim": [((IMG[:, :, :, :], IMG[:, ::-1]), {"filter_size": 3})],
}


def _derived(kind):
    if kind == "int_pair":
        return [((I, I[::-1] % 3), {}), ((I.tolist(), 1), {}), ((5, I), {}),
                ((I.astype("uint8"), 2), {})]
    if kind == "sequence":
        return [(([F, G],), {}), (([F.tolist(), G.tolist()],), {}), (((I, I),), {}),
                (([F, I],), {}), (([[1.0, 2.0], [3.0, 4.0]],), {})]
    if kind == "complex_pair":
        return [(((F, G),), {}), (((F.tolist(), G.tolist()),), {})]
    if kind == "segments":
        return [((F, np.array([0, 1])), {"num_segments": 2}),
                ((I.tolist(), [0, 0]), {"num_segments": 1})]
    raise AssertionError(kind)


def _keras_names(keras):
    names = {}
    for sub in ("", "nn", "numpy", "linalg", "image"):
        module = getattr(keras.ops, sub) if sub else keras.ops
        for name in dir(module):
            fn = getattr(module, name)
            if name.startswith("_") or inspect.ismodule(fn) or not callable(fn):
                continue
            key = f"image.{name}" if sub == "image" else name
            names.setdefault(key, (sub, name))
    return names


def _required(fn):
    P = inspect.Parameter
    return [p.name for p in inspect.signature(fn).parameters.values()
            if p.default is P.empty and p.kind in (P.POSITIONAL_ONLY, P.POSITIONAL_OR_KEYWORD)]


def _cases(key, fn):
    """(case id, args, kwargs) for one op."""
    spec = SPECIAL.get(key)
    if isinstance(spec, str):
        spec = _derived(spec)
    if spec is not None:
        return [(f"{key}#{i}", a, k) for i, (a, k) in enumerate(spec)]
    req = _required(fn)
    params = inspect.signature(fn).parameters
    if req in (["x"], ["images"]):
        cases = [(f"{key}[{v}]", (x,), {}) for v, x in UNARY.items()]
        if "axis" in params:
            cases += [(f"{key}[f32,axis=1]", (F,), {"axis": 1}),
                      (f"{key}[list,axis=0]", (I.tolist(),), {"axis": 0})]
        if key in ("det", "inv", "cholesky", "cholesky_inverse", "eig", "eigh", "lu_factor",
                   "matrix_rank", "pinv", "qr", "svd", "slogdet", "logdet", "trace", "diagonal",
                   "corrcoef", "norm", "tril", "triu", "diag", "diagflat"):
            cases += [(f"{key}[spd]", (SPD,), {}), (f"{key}[spd_list]", (SPD.tolist(),), {})]
        return cases
    if req == ["x1", "x2"] or req == ["x", "y"]:
        cases = [(f"{key}[{v}]", pair, {}) for v, pair in BINARY.items()]
        if key in ("matmul", "dot", "inner", "tensordot", "vdot", "outer", "kron", "cross",
                   "correlate"):
            cases += [(f"{key}[mat]", (F, G.T), {}), (f"{key}[mat_list]",
                                                     (F.tolist(), G.T.tolist()), {})]
        return cases
    raise AssertionError(f"no inputs for {key}{inspect.signature(fn)}: add it to SPECIAL")


def _flat(x):
    if isinstance(x, (tuple, list)):
        return [v for item in x for v in _flat(item)]
    return [x]


def _lamina_op(key):
    module = ops
    for part in key.split("."):
        module = getattr(module, part, None)
        if module is None:
            return None
    return module


def _compare(keras, key, case, got, want):
    problems = []
    want_flat, got_flat = _flat(want), _flat(got)
    if len(want_flat) != len(got_flat):
        return [f"{case}: {len(got_flat)} outputs, Keras {len(want_flat)}"]
    for g, w in zip(got_flat, want_flat):
        if keras.ops.is_tensor(w) and not ops.is_tensor(g):
            problems.append(f"{case}: returned {type(g).__name__}, not a tensor")
            continue
        if not keras.ops.is_tensor(w) and not isinstance(w, np.ndarray):
            if g != w and not (ops.is_tensor(g) and np.allclose(ops.convert_to_numpy(g), w)):
                problems.append(f"{case}: {g!r} != Keras {w!r}")
            continue
        gn, wn = np.asarray(ops.convert_to_numpy(g)), np.asarray(keras.ops.convert_to_numpy(w))
        if gn.shape != wn.shape:
            problems.append(f"{case}: shape {gn.shape}, Keras {wn.shape}")
        elif (str(gn.dtype), str(wn.dtype)) in _WIDER:
            pass  # Keras narrows some 64-bit results to 32 bits; lamina keeps them
        elif str(gn.dtype) != str(wn.dtype):
            problems.append(f"{case}: dtype {gn.dtype}, Keras {wn.dtype}")
        elif key not in SHAPE_ONLY and not np.allclose(
                gn, wn, equal_nan=True, **(_HALF if gn.dtype == np.float16 else _FULL)):
            problems.append(f"{case}: values differ (max {np.nanmax(np.abs(gn - wn))})")
    return problems


@pytest.fixture(scope="module")
def keras_ops(keras):
    return _keras_names(keras)


def _all_keys():
    # the names, without importing Keras at collection (conftest sets it up per session)
    import os

    os.environ.setdefault("KERAS_BACKEND", "torch")
    try:
        import keras
    except ImportError:  # pragma: no cover - Keras is a test extra
        return []
    return sorted(_keras_names(keras))


@pytest.mark.parametrize("key", _all_keys())
def test_op_takes_array_likes_as_keras(key, keras, keras_ops):
    if key in SKIP or key.removeprefix("image.") in SKIP:
        pytest.skip(SKIP.get(key) or SKIP[key.removeprefix("image.")])
    sub, name = keras_ops[key]
    kfn = getattr(getattr(keras.ops, sub) if sub else keras.ops, name)
    lfn = _lamina_op(key)
    assert lfn is not None, f"lamina.ops lacks {key}"
    problems = []
    for case, args, kwargs in _cases(key, kfn):
        try:
            want = kfn(*args, **kwargs)
        except Exception:  # noqa: BLE001 - Keras refuses these inputs: nothing to compare
            continue
        try:
            got = lfn(*args, **kwargs)
        except Exception as e:  # noqa: BLE001 - reported with the case below
            if _known(case):
                continue
            problems.append(f"{case}: raised {type(e).__name__}: {str(e)[:200]}")
            continue
        problems += _compare(keras, key, case, got, want)
    problems = [p for p in problems if not _known(p.split(":")[0])]
    assert not problems, "\n".join(problems)


def test_every_keras_op_exists_in_lamina(keras_ops):
    missing = sorted(k for k in keras_ops if _lamina_op(k) is None)
    assert not missing, f"lamina.ops lacks: {missing}"


# parameters lamina's op has beyond Keras' (after Keras' own, so positional calls agree)
EXTRA_PARAMETERS = {
    "conv": "bias=: the layer's bias fused into the convolution",
    "conv_transpose": "bias=", "depthwise_conv": "bias=", "separable_conv": "bias=",
}
# Keras' **kwargs that lamina does not take: einsum's go to a backend that ignores them on
# torch; layer_normalization's only carry the deprecated rms_scaling (an error in lamina)
_P = inspect.Parameter


def _names(fn):
    params = inspect.signature(fn).parameters.values()
    return [p.name for p in params if p.kind is not _P.VAR_KEYWORD]


@pytest.mark.parametrize("key", _all_keys())
def test_parameter_names_match_keras(key, keras, keras_ops):
    """Keyword calls written for Keras work: lamina's op has Keras' parameters, in order."""
    if key == "custom_gradient":
        pytest.skip("a decorator: its one parameter's name is never passed by keyword")
    sub, name = keras_ops[key]
    want = _names(getattr(getattr(keras.ops, sub) if sub else keras.ops, name))
    got = _names(_lamina_op(key))
    assert got[:len(want)] == want, f"{key}: lamina {got}, Keras {want}"
    assert len(got) == len(want) or key in EXTRA_PARAMETERS, f"{key}: extra {got[len(want):]}"
