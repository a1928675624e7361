"""The image preprocessing layers against real Keras 3 (torch backend): same inputs, same outputs.

Deterministic layers are compared directly; random layers are compared on a transformation
Keras drew (``get_random_transformation``) and both applied with ``transform_images``, and on
their inference path.
"""

import sys

import numpy as np
import pytest

import lamina
from lamina.backend import core as backend


def _np(x):
    return np.asarray(backend.convert_to_numpy(x) if backend.is_tensor(x) else x)


def _k(x):
    return np.asarray(x.detach().cpu().numpy() if hasattr(x, "detach") else x)


def _images(rng, shape=(2, 7, 9, 3), scale=255.0):
    return (rng.uniform(0, 1, shape) * scale).astype("float32")


def _close(a, b, rtol=1e-5, atol=1e-4):
    np.testing.assert_allclose(_np(a), _k(b), rtol=rtol, atol=atol)


# -- deterministic layers --------------------------------------------------------------------

@pytest.mark.parametrize("kwargs", [
    {"scale": 1 / 255}, {"scale": 1 / 127.5, "offset": -1}, {"scale": [0.5, 1.0, 2.0]},
    {"scale": [0.5, 1.0, 2.0], "offset": [1.0, 0.0, -1.0]},
])
def test_rescaling(keras, rng, kwargs):
    x = _images(rng)
    _close(lamina.layers.Rescaling(**kwargs)(x), keras.layers.Rescaling(**kwargs)(x))
    ints = x.astype("uint8")
    out = lamina.layers.Rescaling(**kwargs)(ints)
    assert backend.dtype_of(out) == "float32"
    _close(out, keras.layers.Rescaling(**kwargs)(ints))


@pytest.mark.parametrize("interpolation", ["bilinear", "nearest", "bicubic"])
@pytest.mark.parametrize("size", [(4, 5), (11, 6), (3, 14)])
@pytest.mark.parametrize("aspect", [{}, {"crop_to_aspect_ratio": True},
                                    {"pad_to_aspect_ratio": True, "fill_value": 7.0},
                                    {"antialias": True}])
def test_resizing_as_keras(keras, rng, interpolation, size, aspect):
    x = _images(rng)
    mine = lamina.layers.Resizing(*size, interpolation=interpolation, **aspect)
    theirs = keras.layers.Resizing(*size, interpolation=interpolation, **aspect)
    _close(mine(x), theirs(x), atol=2e-3)
    _close(mine(x[0]), theirs(x[0]), atol=2e-3)


def test_resizing_uint8_and_channels_first(keras, rng):
    x = _images(rng).astype("uint8")
    for interpolation in ("bilinear", "bicubic", "nearest"):
        out = lamina.layers.Resizing(5, 4, interpolation=interpolation)(x)
        ref = keras.layers.Resizing(5, 4, interpolation=interpolation)(x)
        assert backend.dtype_of(out) == "uint8"
        np.testing.assert_array_equal(_np(out), _k(ref))
    xc = _images(rng, (2, 3, 7, 9))
    _close(lamina.layers.Resizing(4, 5, data_format="channels_first")(xc),
           keras.layers.Resizing(4, 5, data_format="channels_first")(xc), atol=2e-3)


@pytest.mark.parametrize("method", ["lanczos3", "lanczos5"])
@pytest.mark.parametrize("antialias", [False, True])
def test_resizing_lanczos_as_keras_scale_and_translate(keras, rng, method, antialias):
    # Keras' torch backend refuses lanczos; on JAX it is jax.image.resize, which is
    # scale_and_translate with scale = out / in and no translation: Keras has that op on torch
    x = _images(rng)
    for size in [(4, 5), (12, 13)]:
        out = lamina.layers.Resizing(*size, interpolation=method, antialias=antialias)(x)
        scale = np.array([size[0] / 7, size[1] / 9], "float32")
        ref = keras.ops.image.scale_and_translate(x, (2, *size, 3), scale,
                                                  np.zeros(2, "float32"), (1, 2), method,
                                                  antialias=antialias)
        _close(out, ref, atol=5e-4)


def _separable_reference(x, size, kernel, radius):
    """tf.image.resize's kernel resampling (no antialias), written out in NumPy."""
    out = x.astype("float64")
    for axis, n_out in zip((1, 2), size):
        n_in = out.shape[axis]
        centres = (np.arange(n_out) + 0.5) * n_in / n_out - 0.5
        w = np.zeros((n_in, n_out))
        for j, c in enumerate(centres):
            d = np.abs(c - np.arange(n_in))
            k = np.where(d < radius, kernel(d), 0.0)
            w[:, j] = k / k.sum()
        out = np.moveaxis(np.tensordot(out, w, axes=([axis], [0])), -1, axis)
    return out


def _mitchell(d):
    return np.where(d < 1, 7 / 6 * d**3 - 2 * d**2 + 8 / 9,
                    -7 / 18 * d**3 + 2 * d**2 - 10 / 3 * d + 16 / 9)


@pytest.mark.parametrize("method,kernel,radius", [
    ("gaussian", lambda d: np.exp(-d**2 / (2 * 0.5**2)), 1.5),
    ("mitchellcubic", _mitchell, 2.0),
])
def test_resizing_tf_kernels_by_hand(rng, method, kernel, radius):
    x = _images(rng)
    for size in [(4, 5), (12, 13)]:
        out = lamina.layers.Resizing(*size, interpolation=method)(x)
        np.testing.assert_allclose(_np(out), _separable_reference(x, size, kernel, radius),
                                   rtol=1e-5, atol=1e-3)


def test_resizing_area_by_hand(rng):
    # TF's area resize: each output pixel averages the input span it covers
    x = _images(rng, (1, 6, 9, 2))
    out = _np(lamina.layers.Resizing(4, 3, interpolation="area")(x))
    ref = np.zeros((1, 4, 3, 2))
    for i in range(4):
        for j in range(3):
            total = 0.0
            for r in range(6):
                wr = max(0.0, min((i + 1) * 1.5, r + 1) - max(i * 1.5, r))
                for c in range(9):
                    wc = max(0.0, min((j + 1) * 3.0, c + 1) - max(j * 3.0, c))
                    total = total + wr * wc * x[0, r, c]
            ref[0, i, j] = total / (1.5 * 3.0)
    np.testing.assert_allclose(out, ref, rtol=1e-5, atol=1e-3)
    # an exact 2x2 block average
    y = _images(rng, (1, 4, 4, 1))
    np.testing.assert_allclose(_np(lamina.layers.Resizing(2, 2, interpolation="area")(y)),
                               y.reshape(1, 2, 2, 2, 2, 1).mean(axis=(2, 4)), rtol=1e-5)


@pytest.mark.parametrize("shape", [(2, 9, 8, 3), (2, 4, 9, 3), (8, 9, 3)])
def test_center_crop(keras, rng, shape):
    x = _images(rng, shape)
    _close(lamina.layers.CenterCrop(5, 6)(x), keras.layers.CenterCrop(5, 6)(x), atol=2e-3)
    xc = np.moveaxis(x, -1, -3)
    _close(lamina.layers.CenterCrop(5, 6, data_format="channels_first")(xc),
           keras.layers.CenterCrop(5, 6, data_format="channels_first")(xc), atol=2e-3)


# -- random layers on a fixed transformation -------------------------------------------------

def _fixed(transformation):
    """Keras' transformation with its tensors as NumPy arrays (so lamina gets no torch)."""
    if isinstance(transformation, dict):
        return {k: _fixed(v) for k, v in transformation.items()}
    if isinstance(transformation, (list, tuple)):
        return type(transformation)(_fixed(v) for v in transformation)
    return _k(transformation).copy() if hasattr(transformation, "detach") else transformation


def _compare_fixed(keras_layer, lamina_layer, x, atol=1e-4):
    keras = sys.modules["keras"]  # imported by the fixture, on the torch backend
    t = keras_layer.get_random_transformation(x, training=True)
    fixed = _fixed(t)  # copied first: Keras' torch affine_transform edits its matrix in place
    ref = keras_layer.transform_images(keras.ops.convert_to_tensor(x), t, training=True)
    out = lamina_layer.transform_images(x, fixed, training=True)
    _close(out, ref, atol=atol)


@pytest.mark.parametrize("mode", ["horizontal", "vertical", "horizontal_and_vertical"])
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_random_flip_fixed(keras, rng, mode, data_format):
    x = _images(rng, (6, 5, 4, 3))
    for _ in range(3):
        _compare_fixed(keras.layers.RandomFlip(mode, data_format=data_format),
                       lamina.layers.RandomFlip(mode, data_format=data_format), x)


@pytest.mark.parametrize("fill_mode", ["reflect", "wrap", "constant", "nearest"])
@pytest.mark.parametrize("interpolation", ["bilinear", "nearest"])
def test_random_rotation_fixed(keras, rng, fill_mode, interpolation):
    x = _images(rng, (3, 7, 9, 2))
    kwargs = dict(factor=0.3, fill_mode=fill_mode, interpolation=interpolation, fill_value=5.0)
    _compare_fixed(keras.layers.RandomRotation(**kwargs), lamina.layers.RandomRotation(**kwargs),
                   x, atol=1e-3)
    # the angle alone is enough for lamina (the matrix is derived from it)
    k = keras.layers.RandomRotation(**kwargs)
    t = k.get_random_transformation(x)
    angle = {"angle": _k(t["angle"]).copy()}
    _close(lamina.layers.RandomRotation(**kwargs).transform_images(x, angle),
           k.transform_images(x, t), atol=1e-3)


@pytest.mark.parametrize("fill_mode", ["reflect", "wrap", "constant", "nearest"])
@pytest.mark.parametrize("factors", [(0.4, None), ((-0.5, 0.3), (0.2, 0.6))])
def test_random_zoom_fixed(keras, rng, fill_mode, factors):
    x = _images(rng, (3, 7, 9, 2))
    kwargs = dict(height_factor=factors[0], width_factor=factors[1], fill_mode=fill_mode)
    _compare_fixed(keras.layers.RandomZoom(**kwargs), lamina.layers.RandomZoom(**kwargs), x,
                   atol=1e-3)
    xc = np.moveaxis(x, -1, 1)
    _compare_fixed(keras.layers.RandomZoom(**kwargs, data_format="channels_first"),
                   lamina.layers.RandomZoom(**kwargs, data_format="channels_first"), xc,
                   atol=1e-3)


@pytest.mark.parametrize("fill_mode", ["reflect", "wrap", "constant", "nearest"])
@pytest.mark.parametrize("interpolation", ["bilinear", "nearest"])
def test_random_translation_fixed(keras, rng, fill_mode, interpolation):
    x = _images(rng, (3, 7, 9, 2))
    kwargs = dict(height_factor=0.3, width_factor=(-0.5, 0.2), fill_mode=fill_mode,
                  interpolation=interpolation)
    _compare_fixed(keras.layers.RandomTranslation(**kwargs),
                   lamina.layers.RandomTranslation(**kwargs), x, atol=1e-3)


@pytest.mark.parametrize("factor", [0.5, (0.3, 0.8)])
def test_random_contrast_fixed(keras, rng, factor):
    x = _images(rng)
    _compare_fixed(keras.layers.RandomContrast(factor), lamina.layers.RandomContrast(factor),
                   x, atol=1e-3)
    y = _images(rng, scale=1.0)
    _compare_fixed(keras.layers.RandomContrast(factor, value_range=(0, 1)),
                   lamina.layers.RandomContrast(factor, value_range=(0, 1)), y)


@pytest.mark.parametrize("factor", [0.5, (-0.2, 0.9)])
def test_random_brightness_fixed(keras, rng, factor):
    x = _images(rng)
    _compare_fixed(keras.layers.RandomBrightness(factor),
                   lamina.layers.RandomBrightness(factor), x, atol=1e-3)
    y = _images(rng, scale=2.0) - 1.0
    _compare_fixed(keras.layers.RandomBrightness(factor, value_range=(-1, 1)),
                   lamina.layers.RandomBrightness(factor, value_range=(-1, 1)), y)


def test_random_crop_fixed_and_small_inputs(keras, rng):
    x = _images(rng, (2, 9, 11, 3))
    for top, left in [(0, 0), (2, 3), (4, 5)]:
        _close(lamina.layers.RandomCrop(5, 6).transform_images(x, (top, left)),
               keras.layers.RandomCrop(5, 6).transform_images(x, (top, left)))
    # an image not larger than the target is cut to its aspect ratio and resized (no draw)
    small = _images(rng, (2, 4, 11, 3))
    _close(lamina.layers.RandomCrop(5, 6)(small, training=True),
           keras.layers.RandomCrop(5, 6)(small, training=True), atol=2e-3)


@pytest.mark.parametrize("name,kwargs", [
    ("RandomFlip", {}), ("RandomRotation", {"factor": 0.2}), ("RandomZoom", {"height_factor": 0.2}),
    ("RandomTranslation", {"height_factor": 0.2, "width_factor": 0.1}),
    ("RandomContrast", {"factor": 0.2}), ("RandomBrightness", {"factor": 0.2}),
])
def test_random_layers_inference_is_keras_inference(keras, rng, name, kwargs):
    x = _images(rng)
    _close(getattr(lamina.layers, name)(**kwargs)(x, training=False),
           getattr(keras.layers, name)(**kwargs)(x, training=False))


@pytest.mark.parametrize("name,kwargs", [
    ("Rescaling", {"scale": [0.5, 2.0, 1.0], "offset": 1.0}),
    ("Resizing", {"height": 3, "width": 4, "interpolation": "bicubic", "antialias": True}),
    ("CenterCrop", {"height": 3, "width": 4}), ("RandomCrop", {"height": 3, "width": 4, "seed": 3}),
    ("RandomFlip", {"mode": "vertical", "seed": 1}),
    ("RandomRotation", {"factor": (-0.1, 0.2), "fill_mode": "constant", "seed": 2}),
    ("RandomZoom", {"height_factor": 0.2, "width_factor": (-0.1, 0.3)}),
    ("RandomTranslation", {"height_factor": 0.2, "width_factor": 0.1, "fill_value": 1.0}),
    ("RandomContrast", {"factor": 0.2, "value_range": [0, 1]}),
    ("RandomBrightness", {"factor": (-0.2, 0.4), "value_range": [0, 1]}),
])
def test_configs_as_keras(keras, name, kwargs):
    mine = getattr(lamina.layers, name)(**kwargs).get_config()
    theirs = getattr(keras.layers, name)(**kwargs).get_config()
    for cfg in (mine, theirs):
        cfg.pop("name")
        cfg.pop("dtype")
    assert set(mine) == set(theirs)
    for key in theirs:
        a, b = mine[key], theirs[key]
        assert (list(a) if isinstance(a, tuple) else a) == (list(b) if isinstance(b, tuple) else b), key
    # a Keras config builds the lamina layer, and back
    rebuilt = getattr(lamina.layers, name).from_config(theirs)
    assert getattr(keras.layers, name).from_config(rebuilt.get_config()) is not None


def test_keras_file_round_trip(keras, rng, tmp_path):
    """A model with preprocessing layers saved by lamina loads in Keras (and back)."""
    def build(api):
        return api.Sequential([
            api.Input((9, 9, 3)), api.layers.Rescaling(1 / 255), api.layers.Resizing(6, 6),
            api.layers.RandomFlip("horizontal", seed=3), api.layers.Conv2D(2, 3),
        ])

    x = _images(rng, (2, 9, 9, 3))
    model = build(lamina)
    model.compile(loss="mse")
    path = str(tmp_path / "pre.keras")
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert [type(layer).__name__ for layer in loaded.layers] == \
        ["Rescaling", "Resizing", "RandomFlip", "Conv2D"]
    _close(model.predict(x, verbose=0), loaded.predict(x, verbose=0))

    kmodel = build(keras)
    path2 = str(tmp_path / "pre_keras.keras")
    kmodel.save(path2)
    back = lamina.models.load_model(path2)
    assert back.layers[2].mode == "horizontal" and back.layers[1].height == 6
    _close(back.predict(x, verbose=0), kmodel.predict(x, verbose=0))


# -- colour layers ---------------------------------------------------------------------------

@pytest.mark.parametrize("name,kwargs", [
    ("RandomGrayscale", {"factor": 0.5}),
    ("RandomHue", {"factor": 0.8}), ("RandomHue", {"factor": (0.2, 0.6), "value_range": (0, 1)}),
    ("RandomSaturation", {"factor": 0.7}), ("RandomSaturation", {"factor": (0.2, 0.9)}),
    ("RandomSharpness", {"factor": 0.9}), ("RandomSharpness", {"factor": (0.1, 0.3)}),
    ("RandomInvert", {"factor": 0.7}), ("RandomInvert", {"value_range": (0, 1)}),
    ("RandomPosterization", {"factor": 6}), ("RandomPosterization", {"factor": (3, 3)}),
    ("RandomColorDegeneration", {"factor": 0.8}),
    ("Solarization", {"addition_factor": 0.3, "threshold_factor": 0.7}),
    ("Solarization", {"threshold_factor": (0.2, 0.5), "value_range": (0, 1)}),
])
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_colour_layers_fixed(keras, rng, name, kwargs, data_format):
    high = kwargs.get("value_range", (0, 255))[1]
    x = _images(rng, (4, 5, 6, 3), scale=high)
    if data_format == "channels_first":
        x = np.ascontiguousarray(np.moveaxis(x, -1, 1))
    extra = {} if name == "Solarization" else {"data_format": data_format}
    if name == "Solarization" and data_format == "channels_first":
        pytest.skip("Solarization has no data_format argument")
    keras_layer = getattr(keras.layers, name)(**kwargs, **extra)
    for _ in range(2):
        _compare_fixed(keras_layer, getattr(lamina.layers, name)(**kwargs, **extra), x,
                       atol=1e-3 * high)


@pytest.mark.parametrize("name,kwargs", [
    ("AutoContrast", {}), ("AutoContrast", {"value_range": (0, 1)}),
    ("Equalization", {}), ("Equalization", {"bins": 32}),
    ("Equalization", {"value_range": (0, 1), "bins": 64}),
    ("Solarization", {}),
])
def test_deterministic_colour_layers(keras, rng, name, kwargs):
    high = kwargs.get("value_range", (0, 255))[1]
    x = np.round(_images(rng, (3, 6, 7, 3)), 0) * high / 255.0
    x[0, ..., 1] = 0.5 * high  # a flat channel
    _close(getattr(lamina.layers, name)(**kwargs)(x), getattr(keras.layers, name)(**kwargs)(x),
           atol=1e-3 * high)
    _close(getattr(lamina.layers, name)(**kwargs)(x[1]),
           getattr(keras.layers, name)(**kwargs)(x[1]), atol=1e-3 * high)


@pytest.mark.parametrize("name,kwargs", [
    ("RandomGrayscale", {}), ("RandomHue", {"factor": 0.5}), ("RandomSaturation", {"factor": 0.5}),
    ("RandomSharpness", {"factor": 0.5}), ("RandomInvert", {}),
    ("RandomPosterization", {"factor": 4}), ("RandomColorDegeneration", {"factor": 0.5}),
    ("Solarization", {"threshold_factor": 0.5}), ("Equalization", {}),
])
def test_colour_layers_inference_and_configs(keras, rng, name, kwargs):
    x = _images(rng, (2, 5, 6, 3))
    _close(getattr(lamina.layers, name)(**kwargs)(x, training=False),
           getattr(keras.layers, name)(**kwargs)(x, training=False))
    mine = getattr(lamina.layers, name)(**kwargs).get_config()
    theirs = getattr(keras.layers, name)(**kwargs).get_config()
    # lamina also saves RandomGrayscale's seed (Keras drops it; its __init__ takes it)
    assert set(mine) - {"name", "dtype"} == set(theirs) - {"name", "dtype"} | (
        {"seed"} if name == "RandomGrayscale" else set())
    for key in set(theirs) - {"name", "dtype"}:
        a, b = mine[key], theirs[key]
        assert (list(a) if isinstance(a, tuple) else a) == (list(b) if isinstance(b, tuple) else b), key


# -- geometry, erasing, blur and mixing layers -----------------------------------------------

@pytest.mark.parametrize("fill_mode", ["reflect", "wrap", "constant", "nearest"])
@pytest.mark.parametrize("factors", [{"x_factor": 0.4}, {"x_factor": (0.1, 0.3), "y_factor": 0.5}])
def test_random_shear_fixed(keras, rng, fill_mode, factors):
    x = _images(rng, (3, 7, 9, 2))
    _compare_fixed(keras.layers.RandomShear(**factors, fill_mode=fill_mode),
                   lamina.layers.RandomShear(**factors, fill_mode=fill_mode), x, atol=1e-3)


@pytest.mark.parametrize("kwargs", [{"scale": 0.5}, {"scale": 1.0, "factor": 0.5,
                                                      "interpolation": "nearest", "fill_value": 3.0}])
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_random_perspective_fixed(keras, rng, kwargs, data_format):
    x = _images(rng, (3, 7, 9, 2))
    if data_format == "channels_first":
        x = np.ascontiguousarray(np.moveaxis(x, -1, 1))
    _compare_fixed(keras.layers.RandomPerspective(**kwargs, data_format=data_format),
                   lamina.layers.RandomPerspective(**kwargs, data_format=data_format), x,
                   atol=1e-2)


@pytest.mark.parametrize("kwargs", [{}, {"factor": 0.5, "scale": (0.1, 0.5), "fill_value": 7.0},
                                    {"fill_value": [1.0, 2.0, 3.0], "value_range": (0, 1)}])
def test_random_erasing_fixed(keras, rng, kwargs):
    x = _images(rng, (4, 8, 9, 3), scale=kwargs.get("value_range", (0, 255))[1])
    _compare_fixed(keras.layers.RandomErasing(**kwargs), lamina.layers.RandomErasing(**kwargs), x)


@pytest.mark.parametrize("kwargs", [{}, {"kernel_size": 5, "sigma": (0.2, 0.9), "factor": 0.6},
                                    {"kernel_size": 7, "sigma": 0.7}])
def test_random_gaussian_blur_fixed(keras, rng, kwargs):
    # square kernels only: Keras' torch blur scrambles non-square ones (and changes the shape)
    x = _images(rng, (3, 9, 8, 3))
    _compare_fixed(keras.layers.RandomGaussianBlur(**kwargs),
                   lamina.layers.RandomGaussianBlur(**kwargs), x, atol=1e-3)


@pytest.mark.parametrize("name,kwargs", [("MixUp", {"alpha": 0.4}), ("CutMix", {"factor": 0.8})])
def test_mixing_layers_fixed(keras, rng, name, kwargs):
    x = _images(rng, (5, 6, 7, 3))
    labels = np.eye(5, dtype="float32")[rng.permutation(5)]
    k = getattr(keras.layers, name)(**kwargs)
    mine = getattr(lamina.layers, name)(**kwargs)
    t = k.get_random_transformation({"images": x, "labels": labels}, training=True)
    fixed = _fixed(t)
    kt = keras.ops.convert_to_tensor
    _close(mine.transform_images(x, fixed), k.transform_images(kt(x), t), atol=1e-3)
    _close(mine.transform_labels(labels, fixed), k.transform_labels(kt(labels), t))


@pytest.mark.parametrize("name,kwargs", [
    ("RandomShear", {"x_factor": 0.2, "y_factor": (0.1, 0.3)}), ("RandomPerspective", {"scale": 0.3}),
    ("RandomElasticTransform", {"scale": 0.5, "fill_mode": "mirror"}), ("RandomErasing", {}),
    ("RandomGaussianBlur", {"kernel_size": (3, 5), "sigma": 0.5}),
    ("RandomColorJitter", {"brightness_factor": 0.2, "hue_factor": (0.1, 0.3)}),
    ("MixUp", {"alpha": 0.3}), ("CutMix", {"factor": 0.5}),
])
def test_more_inference_and_configs(keras, rng, name, kwargs):
    x = _images(rng, (2, 5, 6, 3))
    _close(getattr(lamina.layers, name)(**kwargs)(x, training=False),
           getattr(keras.layers, name)(**kwargs)(x, training=False))
    mine = getattr(lamina.layers, name)(**kwargs).get_config()
    theirs = getattr(keras.layers, name)(**kwargs).get_config()
    if name == "RandomShear":
        # Keras stores (-f, f), which its own from_config refuses; lamina keeps the arguments
        # (so Keras can load lamina's files)
        assert (mine["x_factor"], mine["y_factor"]) == (0.2, (0.1, 0.3))
        keras.layers.RandomShear.from_config(mine)
        theirs = {**theirs, "x_factor": 0.2, "y_factor": (0.1, 0.3)}
    assert set(mine) - {"name", "dtype"} == set(theirs) - {"name", "dtype"}
    for key in set(theirs) - {"name", "dtype"}:
        a, b = mine[key], theirs[key]
        assert (list(a) if isinstance(a, tuple) else a) == (list(b) if isinstance(b, tuple) else b), key
    getattr(lamina.layers, name).from_config(theirs)


# -- policies, CLAHE, box counts and pipelines ------------------------------------------------

@pytest.mark.parametrize("kwargs", [{"num_ops": 1}, {"num_ops": 1, "factor": 0.8}])
def test_rand_augment_fixed(keras, rng, kwargs):
    # one op per call: Keras runs every op each round and its torch affine_transform edits
    # the drawn matrix in place, so a warp chosen in a later round is not the one drawn
    # and its torch RandomBrightness adds in place, so every round brightens whatever op was
    # chosen: the drawn brightness is set to 0 here
    x = np.round(_images(rng, (3, 8, 9, 3)))
    k, mine = keras.layers.RandAugment(**kwargs), lamina.layers.RandAugment(**kwargs)
    kt = keras.ops.convert_to_tensor
    for _ in range(8):
        t = k.get_random_transformation(x, training=True)
        t["transforms"]["random_brightness"]["rgb_delta"] = keras.ops.zeros((3, 1, 1, 1))
        fixed = _fixed(t)
        _close(mine.transform_images(x, fixed), k.transform_images(kt(x), t), atol=5e-2)


@pytest.mark.parametrize("kwargs", [{}, {"all_ops": False, "num_chains": 2, "chain_depth": 2}])
def test_aug_mix_fixed(keras, rng, kwargs):
    x = np.round(_images(rng, (3, 8, 9, 3)))
    k, mine = keras.layers.AugMix(**kwargs), lamina.layers.AugMix(**kwargs)
    for _ in range(3):
        _compare_fixed(k, mine, x, atol=5e-2)


@pytest.mark.parametrize("kwargs", [{}, {"clip_limit": 2.0, "tile_grid_size": (3, 2)},
                                    {"clip_limit": 40.0, "tile_grid_size": (2, 2)},
                                    {"clip_limit": 0.0, "tile_grid_size": (2, 5)},
                                    {"value_range": (0, 1), "tile_grid_size": (3, 4)}])
def test_clahe_as_keras(keras, rng, kwargs):
    high = kwargs.get("value_range", (0, 255))[1]
    # sizes whose tiles need at most one row/column of padding: there numpy's "symmetric"
    # padding (Keras' intent, and lamina's) and the "replicate" Keras' torch backend uses agree
    x = _images(rng, (2, 41, 39, 3), scale=high)
    name = "ContrastLimitedAdaptiveHistogramEqualization"
    _close(getattr(lamina.layers, name)(**kwargs)(x), getattr(keras.layers, name)(**kwargs)(x),
           atol=1e-3 * high)
    xc = np.ascontiguousarray(np.moveaxis(x, -1, 1))
    _close(getattr(lamina.layers, name)(**kwargs, data_format="channels_first")(xc),
           getattr(keras.layers, name)(**kwargs, data_format="channels_first")(xc),
           atol=1e-3 * high)


def test_max_num_bounding_boxes_as_keras(keras, rng):
    x = _images(rng, (2, 6, 6, 3))
    boxes = rng.uniform(0, 6, (2, 5, 4)).astype("float32")
    labels = rng.integers(0, 3, (2, 5)).astype("int32")
    for n in (3, 5, 8):
        data = {"images": x, "bounding_boxes": {"boxes": boxes, "labels": labels}}
        out = lamina.layers.MaxNumBoundingBoxes(n, bounding_box_format="xyxy")(dict(data))
        ref = keras.layers.MaxNumBoundingBoxes(n, bounding_box_format="xyxy")(
            {"images": x, "bounding_boxes": {"boxes": boxes, "labels": labels}})
        _close(out["bounding_boxes"]["boxes"], ref["bounding_boxes"]["boxes"])
        _close(out["bounding_boxes"]["labels"], ref["bounding_boxes"]["labels"])


def test_pipeline_as_keras_and_config(keras, rng):
    x = _images(rng, (2, 9, 9, 3))
    mine = lamina.layers.Pipeline([lamina.layers.Resizing(6, 6), lamina.layers.CenterCrop(4, 5),
                                   lamina.layers.Rescaling(1 / 255)])
    theirs = keras.layers.Pipeline([keras.layers.Resizing(6, 6), keras.layers.CenterCrop(4, 5),
                                    keras.layers.Rescaling(1 / 255)])
    _close(mine(x), theirs(x))
    rebuilt = lamina.layers.Pipeline.from_config(theirs.get_config())
    assert [type(v).__name__ for v in rebuilt.layers] == ["Resizing", "CenterCrop", "Rescaling"]
    _close(rebuilt(x), theirs(x))
    assert keras.layers.Pipeline.from_config(mine.get_config()) is not None


@pytest.mark.parametrize("name,kwargs", [
    ("RandAugment", {"num_ops": 3, "factor": 0.4}), ("AugMix", {"all_ops": False}),
    ("ContrastLimitedAdaptiveHistogramEqualization", {"clip_limit": 3.0}),
    ("MaxNumBoundingBoxes", {"max_number": 4}),
])
def test_policy_configs(keras, rng, name, kwargs):
    mine = getattr(lamina.layers, name)(**kwargs).get_config()
    theirs = getattr(keras.layers, name)(**kwargs).get_config()
    assert set(mine) - {"name", "dtype"} == set(theirs) - {"name", "dtype"}
    for key in set(theirs) - {"name", "dtype"}:
        a, b = mine[key], theirs[key]
        assert (list(a) if isinstance(a, tuple) else a) == (list(b) if isinstance(b, tuple) else b), key
    getattr(lamina.layers, name).from_config(theirs)


# -- bounding boxes ---------------------------------------------------------------------------

def _boxes(rng, n=3, b=4, height=8, width=10):
    x1 = rng.uniform(0, width - 3, (n, b))
    y1 = rng.uniform(0, height - 3, (n, b))
    x2 = x1 + rng.uniform(1, 3, (n, b))
    y2 = y1 + rng.uniform(1, 3, (n, b))
    return {"boxes": np.stack([x1, y1, x2, y2], -1).astype("float32"),
            "labels": rng.integers(0, 5, (n, b)).astype("int32")}


@pytest.mark.parametrize("fmt", ["xyxy", "yxyx", "xywh", "center_xywh", "center_yxhw",
                                 "rel_xyxy", "rel_yxyx", "rel_xywh", "rel_center_xywh"])
def test_box_formats_as_keras(keras, rng, fmt):
    from lamina.layers.preprocessing.image_preprocessing import bounding_boxes as lib

    boxes = _boxes(rng)["boxes"]
    theirs = keras.utils.bounding_boxes.convert_format(boxes, "xyxy", fmt, height=8, width=10)
    _close(lib.from_xyxy(backend.convert_to_tensor(boxes), fmt, 8, 10), theirs, atol=1e-5)
    _close(lib.to_xyxy(_k(theirs), fmt, 8, 10), boxes, atol=1e-4)


def _compare_boxes(keras, keras_layer, lamina_layer, x, boxes, atol=1e-3):
    kt = keras.ops.convert_to_tensor
    t = keras_layer.get_random_transformation(x, training=True)
    fixed = _fixed(t)
    ref = keras_layer.transform_bounding_boxes(
        {"boxes": kt(boxes["boxes"]), "labels": kt(boxes["labels"])}, t, training=True)
    out = lamina_layer.transform_bounding_boxes(dict(boxes), fixed, training=True)
    _close(out["boxes"], ref["boxes"], atol=atol)
    _close(out["labels"], ref["labels"])


@pytest.mark.parametrize("mode", ["horizontal", "vertical", "horizontal_and_vertical"])
@pytest.mark.parametrize("fmt", ["xyxy", "rel_yxyx", "center_xywh"])
def test_random_flip_boxes_as_keras(keras, rng, mode, fmt):
    x = _images(rng, (3, 8, 10, 3))
    boxes = _boxes(rng)
    boxes["boxes"] = _k(keras.utils.bounding_boxes.convert_format(boxes["boxes"], "xyxy", fmt,
                                                                  height=8, width=10))
    for _ in range(3):
        _compare_boxes(keras, keras.layers.RandomFlip(mode, bounding_box_format=fmt),
                       lamina.layers.RandomFlip(mode, bounding_box_format=fmt), x, boxes)


@pytest.mark.parametrize("name,kwargs", [
    ("RandomRotation", {"factor": 0.2}),
    ("RandomTranslation", {"height_factor": 0.3, "width_factor": 0.2}),
])
def test_affine_boxes_as_keras(keras, rng, name, kwargs):
    x = _images(rng, (3, 8, 10, 3))
    boxes = _boxes(rng)
    for _ in range(3):
        _compare_boxes(keras, getattr(keras.layers, name)(**kwargs, bounding_box_format="xyxy"),
                       getattr(lamina.layers, name)(**kwargs, bounding_box_format="xyxy"), x,
                       boxes)


@pytest.mark.parametrize("name,args", [("Resizing", (4, 5)), ("Resizing", (12, 20)),
                                       ("CenterCrop", (5, 6))])
def test_resize_and_crop_boxes_as_keras(keras, rng, name, args):
    x = _images(rng, (3, 8, 10, 3))
    boxes = _boxes(rng)
    data = {"images": x, "bounding_boxes": boxes}
    out = getattr(lamina.layers, name)(*args, bounding_box_format="xyxy")(dict(data))
    ref = getattr(keras.layers, name)(*args, bounding_box_format="xyxy")(
        {"images": x, "bounding_boxes": dict(boxes)})
    _close(out["bounding_boxes"]["boxes"], ref["bounding_boxes"]["boxes"], atol=1e-3)
    _close(out["bounding_boxes"]["labels"], ref["bounding_boxes"]["labels"])


def test_keras_file_with_many_image_layers(keras, rng, tmp_path):
    """Every kind of image layer in one lamina model: Keras loads the file and predicts the
    same (the random layers are identity at inference), and lamina loads it back."""
    def build(api):
        lay = api.layers
        return api.Sequential([
            api.Input((12, 12, 3)), lay.Resizing(10, 10, interpolation="bicubic"),
            # (no RandomCrop: at inference Keras 3.15 returns it uncropped, lamina as documented)
            lay.CenterCrop(8, 8), lay.RandomFlip("vertical"),
            lay.RandomRotation(0.1, fill_mode="constant"), lay.RandomZoom(0.2, 0.1),
            lay.RandomTranslation(0.1, 0.2), lay.RandomContrast(0.3),
            lay.RandomBrightness(0.1), lay.RandomShear(0.2), lay.RandomHue(0.1),
            lay.RandomSaturation((0.4, 0.6)), lay.RandomSharpness(0.3), lay.RandomGrayscale(0.2),
            lay.RandomColorJitter(brightness_factor=0.1), lay.RandomErasing(0.2),
            lay.RandomGaussianBlur(0.3), lay.RandomPerspective(0.3, 0.2), lay.AutoContrast(),
            lay.RandAugment(num_ops=1), lay.AugMix(), lay.Rescaling(1 / 255.0),
            lay.Conv2D(2, 3), lay.GlobalAveragePooling2D(),
        ])

    x = _images(rng, (2, 12, 12, 3))
    model = build(lamina)
    path = str(tmp_path / "many.keras")
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert [type(v).__name__ for v in loaded.layers] == [type(v).__name__ for v in model.layers]
    _close(model.predict(x, verbose=0), loaded.predict(x, verbose=0), atol=1e-4)
    back = lamina.models.load_model(path)
    _close(back.predict(x, verbose=0), model.predict(x, verbose=0))
    kpath = str(tmp_path / "many_keras.keras")
    build(keras).save(kpath)
    assert [type(v).__name__ for v in lamina.models.load_model(kpath).layers] == \
        [type(v).__name__ for v in model.layers]
