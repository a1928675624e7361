"""lamina.ops against Keras 3's ops (same torch) where NumPy has no twin."""

import numpy as np
import pytest

from lamina import ops

R = np.random.default_rng(3)
X = R.standard_normal((2, 5, 6)).astype("float32")
P = R.uniform(0.05, 1.0, (2, 5, 6)).astype("float32")
SPD = (lambda a: (a @ a.T + 4 * np.eye(4)).astype("float32"))(R.standard_normal((4, 4)))
M = (R.standard_normal((4, 4)) + 3 * np.eye(4)).astype("float32")
IMG = R.uniform(0, 1, (2, 8, 10, 3)).astype("float32")
SIG = R.standard_normal((2, 64)).astype("float32")
IDS = np.array([0, 0, 1, 3, 3], dtype="int32")
SEG = R.standard_normal((5, 3)).astype("float32")
Q = R.standard_normal((2, 4, 2, 8)).astype("float32")
# Keras' torch backend ignores the projective terms c0, c1 (lamina divides by k as documented),
# so the conformance transforms are affine
TRANSFORM = np.array([[1.1, 0.2, -1.0, -0.1, 0.9, 2.0, 0.0, 0.0],
                      [0.8, 0.0, 1.0, 0.0, 1.2, -1.0, 0.0, 0.0]], dtype="float32")

CASES = {
    # name: (path in ops, args, kwargs)
    "top_k": ("top_k", (X, 3), {}),
    "in_top_k": ("in_top_k", (np.array([1, 4]), X[:, 0], 2), {}),
    "logsumexp": ("logsumexp", (X,), {"axis": 1}),
    "segment_sum": ("segment_sum", (SEG, IDS), {"num_segments": 4}),
    "segment_max": ("segment_max", (SEG, IDS), {"num_segments": 4}),
    "extract_sequences": ("extract_sequences", (SIG, 8, 4), {}),
    "fft": ("fft", ((X, P),), {}),
    "fft2": ("fft2", ((X, P),), {}),
    "ifft2": ("ifft2", ((X, P),), {}),
    "rfft": ("rfft", (SIG,), {"fft_length": 64}),
    "irfft": ("irfft", ((X, P),), {"fft_length": 10}),
    "stft": ("stft", (SIG, 16, 8, 16), {}),
    "stft_nocenter": ("stft", (SIG, 16, 4, 32), {"window": "hamming", "center": False}),
    "istft": ("istft", ((X[0], P[0]), 10, 4, 10), {}),
    "istft_padded": ("istft", ((X[0], P[0]), 8, 4, 10), {"window": "hamming"}),
    "rsqrt": ("rsqrt", (P,), {}),
    "erf": ("erf", (X,), {}),
    "erfinv": ("erfinv", (P * 0.9,), {}),
    "cholesky": ("linalg.cholesky", (SPD,), {}),
    "det": ("linalg.det", (M,), {}),
    "inv": ("linalg.inv", (M,), {}),
    "solve": ("linalg.solve", (M, SPD[:, :2]), {}),
    "solve_triangular": ("linalg.solve_triangular", (np.tril(M), SPD[:, :2]), {"lower": True}),
    "lstsq": ("linalg.lstsq", (X[0], P[0, :, :2]), {}),
    "norm_fro": ("linalg.norm", (M,), {}),
    "norm_ord1": ("linalg.norm", (X,), {"ord": 1, "axis": -1}),
    "norm_mat": ("linalg.norm", (M,), {"ord": "nuc"}),
    "eigh_values": ("linalg.eigh", (SPD,), {}),
    "svd_values": ("linalg.svd", (M,), {"compute_uv": False}),
    "pinv": ("linalg.pinv", (X[0],), {}),
    "matrix_rank": ("linalg.matrix_rank", (X[0],), {}),
    "one_hot": ("one_hot", (np.array([[0, 2], [-1, 1]]), 3), {}),
    "one_hot_axis": ("one_hot", (np.array([[0, 2], [-1, 1]]), 3), {"axis": 0}),
    "multi_hot": ("multi_hot", (np.array([[0, 2], [1, 1]]), 4), {}),
    "ctc_loss": ("ctc_loss", (np.array([[1, 2, 0], [2, 2, 1]]), X, np.array([2, 3]),
                              np.array([5, 4])), {}),
    "ctc_decode": ("ctc_decode", (P, np.array([5, 3])), {}),
    "dot_product_attention": ("dot_product_attention", (Q, Q[::-1], Q), {}),
    "dpa_causal": ("dot_product_attention", (Q, Q, Q), {"is_causal": True}),
    "dpa_mask": ("dot_product_attention", (Q, Q, Q),
                 {"mask": np.tril(np.ones((4, 4), bool))[None, None]}),
    "moments": ("moments", (X, [0, 2]), {}),
    "normalize": ("normalize", (X,), {"axis": 1}),
    "psnr": ("psnr", (P, P * 0.9, 1.0), {}),
    "depth_to_space": ("depth_to_space", (R.standard_normal((1, 2, 3, 8)).astype("float32"), 2),
                       {}),
    "space_to_depth": ("space_to_depth", (IMG[:, :8, :8], 2), {}),
    "adaptive_average_pool": ("adaptive_average_pool", (IMG, (3, 4)), {}),
    "resize_bilinear": ("image.resize", (IMG, (5, 7)), {}),
    "resize_nearest": ("image.resize", (IMG, (16, 5)), {"interpolation": "nearest"}),
    "resize_crop": ("image.resize", (IMG, (4, 4)), {"crop_to_aspect_ratio": True}),
    "resize_pad": ("image.resize", (IMG, (4, 8)), {"pad_to_aspect_ratio": True}),
    "affine_transform": ("image.affine_transform", (IMG, TRANSFORM), {}),
    # shifted off the half-pixel ties TRANSFORM lands on (2.5000002 here), where nearest
    # rounding depends on the last bit of how the coordinate was summed
    "affine_nearest_wrap": ("image.affine_transform",
                            (IMG, TRANSFORM + np.float32([0, 0, 0.0137, 0, 0, 0.0071, 0, 0])),
                            {"interpolation": "nearest", "fill_mode": "wrap"}),
    "affine_reflect": ("image.affine_transform", (IMG, TRANSFORM), {"fill_mode": "reflect"}),
    "map_coordinates": ("image.map_coordinates", (IMG[0, :, :, 0],
                                                  R.uniform(-1, 9, (2, 4, 4)).astype("float32"),
                                                  1), {"fill_mode": "mirror"}),
    "crop_images": ("image.crop_images", (IMG,), {"top_cropping": 1, "left_cropping": 2,
                                                 "target_height": 5, "target_width": 6}),
    "pad_images": ("image.pad_images", (IMG,), {"top_padding": 1, "left_padding": 2,
                                               "target_height": 12, "target_width": 13}),
    "rgb_to_grayscale": ("image.rgb_to_grayscale", (IMG,), {}),
    "rgb_to_hsv": ("image.rgb_to_hsv", (IMG,), {}),
    "hsv_to_rgb": ("image.hsv_to_rgb", (IMG,), {}),
    "extract_patches": ("image.extract_patches", (IMG, 3), {}),
    "extract_patches_same": ("image.extract_patches", (IMG, (2, 3)),
                             {"strides": 2, "padding": "same"}),
    "scatter": ("scatter", (np.array([[0, 1], [2, 0], [0, 1]]), np.float32([1, 2, 3]), (3, 2)),
                {}),
    "scatter_update": ("scatter_update", (np.zeros((3, 2), "float32"), np.array([[0, 1], [2, 0]]),
                                          np.float32([5, 6])), {}),
    "slice": ("slice", (X, (0, 1, 2), (2, 3, 2)), {}),
    "slice_update": ("slice_update", (X, (0, 1, 2), P[:1, :2, :3]), {}),
    "saturate_cast": ("saturate_cast", (X * 300, "int8"), {}),
    "cdist": ("cdist", (X[0], P[0]), {}),
}


def _get(module, path):
    for part in path.split("."):
        module = getattr(module, part)
    return module


def _flat(x):
    if isinstance(x, (tuple, list)):
        return [v for item in x for v in _flat(item)]
    return [np.asarray(x)]


@pytest.mark.parametrize("case", sorted(CASES))
def test_op_matches_keras(case, keras):
    path, args, kwargs = CASES[case]
    want = _get(keras.ops, path)(*args, **kwargs)
    lamina_args = [ops.convert_to_tensor(a) if isinstance(a, np.ndarray) else
                   (tuple(ops.convert_to_tensor(v) for v in a) if isinstance(a, tuple) and
                    all(isinstance(v, np.ndarray) for v in a) else a) for a in args]
    lamina_kwargs = {k: ops.convert_to_tensor(v) if isinstance(v, np.ndarray) else v
                     for k, v in kwargs.items()}
    got = _get(ops, path)(*lamina_args, **lamina_kwargs)
    want_flat = [keras.ops.convert_to_numpy(w) for w in _flat_keras(want)]
    got_flat = [ops.convert_to_numpy(g) for g in _flat_keras(got)]
    if case in ("eigh_values",):
        want_flat, got_flat = want_flat[:1], got_flat[:1]
    assert len(got_flat) == len(want_flat)
    for g, w in zip(got_flat, want_flat):
        assert g.shape == w.shape, (g.shape, w.shape)
        assert str(g.dtype) == str(w.dtype), (g.dtype, w.dtype)
        np.testing.assert_allclose(g, w, rtol=2e-4, atol=2e-5)


def _flat_keras(x):
    if isinstance(x, (tuple, list)):
        return [v for item in x for v in _flat_keras(item)]
    return [x]


def test_control_flow_matches_keras(keras):
    init, xs = np.float32(0.0), np.arange(5, dtype="float32")

    def step(carry, x):
        return carry + x, carry * x

    k_carry, k_ys = keras.ops.scan(step, init, xs)
    carry, ys = ops.scan(step, ops.convert_to_tensor(init), ops.convert_to_tensor(xs))
    np.testing.assert_allclose(ops.convert_to_numpy(carry), keras.ops.convert_to_numpy(k_carry))
    np.testing.assert_allclose(ops.convert_to_numpy(ys), keras.ops.convert_to_numpy(k_ys))
    assert ops.fori_loop(0, 4, lambda i, v: v + i, 1) == keras.ops.fori_loop(0, 4,
                                                                             lambda i, v: v + i, 1)
    got = ops.while_loop(lambda a, b: a < 10, lambda a, b: (a + 3, b * 2), (1, 1))
    want = keras.ops.while_loop(lambda a, b: a < 10, lambda a, b: (a + 3, b * 2), (1, 1))
    assert [int(v) for v in got] == [int(v) for v in want]
    assert float(ops.switch(1, [lambda x: x + 1, lambda x: x * 10], 2.0)) == 20.0
    assert float(ops.cond(True, lambda: 1.0, lambda: 2.0)) == 1.0
    m = ops.map(lambda v: v * 2, ops.convert_to_tensor(xs))
    np.testing.assert_allclose(ops.convert_to_numpy(m), xs * 2)
    cs = ops.associative_scan(lambda a, b: a + b, ops.convert_to_tensor(xs))
    np.testing.assert_allclose(ops.convert_to_numpy(cs), np.cumsum(xs))
    vm = ops.vectorized_map(lambda v: v.sum(), ops.convert_to_tensor(X))
    np.testing.assert_allclose(ops.convert_to_numpy(vm), X.sum(axis=(1, 2)), rtol=1e-5)
