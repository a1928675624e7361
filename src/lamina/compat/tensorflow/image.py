"""``tf.image``: resizing, flips, colour and random augmentations of image batches (NHWC)."""

from __future__ import annotations

from lamina import ops
from lamina import random as _random
from lamina.compat.tensorflow._dtypes import _name_of
from lamina.compat.tensorflow._tensors import _t, _unsupported

_METHODS = {"bilinear": "bilinear", "nearest": "nearest", "bicubic": "bicubic", "area": "area",
            "lanczos3": "lanczos3", "lanczos5": "lanczos5", "gaussian": "gaussian",
            "mitchellcubic": "mitchellcubic"}


class ResizeMethod:
    BILINEAR, NEAREST_NEIGHBOR, BICUBIC, AREA = "bilinear", "nearest", "bicubic", "area"
    LANCZOS3, LANCZOS5, GAUSSIAN, MITCHELLCUBIC = ("lanczos3", "lanczos5", "gaussian",
                                                    "mitchellcubic")


def _float(images):
    images = _t(images)
    return images if ops.dtype(images).startswith(("float", "bfloat")) \
        else ops.cast(images, "float32")


def resize(images, size, method="bilinear", preserve_aspect_ratio=False, antialias=False,
           name=None):
    """Resize to ``size`` (height, width); results are float32 as in TensorFlow."""
    if preserve_aspect_ratio:
        raise NotImplementedError("tf.image.resize(preserve_aspect_ratio=True) is not in "
                                  "lamina's stand-in; use keras.layers.Resizing("
                                  "crop_to_aspect_ratio=True) or pad_to_aspect_ratio")
    method = str(method).lower()
    if method not in _METHODS:
        raise ValueError(f"tf.image.resize: unknown method {method!r}; expected one of "
                         f"{sorted(_METHODS)}")
    images = _t(images)
    out = ops.image.resize(_float(images), tuple(int(s) for s in size),
                           interpolation=_METHODS[method], antialias=antialias)
    return out


def flip_left_right(image):
    return ops.flip(_t(image), axis=-2)


def flip_up_down(image):
    return ops.flip(_t(image), axis=-3)


def _per_image(images, draw, apply):
    images = _t(images)
    batched = images.ndim == 4
    batch = images.shape[0] if batched else 1
    factors = draw(batch)
    if not batched:
        return apply(images[None], factors)[0]
    return apply(images, factors)


def random_flip_left_right(image, seed=None):
    def apply(x, coins):
        return ops.where(ops.reshape(coins, (-1, 1, 1, 1)), ops.flip(x, axis=2), x)

    return _per_image(image, lambda n: _random.uniform((n,), seed=seed) < 0.5, apply)


def random_flip_up_down(image, seed=None):
    def apply(x, coins):
        return ops.where(ops.reshape(coins, (-1, 1, 1, 1)), ops.flip(x, axis=1), x)

    return _per_image(image, lambda n: _random.uniform((n,), seed=seed) < 0.5, apply)


def adjust_brightness(image, delta):
    return _float(image) + delta


def adjust_contrast(images, contrast_factor):
    x = _float(images)
    mean = ops.mean(x, axis=(-3, -2), keepdims=True)
    return (x - mean) * contrast_factor + mean


def random_brightness(image, max_delta, seed=None):
    if max_delta < 0:
        raise ValueError("tf.image.random_brightness: max_delta must be non-negative")
    return adjust_brightness(image, float(_random.uniform((), -max_delta, max_delta,
                                                          seed=seed)))


def random_contrast(image, lower, upper, seed=None):
    if not 0 <= lower < upper:
        raise ValueError("tf.image.random_contrast: expected 0 <= lower < upper; received "
                         f"lower={lower}, upper={upper}")
    return adjust_contrast(image, float(_random.uniform((), lower, upper, seed=seed)))


def rgb_to_grayscale(images, name=None):
    return ops.image.rgb_to_grayscale(_t(images))


def grayscale_to_rgb(images, name=None):
    images = _t(images)
    return ops.concatenate([images] * 3, axis=-1)


def convert_image_dtype(image, dtype, saturate=False, name=None):
    """Integers scale to [0, 1] floats (and back), as TensorFlow converts them."""
    image, dtype = _t(image), _name_of(dtype)
    src = ops.dtype(image)
    if src == dtype:
        return image
    if src.startswith("uint8") and dtype.startswith("float"):
        return ops.cast(image, dtype) / 255.0
    if src.startswith("float") and dtype == "uint8":
        return ops.cast(ops.round(ops.clip(image, 0.0, 1.0) * 255.0), "uint8")
    return ops.cast(image, dtype)


def per_image_standardization(image):
    x = _float(image)
    axes = (-3, -2, -1)
    mean = ops.mean(x, axis=axes, keepdims=True)
    count = x.shape[-3] * x.shape[-2] * x.shape[-1]
    std = ops.maximum(ops.std(x, axis=axes, keepdims=True), 1.0 / count ** 0.5)
    return (x - mean) / std


def central_crop(image, central_fraction):
    if not 0 < central_fraction <= 1:
        raise ValueError("tf.image.central_crop: central_fraction must be in (0, 1]")
    image = _t(image)
    h, w = image.shape[-3], image.shape[-2]
    top, left = int((h - h * central_fraction) / 2), int((w - w * central_fraction) / 2)
    return image[..., top:h - top, left:w - left, :]


def __getattr__(name):
    raise _unsupported(name, "tf.image")
