"""Rescaling, Resizing and CenterCrop: shapes in models, dtypes, configs and bad arguments."""

import numpy as np
import pytest

import lamina
from lamina import layers
from lamina.backend import core as backend


def _np(x):
    return np.asarray(backend.convert_to_numpy(x))


def test_rescaling_by_hand_and_per_channel():
    x = np.array([[[[0, 128, 255]]]], "uint8")
    np.testing.assert_allclose(_np(layers.Rescaling(1 / 127.5, offset=-1)(x)),
                               x / 127.5 - 1, atol=1e-6)
    out = _np(layers.Rescaling([1.0, 2.0, 3.0], offset=[0.0, 1.0, 2.0])(x))
    np.testing.assert_allclose(out, x * np.array([1, 2, 3]) + np.array([0, 1, 2]), rtol=1e-6)
    with pytest.raises(ValueError, match="Rescaling.*scale"):
        layers.Rescaling("big")


def test_resizing_shapes_in_a_model_and_config():
    model = lamina.Sequential([lamina.Input((9, 7, 3)), layers.Resizing(4, 5),
                               layers.CenterCrop(3, 3), layers.Rescaling(0.5)])
    assert model.output_shape == (None, 3, 3, 3)
    out = model.predict(np.ones((2, 9, 7, 3), "float32"), verbose=0)
    np.testing.assert_allclose(out, 0.5)
    cfg = layers.Resizing(4, 5, interpolation="lanczos3", pad_to_aspect_ratio=True).get_config()
    again = layers.Resizing.from_config(cfg)
    assert (again.interpolation, again.pad_to_aspect_ratio) == ("lanczos3", True)


@pytest.mark.parametrize("interpolation", ["bilinear", "nearest", "bicubic", "area", "lanczos3",
                                           "lanczos5", "gaussian", "mitchellcubic"])
def test_every_interpolation_keeps_constants_and_dtype(interpolation):
    x = np.full((2, 6, 8, 3), 100, "uint8")
    out = layers.Resizing(3, 5, interpolation=interpolation)(x)
    assert backend.dtype_of(out) == "uint8" and tuple(out.shape) == (2, 3, 5, 3)
    np.testing.assert_array_equal(_np(out), 100)
    f = layers.Resizing(9, 11, interpolation=interpolation, antialias=True)(x.astype("float32"))
    np.testing.assert_allclose(_np(f), 100.0, rtol=1e-5)


def test_resizing_pad_fills_and_crop_keeps_centre():
    x = np.ones((1, 2, 4, 1), "float32")
    padded = _np(layers.Resizing(4, 4, pad_to_aspect_ratio=True, fill_value=-1.0,
                                 interpolation="nearest")(x))[0, :, :, 0]
    np.testing.assert_array_equal(padded[0], -1.0)
    np.testing.assert_array_equal(padded[1:3], 1.0)
    wide = np.arange(12, dtype="float32").reshape(1, 1, 12, 1)
    cropped = _np(layers.Resizing(1, 4, crop_to_aspect_ratio=True, interpolation="nearest")(
        np.repeat(wide, 3, axis=1)))
    assert cropped.shape == (1, 1, 4, 1)


def test_center_crop_by_hand_and_small_images():
    x = np.arange(5 * 6, dtype="float32").reshape(1, 5, 6, 1)
    np.testing.assert_array_equal(_np(layers.CenterCrop(3, 2)(x)), x[:, 1:4, 2:4])
    assert tuple(layers.CenterCrop(8, 8)(x).shape) == (1, 8, 8, 1)


@pytest.mark.parametrize("bad,match", [
    (lambda: layers.Resizing(4, 4, interpolation="cubic"), "interpolation"),
    (lambda: layers.Resizing(4, 4, crop_to_aspect_ratio=True, pad_to_aspect_ratio=True), "not both"),
    (lambda: layers.Resizing(4, 4, fill_mode="reflect"), "fill_mode"),
    (lambda: layers.Resizing(-1, 4), "height"),
    (lambda: layers.CenterCrop(4, 2.5), "width"),
])
def test_bad_arguments(bad, match):
    with pytest.raises(ValueError, match=match):
        bad()
