"""Images to arrays and back: ``load_img``, ``img_to_array``, ``array_to_img``, ``save_img``.

These read and write files with Pillow, imported only when a function needs it.

>>> import numpy as np
>>> img = array_to_img(np.zeros((4, 5, 3)))
>>> img.size  # PIL sizes are (width, height)
(5, 4)
>>> tuple(img_to_array(img).shape)
(4, 5, 3)
"""

from __future__ import annotations

import io
import pathlib
import warnings

import numpy as np

from lamina import config

_PIL_HINT = "Pillow is needed to read and write images: `pip install pillow`."


def _pil_image():
    try:
        from PIL import Image
    except ImportError as e:  # pragma: no cover - Pillow is a dependency of the tests
        raise ImportError(f"Could not import PIL.Image. {_PIL_HINT}") from e
    return Image


def pil_resampling(interpolation: str):
    """The PIL resampling filter for a Keras interpolation name."""
    image = _pil_image()
    resampling = getattr(image, "Resampling", image)
    methods = {
        "nearest": resampling.NEAREST,
        "bilinear": resampling.BILINEAR,
        "bicubic": resampling.BICUBIC,
        "hamming": resampling.HAMMING,
        "box": resampling.BOX,
        "lanczos": resampling.LANCZOS,
    }
    if interpolation not in methods:
        raise ValueError(
            f"Invalid interpolation method {interpolation!r}; supported methods are "
            f"{', '.join(methods)}"
        )
    return methods[interpolation]


def array_to_img(x, data_format: str | None = None, scale: bool = True, dtype: str | None = None):
    """A rank-3 array as a PIL image; ``scale=True`` stretches values to 0..255 first.

    >>> array_to_img(np.ones((2, 2, 1)) * 7).mode
    'L'
    """
    data_format = config.standardize_data_format(data_format)
    image = _pil_image()
    x = np.asarray(x, dtype=dtype or config.floatx())
    if x.ndim != 3:
        raise ValueError(
            f"array_to_img: expected an image array of rank 3 (one image); got shape {x.shape}"
        )
    if data_format == "channels_first":
        x = x.transpose(1, 2, 0)
    if scale:
        x = x - np.min(x)
        x_max = np.max(x)
        if x_max != 0:
            x /= x_max
        x *= 255
    channels = x.shape[2]
    if channels == 4:
        return image.fromarray(x.astype("uint8"), "RGBA")
    if channels == 3:
        return image.fromarray(x.astype("uint8"), "RGB")
    if channels == 1:
        if np.max(x) > 255:  # 16/32-bit grayscale
            return image.fromarray(x[:, :, 0].astype("int32"), "I")
        return image.fromarray(x[:, :, 0].astype("uint8"), "L")
    raise ValueError(f"array_to_img: unsupported number of channels: {channels} (1, 3 or 4)")


def img_to_array(img, data_format: str | None = None, dtype: str | None = None) -> np.ndarray:
    """A PIL image (or anything array-like) as a rank-3 float array.

    >>> tuple(img_to_array(np.zeros((3, 2)), data_format="channels_first").shape)
    (1, 3, 2)
    """
    data_format = config.standardize_data_format(data_format)
    x = np.asarray(img, dtype=dtype or config.floatx())
    if x.ndim == 3:
        if data_format == "channels_first":
            x = x.transpose(2, 0, 1)
    elif x.ndim == 2:
        x = x.reshape((1,) + x.shape if data_format == "channels_first" else x.shape + (1,))
    else:
        raise ValueError(f"img_to_array: unsupported image shape {x.shape}")
    return x


def save_img(path, x, data_format: str | None = None, file_format: str | None = None,
             scale: bool = True, **kwargs) -> None:
    """Write an image array to ``path`` (format from the suffix unless ``file_format``)."""
    data_format = config.standardize_data_format(data_format)
    if file_format is None and isinstance(path, (str, pathlib.Path)):
        file_format = pathlib.Path(path).suffix[1:].lower() or None
    if file_format and file_format.lower() == "jpg":
        file_format = "jpeg"
    img = array_to_img(x, data_format=data_format, scale=scale)
    if img.mode == "RGBA" and file_format == "jpeg":
        warnings.warn("The JPEG format does not support RGBA images, converting to RGB.",
                      stacklevel=2)
        img = img.convert("RGB")
    img.save(path, format=file_format, **kwargs)


def _center_crop_box(width, height, target_width, target_height):
    crop_height = min(height, (width * target_height) // target_width)
    crop_width = min(width, (height * target_width) // target_height)
    top = (height - crop_height) // 2
    left = (width - crop_width) // 2
    return [left, top, left + crop_width, top + crop_height]


def load_img(path, color_mode: str = "rgb", target_size=None, interpolation: str = "nearest",
             keep_aspect_ratio: bool = False):
    """Read an image file as a PIL image, converted to ``color_mode`` and resized if asked.

    ``target_size`` is ``(height, width)``; ``keep_aspect_ratio=True`` crops the centre to the
    target's aspect ratio before resizing.
    """
    image = _pil_image()
    if isinstance(path, io.BytesIO):
        img = image.open(path)
    elif isinstance(path, (pathlib.Path, bytes, str)):
        if isinstance(path, pathlib.Path):
            path = str(path.resolve())
        with open(path, "rb") as f:
            img = image.open(io.BytesIO(f.read()))
    else:
        raise TypeError(f"load_img: path should be path-like or io.BytesIO, not {type(path)}")
    if color_mode == "grayscale":
        if img.mode not in ("L", "I;16", "I"):
            img = img.convert("L")
    elif color_mode == "rgba":
        if img.mode != "RGBA":
            img = img.convert("RGBA")
    elif color_mode == "rgb":
        if img.mode != "RGB":
            img = img.convert("RGB")
    else:
        raise ValueError(f'color_mode must be "grayscale", "rgb", or "rgba"; got {color_mode!r}')
    if target_size is not None:
        size = (int(target_size[1]), int(target_size[0]))  # PIL wants (width, height)
        if img.size != size:
            resample = pil_resampling(interpolation)
            if keep_aspect_ratio:
                box = _center_crop_box(img.size[0], img.size[1], size[0], size[1])
                img = img.resize(size, resample, box=box)
            else:
                img = img.resize(size, resample)
    return img


def smart_resize(x, size, interpolation: str = "bilinear", data_format: str = "channels_last"):
    """Resize image(s) to ``size`` without distorting them: crop the centre to the target's
    aspect ratio, then resize (NumPy in, NumPy out).

    >>> tuple(smart_resize(np.zeros((10, 20, 3)), (5, 5)).shape)
    (5, 5, 3)
    """
    from lamina.preprocessing.resize import resize_images

    x = np.asarray(x)
    if x.ndim not in (3, 4):
        raise ValueError(
            "smart_resize: expected (height, width, channels) or (batch, height, width, "
            f"channels); got shape {x.shape}"
        )
    h_axis = x.ndim - 3 if data_format == "channels_last" else x.ndim - 2
    height, width = x.shape[h_axis], x.shape[h_axis + 1]
    th, tw = size
    crop_h = max(min(height, int(float(width * th) / tw)), 1)
    crop_w = max(min(width, int(float(height * tw) / th)), 1)
    top, left = int((height - crop_h) / 2), int((width - crop_w) / 2)
    index = [slice(None)] * x.ndim
    index[h_axis] = slice(top, top + crop_h)
    index[h_axis + 1] = slice(left, left + crop_w)
    return resize_images(x[tuple(index)], size, interpolation, data_format)
