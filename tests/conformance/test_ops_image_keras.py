"""The image ops lamina added for Keras 3's set (perspective_transform, elastic_transform,
scale_and_translate, sobel_edges, ssim, extract_patches_3d) against keras.ops.image."""

import numpy as np
import pytest

import lamina
from lamina import ops


def _same(got, want, keras, rtol=1e-5, atol=1e-5):
    g, w = ops.convert_to_numpy(got), keras.ops.convert_to_numpy(want)
    assert g.shape == w.shape and str(g.dtype) == str(w.dtype), (g.shape, w.shape, g.dtype,
                                                                 w.dtype)
    np.testing.assert_allclose(g, w, rtol=rtol, atol=atol)


@pytest.mark.parametrize("interpolation", ["bilinear", "nearest"])
def test_perspective_transform(keras, rng, interpolation):
    images = rng.uniform(size=(2, 9, 11, 3)).astype("float32")
    start = np.float32([[0, 0], [10, 0], [0, 8], [10, 8]])
    end = np.stack([start + rng.uniform(-1.5, 1.5, (4, 2)).astype("float32")
                    for _ in range(2)])
    args = (images, np.stack([start, start]), end)
    _same(ops.image.perspective_transform(*args, interpolation=interpolation, fill_value=0.5),
          keras.ops.image.perspective_transform(*args, interpolation=interpolation,
                                                fill_value=0.5), keras)
    # one image, shared points, channels_first
    chw = images[0].transpose(2, 0, 1)
    _same(ops.image.perspective_transform(chw, start, end[1], data_format="channels_first"),
          keras.ops.image.perspective_transform(chw, start, end[1],
                                                data_format="channels_first"), keras)


def test_elastic_transform_matches_keras_from_the_same_global_state(keras, rng):
    images = rng.uniform(size=(2, 12, 10, 3)).astype("float32")
    keras.utils.set_random_seed(11)  # Keras draws its field from torch's global generator
    want = keras.ops.image.elastic_transform(images, alpha=3.0, sigma=1.5)
    keras.utils.set_random_seed(11)
    got = ops.image.elastic_transform(images, alpha=3.0, sigma=1.5)
    _same(got, want, keras, rtol=1e-4, atol=1e-4)


def test_elastic_transform_seed_repeats_and_alpha_zero_is_identity(rng):
    images = rng.uniform(size=(1, 8, 8, 2)).astype("float32")
    a = ops.image.elastic_transform(images, alpha=5.0, sigma=2.0, seed=3)
    b = ops.image.elastic_transform(images, alpha=5.0, sigma=2.0, seed=3)
    c = ops.image.elastic_transform(images, alpha=5.0, sigma=2.0, seed=4)
    np.testing.assert_array_equal(ops.convert_to_numpy(a), ops.convert_to_numpy(b))
    assert not np.allclose(ops.convert_to_numpy(a), ops.convert_to_numpy(c))
    still = ops.image.elastic_transform(images, alpha=0.0, seed=1)
    np.testing.assert_allclose(ops.convert_to_numpy(still), images, atol=1e-6)


@pytest.mark.parametrize("method", ["linear", "bicubic", "lanczos3", "lanczos5"])
@pytest.mark.parametrize("antialias", [True, False])
def test_scale_and_translate(keras, rng, method, antialias):
    images = rng.uniform(size=(2, 7, 9, 3)).astype("float32")
    for shape, scale, shift in [((2, 12, 5, 3), [1.7, 0.55], [0.5, -0.3]),
                                ((2, 4, 18, 3), [0.6, 2.0], [0.0, 1.0])]:
        args = (images, shape, np.float32(scale), np.float32(shift), (1, 2), method)
        _same(ops.image.scale_and_translate(*args, antialias=antialias),
              keras.ops.image.scale_and_translate(*args, antialias=antialias), keras)


def test_scale_and_translate_integer_images(keras, rng):
    images = rng.integers(0, 256, (1, 6, 6, 1)).astype("uint8")
    args = (images, (1, 9, 4, 1), np.float32([1.5, 0.7]), np.float32([0, 0]), (1, 2),
            "cubic")
    _same(ops.image.scale_and_translate(*args), keras.ops.image.scale_and_translate(*args),
          keras)


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_sobel_edges(keras, rng, data_format):
    images = rng.uniform(size=(2, 6, 7, 3)).astype("float32")
    if data_format == "channels_first":
        images = images.transpose(0, 3, 1, 2)
    _same(ops.image.sobel_edges(images, data_format=data_format),
          keras.ops.image.sobel_edges(images, data_format=data_format), keras)


def test_ssim(keras, rng):
    a = rng.uniform(size=(2, 16, 14, 3)).astype("float32")
    b = np.clip(a + rng.normal(0, 0.1, a.shape), 0, 1).astype("float32")
    _same(ops.image.ssim(a, b), keras.ops.image.ssim(a, b), keras)
    _same(ops.image.ssim(a[0] * 255, b[0] * 255, max_val=255.0, filter_size=5,
                         filter_sigma=1.0), keras.ops.image.ssim(
        a[0] * 255, b[0] * 255, max_val=255.0, filter_size=5, filter_sigma=1.0), keras)
    chw = (a.transpose(0, 3, 1, 2), b.transpose(0, 3, 1, 2))
    _same(ops.image.ssim(*chw, data_format="channels_first"),
          keras.ops.image.ssim(*chw, data_format="channels_first"), keras)
    assert float(ops.convert_to_numpy(ops.image.ssim(a[0], a[0]))) == pytest.approx(1.0)


@pytest.mark.parametrize("kwargs", [
    {"size": 2}, {"size": (2, 3, 2), "strides": 1}, {"size": 3, "strides": 2, "padding": "same"},
    {"size": (2, 2, 3), "strides": (1, 2, 2), "padding": "same"},
    {"size": 2, "strides": 1, "dilation_rate": 2},
])
def test_extract_patches_3d(keras, rng, kwargs):
    volumes = rng.uniform(size=(2, 5, 6, 7, 3)).astype("float32")
    _same(ops.image.extract_patches_3d(volumes, **kwargs),
          keras.ops.image.extract_patches_3d(volumes, **kwargs), keras)
    _same(ops.image.extract_patches_3d(volumes[0], **kwargs),
          keras.ops.image.extract_patches_3d(volumes[0], **kwargs), keras)


def test_extract_patches_3d_channels_first(keras, rng):
    volumes = rng.uniform(size=(1, 2, 4, 4, 4)).astype("float32")
    _same(ops.image.extract_patches_3d(volumes, 2, data_format="channels_first"),
          keras.ops.image.extract_patches_3d(volumes, 2, data_format="channels_first"), keras)


def test_new_image_ops_record_between_layers():
    x = lamina.Input(shape=(8, 8, 3))
    y = ops.image.sobel_edges(lamina.layers.Identity()(x))
    assert tuple(y.shape) == (None, 8, 8, 3, 2)
    model = lamina.Model(x, y)
    data = np.random.default_rng(0).uniform(size=(2, 8, 8, 3)).astype("float32")
    np.testing.assert_allclose(model.predict(data, verbose=0),
                               ops.convert_to_numpy(ops.image.sobel_edges(data)), rtol=1e-6)
