"""UpSampling, ZeroPadding, Cropping, Permute and RepeatVector against NumPy."""

import numpy as np
import pytest

from lamina import layers, ops


def _np(x):
    return ops.convert_to_numpy(x)


X4 = np.arange(2 * 3 * 4 * 2, dtype="float32").reshape(2, 3, 4, 2)


def test_upsampling2d_nearest_is_numpy_repeat():
    want = X4.repeat(2, axis=1).repeat(3, axis=2)
    np.testing.assert_array_equal(_np(layers.UpSampling2D((2, 3))(X4)), want)


def test_upsampling1d_and_3d():
    x = np.arange(6, dtype="float32").reshape(1, 3, 2)
    np.testing.assert_array_equal(_np(layers.UpSampling1D(2)(x)), x.repeat(2, axis=1))
    v = np.arange(8, dtype="float32").reshape(1, 2, 2, 2, 1)
    want = v.repeat(2, 1).repeat(2, 2).repeat(2, 3)
    np.testing.assert_array_equal(_np(layers.UpSampling3D()(v)), want)


def test_zero_padding_and_cropping_are_inverse():
    padded = layers.ZeroPadding2D(((1, 2), (3, 0)))(X4)
    assert tuple(padded.shape) == (2, 6, 7, 2)
    assert _np(padded)[:, 0].sum() == 0
    back = layers.Cropping2D(((1, 2), (3, 0)))(padded)
    np.testing.assert_array_equal(_np(back), X4)


def test_permute_and_repeat_vector():
    np.testing.assert_array_equal(_np(layers.Permute((3, 1, 2))(X4)), X4.transpose(0, 3, 1, 2))
    v = np.arange(6, dtype="float32").reshape(2, 3)
    np.testing.assert_array_equal(_np(layers.RepeatVector(4)(v)), np.stack([v] * 4, axis=1))


@pytest.mark.parametrize("make, error, match", [
    (lambda: layers.Permute((1, 3)), ValueError, "dims"),
    (lambda: layers.RepeatVector(0), ValueError, "n"),
    (lambda: layers.RepeatVector(2.5), TypeError, "n"),
    (lambda: layers.UpSampling1D(0), ValueError, "size"),
    (lambda: layers.UpSampling2D(interpolation="lanczos3"), ValueError, "interpolation"),
    (lambda: layers.ZeroPadding2D(((1, 2), (3,))), ValueError, "padding"),
    (lambda: layers.ZeroPadding2D(-1), ValueError, "padding"),
    (lambda: layers.Cropping3D((1, 2)), ValueError, "cropping"),
])
def test_bad_arguments(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_cropping_everything_is_explained():
    with pytest.raises(ValueError, match="cropping"):
        layers.Cropping1D((2, 2)).compute_output_shape((None, 4, 3))
