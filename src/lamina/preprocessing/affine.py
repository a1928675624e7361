"""Affine transforms of single images in NumPy (the maths under ``ImageDataGenerator``).

Each output pixel is looked up in the input through the inverse mapping, with linear
interpolation (``order=1``) or nearest (``order=0``), and points that fall outside the image
filled by ``fill_mode``: ``'nearest'`` (aaaa|abcd|dddd), ``'reflect'`` (dcba|abcd|dcba),
``'wrap'`` (abcd|abcd|abcd) or ``'constant'`` (``cval``). When SciPy is installed its
``ndimage.affine_transform`` does the sampling, as in Keras; otherwise a NumPy version does.

>>> import numpy as np
>>> x = np.arange(9.0).reshape(3, 3, 1)
>>> apply_affine_transform(x, theta=90, row_axis=0, col_axis=1, channel_axis=2)[..., 0].round()
array([[2., 5., 8.],
       [1., 4., 7.],
       [0., 3., 6.]])
"""

from __future__ import annotations

import numpy as np

import importlib.util

# SciPy is optional: Keras samples with it, and so do we when it is there. It is imported on
# the first transform, not with lamina (it costs a sixth of a second).
USE_SCIPY = importlib.util.find_spec("scipy") is not None


def _ndimage():
    from scipy import ndimage

    return ndimage

FILL_MODES = ("nearest", "constant", "reflect", "wrap")


def flip_axis(x, axis):
    """``x`` mirrored along ``axis``."""
    return np.flip(np.asarray(x), axis)


def transform_matrix_offset_center(matrix, x, y):
    """``matrix`` re-centred so it acts about the image centre, not the corner."""
    o_x = float(x) / 2 - 0.5
    o_y = float(y) / 2 - 0.5
    offset = np.array([[1, 0, o_x], [0, 1, o_y], [0, 0, 1]])
    reset = np.array([[1, 0, -o_x], [0, 1, -o_y], [0, 0, 1]])
    return offset @ matrix @ reset


def _extend_index(idx, n, mode):
    """Integer sample positions outside ``[0, n)`` mapped inside, by fill mode."""
    if mode == "reflect":
        idx = np.mod(idx, 2 * n)
        return np.where(idx >= n, 2 * n - 1 - idx, idx)
    if mode == "wrap":
        return np.mod(idx, n)
    return np.clip(idx, 0, n - 1)  # 'nearest', and 'constant' (masked separately)


def _wrap_coord(coord, n):
    """scipy's 'wrap': points outside ``[0, n - 1]`` repeat with period ``n - 1``."""
    if n == 1:
        return np.zeros_like(coord)
    inside = (coord >= 0) & (coord <= n - 1)
    return np.where(inside, coord, np.mod(coord, n - 1))


def _reflect_coord(coord, n):
    """Half-sample symmetric reflection of continuous coordinates into ``[-0.5, n - 0.5]``."""
    y = np.mod(coord + 0.5, 2 * n) - 0.5
    return np.where(y > n - 0.5, 2 * n - 1 - y, y)


def _sample_numpy(channels, matrix, offset, order, mode, cval):
    """Inverse-map every output pixel of ``channels`` (C, H, W) through ``matrix``/``offset``."""
    _, h, w = channels.shape
    rows, cols = np.meshgrid(np.arange(h, dtype=np.float64), np.arange(w, dtype=np.float64),
                             indexing="ij")
    src_r = matrix[0, 0] * rows + matrix[0, 1] * cols + offset[0]
    src_c = matrix[1, 0] * rows + matrix[1, 1] * cols + offset[1]
    if mode == "wrap":
        src_r, src_c = _wrap_coord(src_r, h), _wrap_coord(src_c, w)
    if order == 0:
        if mode == "reflect":
            src_r, src_c = _reflect_coord(src_r, h), _reflect_coord(src_c, w)
        r = _extend_index(np.floor(src_r + 0.5).astype(np.int64), h, mode)
        c = _extend_index(np.floor(src_c + 0.5).astype(np.int64), w, mode)
        out = channels[:, r, c]
    else:
        r0 = np.floor(src_r).astype(np.int64)
        c0 = np.floor(src_c).astype(np.int64)
        fr = (src_r - r0)[None]
        fc = (src_c - c0)[None]
        r0e, r1e = _extend_index(r0, h, mode), _extend_index(r0 + 1, h, mode)
        c0e, c1e = _extend_index(c0, w, mode), _extend_index(c0 + 1, w, mode)
        top = channels[:, r0e, c0e] * (1 - fc) + channels[:, r0e, c1e] * fc
        bottom = channels[:, r1e, c0e] * (1 - fc) + channels[:, r1e, c1e] * fc
        out = top * (1 - fr) + bottom * fr
    if mode == "constant":
        eps = 1e-9
        outside = (src_r < -eps) | (src_r > h - 1 + eps) | (src_c < -eps) | (src_c > w - 1 + eps)
        out = np.where(outside[None], cval, out)
    return out.astype(channels.dtype, copy=False)


def apply_affine_transform(x, theta=0, tx=0, ty=0, shear=0, zx=1, zy=1, row_axis=1, col_axis=2,
                           channel_axis=0, fill_mode="nearest", cval=0.0, order=1):
    """Rotate (``theta`` degrees), shift (``tx`` rows, ``ty`` columns), shear (degrees) and
    zoom (``zx``, ``zy``: input pixels per output pixel) one rank-3 image about its centre."""
    if np.unique([row_axis, col_axis, channel_axis]).size != 3:
        raise ValueError("'row_axis', 'col_axis', and 'channel_axis' must be distinct")
    if {row_axis, col_axis, channel_axis} != {0, 1, 2}:
        raise ValueError(f"Invalid axis indices: {row_axis}, {col_axis}, {channel_axis}")
    x = np.asarray(x)
    if x.ndim != 3:
        raise ValueError(f"Input arrays must be multi-channel 2D images; got shape {x.shape}")
    if channel_axis not in (0, 2):
        raise ValueError("Channels are allowed only as the first or last dimension.")
    if fill_mode not in FILL_MODES:
        raise ValueError(f"fill_mode must be one of {FILL_MODES}; got {fill_mode!r}")

    matrix = np.eye(3)
    changed = False
    if theta != 0:
        t = np.deg2rad(theta)
        matrix = matrix @ np.array([[np.cos(t), -np.sin(t), 0], [np.sin(t), np.cos(t), 0],
                                    [0, 0, 1]])
        changed = True
    if tx != 0 or ty != 0:
        matrix = matrix @ np.array([[1, 0, tx], [0, 1, ty], [0, 0, 1]])
        changed = True
    if shear != 0:
        s = np.deg2rad(shear)
        matrix = matrix @ np.array([[1, -np.sin(s), 0], [0, np.cos(s), 0], [0, 0, 1]])
        changed = True
    if zx != 1 or zy != 1:
        matrix = matrix @ np.array([[zx, 0, 0], [0, zy, 0], [0, 0, 1]])
        changed = True
    if not changed:
        return x

    h, w = x.shape[row_axis], x.shape[col_axis]
    matrix = transform_matrix_offset_center(matrix, h, w)
    # The matrix is written for (x, y) = (row, col) when rows come first in the array; when
    # columns come first swap both coordinates (M' = P M P).
    if col_axis > row_axis:
        matrix[:, [0, 1]] = matrix[:, [1, 0]]
        matrix[[0, 1]] = matrix[[1, 0]]
    linear, offset = matrix[:2, :2], matrix[:2, 2]
    channels = np.moveaxis(x, channel_axis, 0)
    if USE_SCIPY:
        out = np.stack([
            _ndimage().affine_transform(c, linear, offset, order=order, mode=fill_mode, cval=cval)
            for c in channels
        ])
    else:
        out = _sample_numpy(channels, linear, offset, order, fill_mode, cval)
    return np.moveaxis(out, 0, channel_axis)


def apply_channel_shift(x, intensity, channel_axis=0):
    """Add ``intensity`` to every channel, clipped to the image's original value range."""
    x = np.asarray(x)
    lo, hi = np.min(x), np.max(x)
    return np.clip(x + intensity, lo, hi).astype(x.dtype, copy=False)


def apply_brightness_shift(x, brightness, scale=True):
    """Brightness times ``brightness`` (PIL's ImageEnhance.Brightness on 0..255 values)."""
    from PIL import ImageEnhance

    from lamina.preprocessing.image_utils import array_to_img, img_to_array

    x_min, x_max = np.min(x), np.max(x)
    local_scale = (x_min < 0) or (x_max > 255)
    img = array_to_img(x, scale=local_scale or scale)
    img = ImageEnhance.Brightness(img).enhance(brightness)
    out = img_to_array(img)
    if not scale and local_scale:
        out = out / 255 * (x_max - x_min) + x_min
    return out


def random_rotation(x, rg, row_axis=1, col_axis=2, channel_axis=0, fill_mode="nearest",
                    cval=0.0, interpolation_order=1):
    """Rotate by a random angle in ``[-rg, rg]`` degrees."""
    theta = np.random.uniform(-rg, rg)
    return apply_affine_transform(x, theta=theta, row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode, cval=cval,
                                  order=interpolation_order)


def random_shift(x, wrg, hrg, row_axis=1, col_axis=2, channel_axis=0, fill_mode="nearest",
                 cval=0.0, interpolation_order=1):
    """Shift by random fractions of the height (``hrg``) and width (``wrg``)."""
    h, w = x.shape[row_axis], x.shape[col_axis]
    tx = np.random.uniform(-hrg, hrg) * h
    ty = np.random.uniform(-wrg, wrg) * w
    return apply_affine_transform(x, tx=tx, ty=ty, row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode, cval=cval,
                                  order=interpolation_order)


def random_shear(x, intensity, row_axis=1, col_axis=2, channel_axis=0, fill_mode="nearest",
                 cval=0.0, interpolation_order=1):
    """Shear by a random angle in ``[-intensity, intensity]`` degrees."""
    shear = np.random.uniform(-intensity, intensity)
    return apply_affine_transform(x, shear=shear, row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode, cval=cval,
                                  order=interpolation_order)


def random_zoom(x, zoom_range, row_axis=1, col_axis=2, channel_axis=0, fill_mode="nearest",
                cval=0.0, interpolation_order=1):
    """Zoom by random factors drawn from ``zoom_range = (lower, upper)``."""
    if len(zoom_range) != 2:
        raise ValueError(f"`zoom_range` should be a tuple or list of two floats; got {zoom_range}")
    if zoom_range[0] == 1 and zoom_range[1] == 1:
        zx, zy = 1, 1
    else:
        zx, zy = np.random.uniform(zoom_range[0], zoom_range[1], 2)
    return apply_affine_transform(x, zx=zx, zy=zy, row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode, cval=cval,
                                  order=interpolation_order)


def random_channel_shift(x, intensity_range, channel_axis=0):
    """Channel shift by a random amount in ``[-intensity_range, intensity_range]``."""
    intensity = np.random.uniform(-intensity_range, intensity_range)
    return apply_channel_shift(x, intensity, channel_axis=channel_axis)


def random_brightness(x, brightness_range, scale=True):
    """Brightness shift by a random factor in ``brightness_range``."""
    if len(brightness_range) != 2:
        raise ValueError(
            f"`brightness_range` should be a tuple or list of two floats; got {brightness_range}"
        )
    u = np.random.uniform(brightness_range[0], brightness_range[1])
    return apply_brightness_shift(x, u, scale)
