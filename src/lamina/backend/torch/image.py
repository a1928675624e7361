"""``keras.ops.image`` on PyTorch: resizing, affine warps, crops, pads and colour spaces.

Images are ``(batch, height, width, channels)`` (or one image without the batch axis) in
``channels_last``; ``data_format="channels_first"`` takes ``(batch, channels, h, w)``.
"""

from __future__ import annotations

import functools
import itertools
import operator

import torch
import torch.nn.functional as F

from lamina import config
from lamina.backend.torch.core import convert_to_tensor, to_engine_dtype

_RESIZE = {"bilinear": "bilinear", "nearest": "nearest-exact", "bicubic": "bicubic",
           "area": "area"}
_ORDER = {"nearest": 0, "bilinear": 1}


def _t(x):
    return x if hasattr(x, "__torch_function__") else convert_to_tensor(x)


def _fmt(data_format):
    return data_format or config.image_data_format()


def _nchw(images, data_format):
    """(batch, channels, h, w) float view of the images, and how to undo it."""
    squeeze = images.ndim == 3
    x = images.unsqueeze(0) if squeeze else images
    if _fmt(data_format) == "channels_last":
        x = x.permute(0, 3, 1, 2)
    return x, squeeze


def _back(x, squeeze, data_format, dtype):
    if _fmt(data_format) == "channels_last":
        x = x.permute(0, 2, 3, 1)
    if squeeze:
        x = x.squeeze(0)
    if dtype != x.dtype:
        if not dtype.is_floating_point:
            x = torch.round(x)
            if dtype == torch.uint8:
                x = torch.clamp(x, 0, 255)
        x = x.to(dtype)
    return x


def resize(images, size, interpolation="bilinear", antialias=False, crop_to_aspect_ratio=False,
           pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0, data_format=None):
    """Resize to ``size = (height, width)``."""
    if interpolation not in _RESIZE:
        raise ValueError(f"resize: interpolation must be one of {sorted(_RESIZE)}; "
                         f"got {interpolation!r}")
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        raise ValueError("resize: give crop_to_aspect_ratio or pad_to_aspect_ratio, not both")
    images = _t(images)
    dtype = images.dtype
    x, squeeze = _nchw(images, data_format)
    if not x.is_floating_point():
        x = x.float()
    th, tw = (int(s) for s in size)
    h, w = x.shape[-2], x.shape[-1]
    if crop_to_aspect_ratio:
        ch = max(min(h, int(float(w * th) / tw)), 1)
        cw = max(min(w, int(float(h * tw) / th)), 1)
        hs, ws = int(float(h - ch) / 2), int(float(w - cw) / 2)
        x = x[:, :, hs:hs + ch, ws:ws + cw]
    elif pad_to_aspect_ratio:
        ph = max(h, int(float(w * th) / tw))
        pw = max(w, int(float(h * tw) / th))
        hs, ws = int(float(ph - h) / 2), int(float(pw - w) / 2)
        x = F.pad(x, [ws, ws, hs, hs], value=fill_value)
    if antialias and interpolation not in ("bilinear", "bicubic"):
        antialias = False
    align = False if interpolation in ("bilinear", "bicubic") else None
    out = F.interpolate(x, size=(th, tw), mode=_RESIZE[interpolation], align_corners=align,
                        antialias=antialias)
    return _back(out, squeeze, data_format, dtype)


def _mirror(index, size):
    s = size - 1
    return torch.abs((index + s) % (2 * s) - s) if s > 0 else torch.zeros_like(index)


def _reflect(index, size):
    return torch.floor_divide(_mirror(2 * index + 1, 2 * size + 1) - 1, 2)


_FIXERS = {
    "constant": lambda i, n: torch.clamp(i, 0, n - 1),
    "nearest": lambda i, n: torch.clamp(i, 0, n - 1),
    "wrap": lambda i, n: i % n,
    "mirror": _mirror,
    "reflect": _reflect,
}


def map_coordinates(inputs, coordinates, order, fill_mode="constant", fill_value=0.0):
    """Sample ``inputs`` at ``coordinates`` (one array per input axis) with spline ``order`` 0/1."""
    x = _t(inputs)
    coords = [_t(c) for c in coordinates]
    if len(coords) != x.ndim:
        raise ValueError(f"map_coordinates: need {x.ndim} coordinate arrays; got {len(coords)}")
    if fill_mode not in _FIXERS:
        raise ValueError(f"map_coordinates: fill_mode must be one of {sorted(_FIXERS)}")
    if order not in (0, 1):
        raise NotImplementedError("map_coordinates: only order 0 and 1 are supported")
    per_axis = []
    for c, size in zip(coords, x.shape):
        if order == 0:
            idx = (c if not c.is_floating_point() else torch.round(c)).to(torch.int64)
            nodes = [(idx, 1)]
        else:
            lower = torch.floor(c)
            w_up = c - lower
            idx = lower.to(torch.int64)
            nodes = [(idx, 1 - w_up), (idx + 1, w_up)]
        per_axis.append([(_FIXERS[fill_mode](i, size),
                          (i >= 0) & (i < size) if fill_mode == "constant" else None, w)
                         for i, w in nodes])
    outputs = []
    for items in itertools.product(*per_axis):
        indices, valids, weights = zip(*items)
        value = x[tuple(indices)]
        valids = [v for v in valids if v is not None]
        if valids:
            value = torch.where(functools.reduce(operator.and_, valids), value,
                                torch.as_tensor(fill_value, dtype=to_engine_dtype(value.dtype),
                                                device=value.device))
        outputs.append(functools.reduce(operator.mul, weights) * value)
    result = functools.reduce(operator.add, outputs)
    if not x.is_floating_point() and result.is_floating_point():
        result = torch.round(result)
    return result.to(x.dtype)


def affine_transform(images, transform, interpolation="bilinear", fill_mode="constant",
                     fill_value=0, data_format=None):
    """Warp by ``transform = [a0, a1, a2, b0, b1, b2, c0, c1]`` mapping output to input points."""
    if interpolation not in _ORDER:
        raise ValueError(f"affine_transform: interpolation must be one of {sorted(_ORDER)}")
    images, transform = _t(images), _t(transform)
    squeeze = images.ndim == 3
    x = images.unsqueeze(0) if squeeze else images
    if transform.ndim == 1:
        transform = transform.unsqueeze(0)
    if _fmt(data_format) == "channels_first":
        x = x.permute(0, 2, 3, 1)
    b, h, w, c = x.shape
    dt = to_engine_dtype(transform.dtype) if transform.is_floating_point() else torch.float32
    transform = transform.to(dt)
    yy, xx = torch.meshgrid(torch.arange(h, dtype=dt, device=x.device),
                            torch.arange(w, dtype=dt, device=x.device), indexing="ij")
    outs = []
    for i in range(b):
        a0, a1, a2, b0, b1, b2, c0, c1 = transform[i]
        k = c0 * xx + c1 * yy + 1
        src_x = (a0 * xx + a1 * yy + a2) / k
        src_y = (b0 * xx + b1 * yy + b2) / k
        chans = torch.arange(c, dtype=dt, device=x.device)
        coords = [src_y[..., None].expand(h, w, c), src_x[..., None].expand(h, w, c),
                  chans.expand(h, w, c)]
        outs.append(map_coordinates(x[i], coords, _ORDER[interpolation], fill_mode, fill_value))
    out = torch.stack(outs)
    if _fmt(data_format) == "channels_first":
        out = out.permute(0, 3, 1, 2)
    return out.squeeze(0) if squeeze else out


def _hw_axes(images, data_format):
    first = _fmt(data_format) == "channels_first"
    return (-2, -1) if first else (-3, -2)


def crop_images(images, top_cropping=None, left_cropping=None, bottom_cropping=None,
                right_cropping=None, target_height=None, target_width=None, data_format=None):
    images = _t(images)
    ha, wa = _hw_axes(images, data_format)
    h, w = images.shape[ha], images.shape[wa]
    top = top_cropping or 0
    left = left_cropping or 0
    if target_height is None:
        target_height = h - top - (bottom_cropping or 0)
    if target_width is None:
        target_width = w - left - (right_cropping or 0)
    if target_height <= 0 or target_width <= 0:
        raise ValueError(f"crop_images: the crop leaves no pixels of a {h}x{w} image")
    out = images.narrow(ha, top, target_height)
    return out.narrow(wa, left, target_width)


def pad_images(images, top_padding=None, left_padding=None, bottom_padding=None,
               right_padding=None, target_height=None, target_width=None, data_format=None):
    images = _t(images)
    ha, wa = _hw_axes(images, data_format)
    h, w = images.shape[ha], images.shape[wa]
    top, left = top_padding or 0, left_padding or 0
    bottom = bottom_padding if bottom_padding is not None else (
        target_height - h - top if target_height is not None else 0)
    right = right_padding if right_padding is not None else (
        target_width - w - left if target_width is not None else 0)
    if min(top, left, bottom, right) < 0:
        raise ValueError("pad_images: the target size is smaller than the image")
    pads = [0, 0] * (images.ndim)
    # F.pad lists (last dim first)
    pads[2 * (-wa - 1)], pads[2 * (-wa - 1) + 1] = left, right
    pads[2 * (-ha - 1)], pads[2 * (-ha - 1) + 1] = top, bottom
    return F.pad(images, pads)


def rgb_to_grayscale(images, data_format=None):
    images = _t(images)
    axis = -3 if _fmt(data_format) == "channels_first" else -1
    if images.shape[axis] == 1:
        return images.clone()
    r, g, b = images.unbind(dim=axis)
    out = (0.2989 * r + 0.587 * g + 0.114 * b).to(images.dtype)
    return out.unsqueeze(axis)


def rgb_to_hsv(images, data_format=None):
    images = _t(images)
    axis = -1 if _fmt(data_format) == "channels_last" else -3
    eps = torch.finfo(to_engine_dtype(images.dtype)).eps
    images = torch.where(torch.abs(images) < eps, 0.0, images)
    r, g, b = images.unbind(dim=axis)
    value = torch.maximum(torch.maximum(r, g), b)
    range_ = value - torch.minimum(torch.minimum(r, g), b)
    safe_value = torch.where(value > 0, value, 1.0)
    safe_range = torch.where(range_ > 0, range_, 1.0)
    saturation = torch.where(value > 0, range_ / safe_value, 0.0)
    norm = 1.0 / (6.0 * safe_range)
    hue = torch.where(torch.eq(value, g), norm * (b - r) + 2.0 / 6.0, norm * (r - g) + 4.0 / 6.0)
    hue = torch.where(torch.eq(value, r), norm * (g - b), hue)
    hue = torch.where(range_ > 0, hue, 0.0) + (hue < 0.0).to(hue.dtype)
    return torch.stack([hue, saturation, value], dim=axis)


def hsv_to_rgb(images, data_format=None):
    images = _t(images)
    axis = -1 if _fmt(data_format) == "channels_last" else -3
    hue, saturation, value = images.unbind(dim=axis)
    dh = torch.remainder(hue, 1.0) * 6.0
    dr = torch.clamp(torch.abs(dh - 3.0) - 1.0, 0.0, 1.0)
    dg = torch.clamp(2.0 - torch.abs(dh - 2.0), 0.0, 1.0)
    db = torch.clamp(2.0 - torch.abs(dh - 4.0), 0.0, 1.0)
    one_minus_s = 1.0 - saturation
    return torch.stack([value * (one_minus_s + saturation * d) for d in (dr, dg, db)], dim=axis)


def extract_patches(images, size, strides=None, dilation_rate=1, padding="valid",
                    data_format=None):
    """Patches of ``size`` as channels: ``(batch, rows, cols, ph * pw * channels)``."""
    images = _t(images)
    size = (size, size) if isinstance(size, int) else tuple(size)
    strides = size if strides is None else ((strides, strides) if isinstance(strides, int)
                                            else tuple(strides))
    x, squeeze = _nchw(images, data_format)
    c = x.shape[1]
    if padding == "same":
        pads = []
        for dim, k, s in zip(x.shape[-2:], size, strides):
            eff = (k - 1) * dilation_rate + 1
            out = -(-dim // s)
            total = max((out - 1) * s + eff - dim, 0)
            pads.append((total // 2, total - total // 2))
        x = F.pad(x, [pads[1][0], pads[1][1], pads[0][0], pads[0][1]])
    h, w = x.shape[-2:]
    dtype = x.dtype
    if not x.is_floating_point():
        # torch's unfold has no integer kernels; patches only copy values, so a float wide
        # enough to hold them exactly gives Keras' result, in the input's dtype
        x = x.to(torch.float64 if dtype in (torch.int32, torch.int64) else torch.float32)
    cols = F.unfold(x, size, dilation=dilation_rate, stride=strides)  # (b, c*kh*kw, L)
    oh = (h - (size[0] - 1) * dilation_rate - 1) // strides[0] + 1
    ow = (w - (size[1] - 1) * dilation_rate - 1) // strides[1] + 1
    b = x.shape[0]
    # Keras orders the patch as (kh, kw, c) when channels_last
    cols = cols.reshape(b, c, size[0] * size[1], oh, ow)
    if _fmt(data_format) == "channels_last":
        out = cols.permute(0, 3, 4, 2, 1).reshape(b, oh, ow, -1)
    else:
        out = cols.reshape(b, c * size[0] * size[1], oh, ow)
    out = out.to(dtype)
    return out.squeeze(0) if squeeze else out


def gaussian_blur(images, kernel_size=(3, 3), sigma=(1.0, 1.0), data_format=None):
    """Keras' ``ops.image.gaussian_blur``: zero padding at the borders (checked against Keras
    in tests/conformance/test_ops_array_likes.py); see ``gaussian_blur_zero_padded`` below."""
    return gaussian_blur_zero_padded(images, kernel_size, sigma, data_format)


__all__ = ["affine_transform", "crop_images", "extract_patches", "gaussian_blur", "hsv_to_rgb",
           "map_coordinates", "pad_images", "resize", "rgb_to_grayscale", "rgb_to_hsv"]


# -- separable resampling kernels (the weights of scale_and_translate, TF's area, gaussian and
#    mitchellcubic)
#
# Not in ``__all__``: ``lamina.layers.Resizing`` calls them for the interpolations torch's
# ``F.interpolate`` lacks (lanczos3/5, gaussian, mitchellcubic) and for TF's area. The public
# ``ops.image.scale_and_translate`` is in image_warps.py.


def _triangle_kernel(x):
    return torch.clamp(1.0 - x, min=0.0)


def _keys_cubic_kernel(x):
    # Keys' cubic convolution with a = -0.5 (what scale_and_translate calls "cubic")
    near = ((1.5 * x - 2.5) * x) * x + 1.0
    far = ((-0.5 * x + 2.5) * x - 4.0) * x + 2.0
    return torch.where(x >= 2.0, 0.0, torch.where(x >= 1.0, far, near))


def _lanczos_kernel(radius):
    def kernel(x):
        y = radius * torch.sin(torch.pi * x) * torch.sin(torch.pi * x / radius)
        safe = torch.where(torch.ne(x, 0), torch.pi**2 * x**2, 1.0)
        out = torch.where(x > 1e-3, y / safe, 1.0)
        return torch.where(x > radius, 0.0, out)
    return kernel


def _gaussian_kernel(x):
    # TF's: radius 1.5, sigma = radius / 3
    sigma = 0.5
    return torch.where(x >= 1.5, 0.0, torch.exp(-(x * x) / (2 * sigma * sigma)))


def _mitchell_cubic_kernel(x):
    # Mitchell-Netravali with B = C = 1/3, radius 2
    near = (7.0 / 6.0) * x**3 - 2.0 * x**2 + 8.0 / 9.0
    far = (-7.0 / 18.0) * x**3 + 2.0 * x**2 - (10.0 / 3.0) * x + 16.0 / 9.0
    return torch.where(x >= 2.0, 0.0, torch.where(x >= 1.0, far, near))


_SEPARABLE_KERNELS = {
    "linear": _triangle_kernel, "cubic": _keys_cubic_kernel,
    "lanczos3": _lanczos_kernel(3.0), "lanczos5": _lanczos_kernel(5.0),
    "gaussian": _gaussian_kernel, "mitchellcubic": _mitchell_cubic_kernel,
}


def _weight_matrix(in_size, out_size, scale, translation, kernel, antialias, dtype, device):
    """(in_size, out_size) weights: column ``j`` samples output pixel ``j`` from the input."""
    inv_scale = 1.0 / scale
    kernel_scale = max(inv_scale, 1.0) if antialias else 1.0
    sample = ((torch.arange(out_size, dtype=dtype, device=device) + 0.5) * inv_scale
              - translation * inv_scale - 0.5)
    dist = torch.abs(sample[None, :] - torch.arange(in_size, dtype=dtype, device=device)[:, None])
    weights = kernel(dist / kernel_scale)
    total = weights.sum(dim=0, keepdim=True)
    # columns whose weights sum to ~0 sample nothing (as Keras/JAX); the rest are normalised
    weights = torch.where(torch.abs(total) > 1000.0 * float(torch.finfo(torch.float32).eps),
                          weights / torch.where(torch.ne(total, 0), total, 1.0), 0.0)
    inside = (sample >= -0.5) & (sample <= in_size - 0.5)
    return torch.where(inside[None, :], weights, 0.0)


def _area_matrix(in_size, out_size, dtype, device):
    """TF's ``resize_area``: each output pixel averages the input span it covers."""
    step = in_size / out_size
    starts = torch.arange(out_size, dtype=torch.float64, device=device) * step
    ends = starts + step
    lo = torch.arange(in_size, dtype=torch.float64, device=device)[:, None]
    overlap = torch.clamp(torch.minimum(ends[None, :], lo + 1) - torch.maximum(starts[None, :], lo),
                          min=0.0)
    return (overlap / step).to(dtype)


def _aspect_crop_or_pad(x, size, crop, pad, fill_value):
    """NCHW images cut (or padded with ``fill_value``) to the aspect ratio of ``size``."""
    th, tw = size
    h, w = x.shape[-2], x.shape[-1]
    if crop:
        ch = max(min(h, int(float(w * th) / tw)), 1)
        cw = max(min(w, int(float(h * tw) / th)), 1)
        hs, ws = int(float(h - ch) / 2), int(float(w - cw) / 2)
        return x[:, :, hs:hs + ch, ws:ws + cw]
    if pad:
        ph = max(h, int(float(w * th) / tw))
        pw = max(w, int(float(h * tw) / th))
        hs, ws = int(float(ph - h) / 2), int(float(pw - w) / 2)
        return F.pad(x, [ws, ws, hs, hs], value=float(fill_value))
    return x


def resize_separable(images, size, interpolation, antialias=False, crop_to_aspect_ratio=False,
                     pad_to_aspect_ratio=False, fill_value=0.0, data_format=None):
    """Resize with a separable kernel: ``"lanczos3"``, ``"lanczos5"``, ``"gaussian"``,
    ``"mitchellcubic"`` (as ``scale_and_translate``/``tf.image.resize``) or TF's ``"area"``.

    Integer images are rounded and saturated back to their dtype.
    """
    if interpolation != "area" and interpolation not in _SEPARABLE_KERNELS:
        raise ValueError(f"resize_separable: interpolation must be 'area' or one of "
                         f"{sorted(_SEPARABLE_KERNELS)}; got {interpolation!r}")
    images = _t(images)
    dtype = images.dtype
    x, squeeze = _nchw(images, data_format)
    if not x.is_floating_point():
        x = x.float()
    th, tw = (int(s) for s in size)
    x = _aspect_crop_or_pad(x, (th, tw), crop_to_aspect_ratio, pad_to_aspect_ratio, fill_value)
    h, w = x.shape[-2], x.shape[-1]
    if interpolation == "area":
        wh, ww = _area_matrix(h, th, x.dtype, x.device), _area_matrix(w, tw, x.dtype, x.device)
    else:
        kernel = _SEPARABLE_KERNELS[interpolation]
        wh = _weight_matrix(h, th, th / h, 0.0, kernel, antialias, x.dtype, x.device)
        ww = _weight_matrix(w, tw, tw / w, 0.0, kernel, antialias, x.dtype, x.device)
    out = torch.einsum("nchw,hp,wq->ncpq", x, wh, ww)
    if not dtype.is_floating_point:
        info = torch.iinfo(dtype)
        out = torch.clamp(torch.round(out), info.min, info.max)
    return _back(out, squeeze, data_format, dtype)


# -- projective warps (Keras' perspective_transform), also outside ``__all__`` for now


def compute_homography_matrix(start_points, end_points):
    """``(N, 8)`` homographies mapping each of the four ``end_points`` (output pixels) onto
    its ``start_points`` (input pixels); points are ``(N, 4, 2)`` as ``(x, y)``."""
    start, end = _t(start_points), _t(end_points)
    dtype = start.dtype if start.is_floating_point() else torch.float32
    # solved in float64: the 8x8 system is badly conditioned for large images
    s, e = start.to(torch.float64), end.to(torch.float64)
    xs, ys, xe, ye = s[..., 0], s[..., 1], e[..., 0], e[..., 1]
    one, zero = torch.ones_like(xe), torch.zeros_like(xe)
    rows_x = torch.stack([xe, ye, one, zero, zero, zero, -xs * xe, -xs * ye], dim=-1)
    rows_y = torch.stack([zero, zero, zero, xe, ye, one, -ys * xe, -ys * ye], dim=-1)
    a = torch.stack([rows_x, rows_y], dim=-2).reshape(*xs.shape[:-1], 8, 8)
    b = torch.stack([xs, ys], dim=-1).reshape(*xs.shape[:-1], 8)
    return torch.linalg.solve(a, b).to(dtype)


def perspective_transform(images, start_points, end_points, interpolation="bilinear",
                          fill_value=0, data_format=None):
    """Warp so the four ``start_points`` land on the ``end_points`` (outside: ``fill_value``)."""
    start, end = _t(start_points), _t(end_points)
    if start.shape[-2:] != (4, 2) or start.shape != end.shape:
        raise ValueError("perspective_transform: start_points and end_points must both be "
                         f"(4, 2) or (N, 4, 2); got {tuple(start.shape)} and {tuple(end.shape)}")
    if start.ndim == 2:
        start, end = start.unsqueeze(0), end.unsqueeze(0)
    images = _t(images)
    transform = compute_homography_matrix(start.to(torch.float32), end.to(torch.float32))
    batch = images.shape[0] if images.ndim == 4 else 1
    if transform.shape[0] == 1 and batch > 1:
        transform = transform.expand(batch, 8)
    return affine_transform_batched(images, transform, interpolation=interpolation,
                                    fill_mode="constant", fill_value=fill_value,
                                    data_format=data_format)


def elastic_transform(images, alpha=20.0, sigma=5.0, interpolation="bilinear",
                      fill_mode="reflect", fill_value=0.0, seed=None, data_format=None):
    """Displace every pixel by a smooth random field: Gaussian noise blurred by ``sigma``
    (a ``6 * sigma`` kernel) and scaled by ``alpha * sigma`` (as Keras). ``seed`` is an int or
    a ``torch.Generator``."""
    if interpolation not in _ORDER:
        raise ValueError(f"elastic_transform: interpolation must be one of {sorted(_ORDER)}")
    if fill_mode not in _FIXERS:
        raise ValueError(f"elastic_transform: fill_mode must be one of {sorted(_FIXERS)}")
    images = _t(images)
    squeeze = images.ndim == 3
    x = images.unsqueeze(0) if squeeze else images
    if _fmt(data_format) == "channels_first":
        x = x.permute(0, 2, 3, 1)
    b, h, w, c = x.shape
    dt = x.dtype if x.is_floating_point() else torch.float32
    alpha, sigma = float(alpha), float(sigma)
    gen = seed if isinstance(seed, torch.Generator) else None
    if gen is None:
        gen = torch.Generator(device=x.device)
        gen.manual_seed(int(seed) if seed is not None else int(torch.randint(0, 2**62, (1,))))
    size = int(6 * sigma) | 1
    fields = torch.randn((2 * b, h, w, 1), generator=gen, dtype=dt, device=x.device) * sigma
    # zero-padded, as Keras blurs the field (so displacements fade at the borders)
    fields = gaussian_blur_zero_padded(fields, (size, size), (sigma, sigma),
                                       data_format="channels_last")
    dx, dy = fields[:b, ..., 0], fields[b:, ..., 0]
    yy, xx = torch.meshgrid(torch.arange(h, dtype=dt, device=x.device),
                            torch.arange(w, dtype=dt, device=x.device), indexing="ij")
    values = x if x.is_floating_point() else x.to(dt)
    out = _sample_images(values, yy + alpha * dy, xx + alpha * dx, _ORDER[interpolation],
                         fill_mode, fill_value)
    if not x.is_floating_point():
        out = torch.round(out)
    out = out.to(x.dtype)
    if _fmt(data_format) == "channels_first":
        out = out.permute(0, 3, 1, 2)
    return out.squeeze(0) if squeeze else out


def _seeded_sample(distribution, generator, dtype):
    """One draw of a torch distribution, repeatable from ``generator``: torch's Beta, Gamma
    and Dirichlet samplers only read the global generator, so they run on a forked global
    state seeded from ``generator``."""
    seed = int(torch.randint(0, 2**62, (1,), generator=generator).item()) \
        if generator is not None else None
    device = generator.device if generator is not None else torch.device("cpu")
    with torch.random.fork_rng(devices=[device] if device.type != "cpu" else []):
        if seed is not None:
            torch.manual_seed(seed)
        out = distribution.sample()
    return out.to(device=device, dtype=_dtype(dtype))


def sample_beta(shape, concentration1, concentration0, generator=None, dtype=torch.float32):
    """Beta(concentration1, concentration0) draws of ``shape``, repeatable from ``generator``."""
    a = torch.full(tuple(shape), float(concentration1), dtype=torch.float32)
    b = torch.full(tuple(shape), float(concentration0), dtype=torch.float32)
    return _seeded_sample(torch.distributions.Beta(a, b), generator, dtype)


def sample_dirichlet(concentration, generator=None, dtype=torch.float32):
    """One Dirichlet draw with the given concentrations, repeatable from ``generator``."""
    alpha = torch.as_tensor([float(c) for c in concentration], dtype=torch.float32)
    return _seeded_sample(torch.distributions.Dirichlet(alpha), generator, dtype)


def _dtype(dtype):
    from lamina.backend.torch.core import to_engine_dtype
    return dtype if isinstance(dtype, torch.dtype) else to_engine_dtype(dtype)


def gaussian_blur_zero_padded(images, kernel_size=(3, 3), sigma=(1.0, 1.0), data_format=None):
    """Keras' Gaussian blur: zero "same" padding (``gaussian_blur`` above pads by reflection),
    ``kernel_size = (height, width)`` and ``sigma = (x, y)``: columns blur with ``sigma[0]``,
    rows with ``sigma[1]``. Kernel sizes are odd."""
    images = _t(images)
    dtype = images.dtype
    x, squeeze = _nchw(images, data_format)
    if not x.is_floating_point():
        x = x.float()
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    sx, sy = (sigma, sigma) if isinstance(sigma, (int, float)) else (float(s) for s in sigma)

    def kernel1d(n, s):
        r = torch.arange(n, dtype=to_engine_dtype(x.dtype), device=x.device) - (n - 1) / 2
        k = torch.exp(-0.5 * (r / s) ** 2)
        return k / k.sum()

    c = x.shape[1]
    # the 2-D kernel is an outer product, so rows then columns: same numbers, (kh + kw)
    # multiplies per pixel instead of kh * kw (the elastic field's 6-sigma kernels are large)
    rows = kernel1d(int(kh), sy).reshape(1, 1, -1, 1).expand(c, 1, -1, 1)
    cols = kernel1d(int(kw), sx).reshape(1, 1, 1, -1).expand(c, 1, 1, -1)
    out = F.conv2d(x, rows, padding=(int(kh) // 2, 0), groups=c)
    out = F.conv2d(out, cols, padding=(0, int(kw) // 2), groups=c)
    return _back(out, squeeze, data_format, dtype)


def clahe(images, clip_limit=4.0, tile_grid_size=(8, 8)):
    """Contrast-limited adaptive histogram equalisation of ``(N, H, W, C)`` images on the
    [0, 255] scale (float32 out): per-tile 256-bin histograms, clipped at
    ``int(clip_limit * tile_area / 256)`` with the excess spread evenly, mapped through their
    normalised CDFs and blended bilinearly between the four nearest tile centres (Keras'
    recipe)."""
    x = _t(images).to(torch.float32)
    n, h, w, c = x.shape
    gh, gw = (int(v) for v in tile_grid_size)
    th, tw = -(-h // gh), -(-w // gw)
    ph, pw = th * gh - h, tw * gw - w
    if ph or pw:
        # numpy's "symmetric" padding: the edge pixel repeated, then the image mirrored
        rows = torch.cat([torch.arange(h), h - 1 - torch.arange(ph) % h]) if ph else torch.arange(h)
        cols = torch.cat([torch.arange(w), w - 1 - torch.arange(pw) % w]) if pw else torch.arange(w)
        x = x[:, rows.to(x.device)][:, :, cols.to(x.device)]
    levels = torch.clamp(x.to(torch.int64), 0, 255)
    tiles = levels.reshape(n, gh, th, gw, tw, c).permute(0, 1, 3, 5, 2, 4).reshape(
        n, gh, gw, c, th * tw)
    hist = torch.zeros(n, gh, gw, c, 256, dtype=torch.float32, device=x.device)
    hist.scatter_add_(-1, tiles, torch.ones_like(tiles, dtype=torch.float32))
    area = float(th * tw)
    if clip_limit > 0:
        # the limit is cut to a whole count, as Keras does (OpenCV also keeps it >= 1)
        clipped = torch.clamp(hist, max=float(int(float(clip_limit) * area / 256.0)))
        hist = clipped + (hist - clipped).sum(-1, keepdim=True) / 256.0
    cdf = torch.cumsum(hist, -1)
    cdf_min = cdf.amin(-1, keepdim=True)
    denominator = area - cdf_min
    denominator = torch.where(torch.eq(denominator, 0), torch.ones_like(denominator), denominator)
    table = torch.clamp((cdf - cdf_min) * 255.0 / denominator, 0, 255)
    # one ring of tiles copied outwards, so border pixels blend with themselves
    table = torch.cat([table[:, :1], table, table[:, -1:]], 1)
    table = torch.cat([table[:, :, :1], table, table[:, :, -1:]], 2)  # (n, gh+2, gw+2, c, 256)

    def axis_weights(size, tile, grid):
        pos = (torch.arange(size, dtype=torch.float32, device=x.device) - tile / 2.0) / tile + 1
        low = torch.floor(pos)
        frac = pos - low
        return (torch.clamp(low, 0, grid + 1).long(), torch.clamp(low + 1, 0, grid + 1).long(),
                frac)

    y0, y1, wy = axis_weights(th * gh, th, gh)
    x0, x1, wx = axis_weights(tw * gw, tw, gw)
    b = torch.arange(n, device=x.device)[:, None, None, None]
    ch = torch.arange(c, device=x.device)[None, None, None, :]

    def look(yi, xi):
        return table[b, yi[None, :, None, None], xi[None, None, :, None], ch, levels]

    wy, wx = wy[None, :, None, None], wx[None, None, :, None]
    top = look(y0, x0) * (1 - wx) + look(y0, x1) * wx
    bottom = look(y1, x0) * (1 - wx) + look(y1, x1) * wx
    return (top * (1 - wy) + bottom * wy)[:, :h, :w, :]


# -- a batched sampler: the per-image map_coordinates loop above costs ~20 s for 32 images of
#    128x128x3 on two CPU cores; gathering the whole batch at once takes ~0.1 s


def _sample_images(x, src_y, src_x, order, fill_mode, fill_value):
    """``(N, H, W, C)`` images read at ``(N, h, w)`` source points, as ``map_coordinates``
    does per image (same rounding, weights and fill rules), for the whole batch at once."""
    n, h, w, c = x.shape
    fixer = _FIXERS[fill_mode]
    batch = torch.arange(n, device=x.device)[:, None, None]

    def nodes(coord, size):
        if order == 0:
            idx = torch.round(coord).to(torch.int64)
            return [(idx, None)]
        low = torch.floor(coord)
        frac = coord - low
        idx = low.to(torch.int64)
        return [(idx, 1 - frac), (idx + 1, frac)]

    fill = torch.as_tensor(fill_value, dtype=x.dtype, device=x.device)
    out = None
    for iy, wy in nodes(src_y, h):
        for ix, wx in nodes(src_x, w):
            value = x[batch, fixer(iy, h), fixer(ix, w)]  # (N, h, w, C)
            if fill_mode == "constant":
                inside = (iy >= 0) & (iy < h) & (ix >= 0) & (ix < w)
                value = torch.where(inside[..., None], value, fill)
            if wy is not None:
                value = value * (wy * wx)[..., None]
            out = value if out is None else out + value
    return out


def affine_transform_batched(images, transform, interpolation="bilinear", fill_mode="constant",
                             fill_value=0, data_format=None):
    """``affine_transform`` (same arguments, same numbers) with the batch sampled at once."""
    if interpolation not in _ORDER:
        raise ValueError(f"affine_transform: interpolation must be one of {sorted(_ORDER)}; "
                         f"got {interpolation!r}")
    if fill_mode not in _FIXERS:
        raise ValueError(f"affine_transform: fill_mode must be one of {sorted(_FIXERS)}; "
                         f"got {fill_mode!r}")
    images, transform = _t(images), _t(transform)
    squeeze = images.ndim == 3
    x = images.unsqueeze(0) if squeeze else images
    if transform.ndim == 1:
        transform = transform.unsqueeze(0)
    if _fmt(data_format) == "channels_first":
        x = x.permute(0, 2, 3, 1)
    n, h, w, _ = x.shape
    dt = transform.dtype if transform.is_floating_point() else torch.float32
    t = transform.to(device=x.device, dtype=dt).expand(n, 8)[:, :, None, None]
    yy, xx = torch.meshgrid(torch.arange(h, dtype=dt, device=x.device),
                            torch.arange(w, dtype=dt, device=x.device), indexing="ij")
    k = t[:, 6] * xx + t[:, 7] * yy + 1
    src_x = (t[:, 0] * xx + t[:, 1] * yy + t[:, 2]) / k
    src_y = (t[:, 3] * xx + t[:, 4] * yy + t[:, 5]) / k
    values = x if x.is_floating_point() else x.to(dt)
    out = _sample_images(values, src_y, src_x, _ORDER[interpolation], fill_mode, fill_value)
    if not x.is_floating_point():
        out = torch.round(out)
    out = out.to(x.dtype)
    if _fmt(data_format) == "channels_first":
        out = out.permute(0, 3, 1, 2)
    return out.squeeze(0) if squeeze else out
