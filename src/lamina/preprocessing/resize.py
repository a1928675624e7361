"""Resizing image arrays in NumPy (half-pixel centres, no antialiasing, like ``tf.image.resize``).

>>> import numpy as np
>>> resize_images(np.arange(4.0).reshape(1, 4, 1), (1, 2))[..., 0]
array([[0.5, 2.5]], dtype=float32)
"""

from __future__ import annotations

import numpy as np

_PIL_METHODS = {"bicubic": "bicubic", "area": "box", "lanczos3": "lanczos",
                "lanczos5": "lanczos", "gaussian": "bilinear", "mitchellcubic": "bicubic",
                "lanczos": "lanczos", "box": "box", "hamming": "hamming"}


def _source_coords(out_size, in_size):
    scale = in_size / out_size
    return (np.arange(out_size) + 0.5) * scale - 0.5


def _linear_weights(out_size, in_size):
    src = np.clip(_source_coords(out_size, in_size), 0, in_size - 1)
    lo = np.floor(src).astype(np.int64)
    hi = np.minimum(lo + 1, in_size - 1)
    return lo, hi, (src - lo)


def _nearest_index(out_size, in_size):
    src = np.floor((np.arange(out_size) + 0.5) * (in_size / out_size)).astype(np.int64)
    return np.clip(src, 0, in_size - 1)


def resize_images(x, size, interpolation: str = "bilinear",
                  data_format: str = "channels_last") -> np.ndarray:
    """Resize one image (rank 3) or a batch (rank 4) to ``size = (height, width)``."""
    x = np.asarray(x)
    single = x.ndim == 3
    if single:
        x = x[None]
    if data_format == "channels_first":
        x = x.transpose(0, 2, 3, 1)
    out_h, out_w = int(size[0]), int(size[1])
    in_h, in_w = x.shape[1], x.shape[2]
    if (in_h, in_w) == (out_h, out_w):
        out = x.astype("float32")
    elif interpolation == "nearest":
        out = x[:, _nearest_index(out_h, in_h)][:, :, _nearest_index(out_w, in_w)]
        out = out.astype("float32")
    elif interpolation == "bilinear":
        xf = x.astype("float32")
        r0, r1, wr = _linear_weights(out_h, in_h)
        c0, c1, wc = _linear_weights(out_w, in_w)
        wr = wr.astype("float32")[None, :, None, None]
        wc = wc.astype("float32")[None, None, :, None]
        rows = xf[:, r0] * (1 - wr) + xf[:, r1] * wr
        out = rows[:, :, c0] * (1 - wc) + rows[:, :, c1] * wc
    elif interpolation in _PIL_METHODS:
        out = _resize_with_pil(x, out_h, out_w, _PIL_METHODS[interpolation])
    else:
        raise ValueError(
            f"Unknown interpolation {interpolation!r}; expected 'bilinear', 'nearest' or one "
            f"of {sorted(_PIL_METHODS)}"
        )
    if data_format == "channels_first":
        out = out.transpose(0, 3, 1, 2)
    return out[0] if single else out


def _resize_with_pil(x, out_h, out_w, method):
    from PIL import Image

    from lamina.preprocessing.image_utils import pil_resampling

    resample = pil_resampling(method)
    out = np.empty((x.shape[0], out_h, out_w, x.shape[3]), dtype="float32")
    for i in range(x.shape[0]):
        for c in range(x.shape[3]):
            channel = Image.fromarray(np.ascontiguousarray(x[i, :, :, c], dtype="float32"), "F")
            out[i, :, :, c] = np.asarray(channel.resize((out_w, out_h), resample))
    return out
