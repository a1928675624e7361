"""Image warps on PyTorch that resample through a coordinate map (Keras' ``ops.image``).

``perspective_transform`` (a homography from four point pairs), ``elastic_transform`` (a
smoothed random displacement field) and ``scale_and_translate`` (separable resampling with
antialiasing kernels, as JAX's ``jax.image.scale_and_translate``). The first two sample with
``image.map_coordinates`` / ``image.affine_transform``, so fill modes and interpolation match
the other warps.

>>> import numpy as np
>>> corners = np.float32([[0, 0], [3, 0], [0, 3], [3, 3]])
>>> img = np.arange(16, dtype="float32").reshape(1, 4, 4, 1)
>>> out = perspective_transform(img, corners, corners)  # the identity homography
>>> bool((out == convert_to_tensor(img)).all())
True
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch.overrides import handle_torch_function, has_torch_function

from lamina import config
from lamina.backend.torch.core import convert_to_tensor, to_engine_dtype
from lamina.backend.torch.image import _ORDER, affine_transform, map_coordinates
from lamina.backend.torch.random import make_generator


def _t(x, dtype=None):
    if hasattr(x, "__torch_function__"):
        return x if dtype is None else x.to(dtype)
    return convert_to_tensor(x, dtype)


def _float_dtype(*dtypes):
    dt = dtypes[0]
    for other in dtypes[1:]:
        dt = torch.promote_types(dt, other)
    return dt if dt.is_floating_point else to_engine_dtype(config.floatx())


# -- perspective_transform ---------------------------------------------------------------------


def _homography(start_points, end_points):
    """The 8 coefficients mapping each of ``end_points`` onto the matching start point.

    Per point pair the projective map ``x_s = (h0 x + h1 y + h2) / (h6 x + h7 y + 1)`` (and
    ``y_s`` with h3, h4, h5) gives two linear equations in h; four pairs give eight.
    """
    xe, ye = end_points[..., 0], end_points[..., 1]
    xs, ys = start_points[..., 0], start_points[..., 1]
    one, zero = torch.ones_like(xe), torch.zeros_like(xe)
    rows_x = torch.stack([xe, ye, one, zero, zero, zero, -xs * xe, -xs * ye], dim=-1)
    rows_y = torch.stack([zero, zero, zero, xe, ye, one, -ys * xe, -ys * ye], dim=-1)
    a = torch.stack([rows_x, rows_y], dim=-2).reshape(*xe.shape[:-1], 8, 8)
    b = torch.stack([xs, ys], dim=-1).reshape(*xe.shape[:-1], 8, 1)
    solve_dt = torch.promote_types(a.dtype, torch.float32)  # the solver wants >= float32
    return torch.linalg.solve(a.to(solve_dt), b.to(solve_dt))[..., 0].to(a.dtype)


def perspective_transform(images, start_points, end_points, interpolation="bilinear",
                          fill_value=0, data_format=None):
    """Warp so that ``start_points`` (4 ``(x, y)`` corners, per image or shared) land on
    ``end_points``; pixels from outside the image are ``fill_value``."""
    if has_torch_function((images, start_points, end_points)):  # symbolic inputs: one recorded call
        return handle_torch_function(
            perspective_transform, (images, start_points, end_points), images, start_points,
            end_points, interpolation=interpolation, fill_value=fill_value, data_format=data_format)
    if interpolation not in _ORDER:
        raise ValueError(f"perspective_transform: interpolation must be one of "
                         f"{sorted(_ORDER)}; got {interpolation!r}")
    images = _t(images)
    if images.ndim not in (3, 4):
        raise ValueError("perspective_transform: images must have rank 3 or 4; got shape "
                         f"{tuple(images.shape)}")
    dt = images.dtype if images.is_floating_point() else torch.float32
    start, end = _t(start_points, dt), _t(end_points, dt)
    for name, p in (("start_points", start), ("end_points", end)):
        if tuple(p.shape[-2:]) != (4, 2) or p.ndim not in (2, 3):
            raise ValueError(f"perspective_transform: {name} must have shape (4, 2) or "
                             f"(batch, 4, 2); got {tuple(p.shape)}")
    if start.shape != end.shape:
        raise ValueError("perspective_transform: start_points and end_points differ in shape: "
                         f"{tuple(start.shape)} and {tuple(end.shape)}")
    transform = _homography(start.reshape(-1, 4, 2), end.reshape(-1, 4, 2))
    batch = images.shape[0] if images.ndim == 4 else 1
    if transform.shape[0] == 1 and batch > 1:
        transform = transform.expand(batch, 8)
    return affine_transform(images, transform, interpolation, "constant", fill_value,
                            data_format)


# -- elastic_transform -------------------------------------------------------------------------


def _blur_zero_padded(x, size, sigma):
    """Gaussian blur of (batch, h, w) fields with zero "same" padding (as Keras' blur)."""
    r = torch.arange(size, dtype=x.dtype, device=x.device) - (size - 1) / 2
    k = torch.exp(-0.5 * (r / sigma) ** 2)
    k = k / k.sum()
    kernel = torch.outer(k, k)[None, None]
    return F.conv2d(x[:, None], kernel, padding=size // 2)[:, 0]


def elastic_transform(images, alpha=20.0, sigma=5.0, interpolation="bilinear",
                      fill_mode="reflect", fill_value=0.0, seed=None, data_format=None):
    """Displace every pixel by ``alpha`` times a Gaussian-smoothed (``sigma``) random field.

    The field is two draws of N(0, 1) times ``sigma`` per image, blurred with a
    ``int(6 * sigma) | 1`` kernel. ``seed`` (an int or an engine generator) makes it
    repeatable; without one the engine's global generator draws it, as Keras does.
    """
    if has_torch_function((images,)):  # symbolic inputs: one recorded call
        return handle_torch_function(
            elastic_transform, (images,), images, alpha=alpha, sigma=sigma,
            interpolation=interpolation, fill_mode=fill_mode, fill_value=fill_value, seed=seed,
            data_format=data_format)
    if interpolation not in _ORDER:
        raise ValueError(f"elastic_transform: interpolation must be one of {sorted(_ORDER)}; "
                         f"got {interpolation!r}")
    images = _t(images)
    if images.ndim not in (3, 4):
        raise ValueError("elastic_transform: images must have rank 3 or 4; got shape "
                         f"{tuple(images.shape)}")
    alpha, sigma = float(alpha), float(sigma)
    squeeze = images.ndim == 3
    x = images.unsqueeze(0) if squeeze else images
    last = (data_format or config.image_data_format()) == "channels_last"
    if not last:
        x = x.permute(0, 2, 3, 1)
    b, h, w, c = x.shape
    dt = x.dtype if x.is_floating_point() else to_engine_dtype(config.floatx())
    g = None if seed is None else (seed if isinstance(seed, torch.Generator)
                                   else make_generator(int(seed)))
    dx = torch.normal(0.0, 1.0, size=(b, h, w), generator=g, dtype=dt, device=x.device) * sigma
    dy = torch.normal(0.0, 1.0, size=(b, h, w), generator=g, dtype=dt, device=x.device) * sigma
    size = int(6 * sigma) | 1
    dx, dy = _blur_zero_padded(dx, size, sigma), _blur_zero_padded(dy, size, sigma)
    yy, xx = torch.meshgrid(torch.arange(h, dtype=dt, device=x.device),
                            torch.arange(w, dtype=dt, device=x.device), indexing="ij")
    chans = torch.arange(c, dtype=dt, device=x.device).expand(h, w, c)
    outs = []
    for i in range(b):
        src_y = (yy + alpha * dy[i])[..., None].expand(h, w, c)
        src_x = (xx + alpha * dx[i])[..., None].expand(h, w, c)
        outs.append(map_coordinates(x[i], [src_y, src_x, chans], _ORDER[interpolation],
                                    fill_mode, fill_value))
    out = torch.stack(outs)
    if not last:
        out = out.permute(0, 3, 1, 2)
    return out.squeeze(0) if squeeze else out


# -- scale_and_translate -----------------------------------------------------------------------


def _triangle(x):
    return torch.clamp(1.0 - x, min=0.0)


def _keys_cubic(x):
    # Keys' cubic convolution kernel with a = -0.5, on |x|
    near = ((1.5 * x - 2.5) * x) * x + 1.0
    far = ((-0.5 * x + 2.5) * x - 4.0) * x + 2.0
    return torch.where(x >= 2.0, 0.0, torch.where(x >= 1.0, far, near))


def _lanczos(radius):
    def kernel(x):
        safe = torch.where(x != 0, np.pi**2 * x**2, 1.0)
        y = radius * torch.sin(np.pi * x) * torch.sin(np.pi * x / radius) / safe
        return torch.where(x > radius, 0.0, torch.where(x > 1e-3, y, 1.0))
    return kernel


_KERNELS = {"linear": _triangle, "cubic": _keys_cubic, "lanczos3": _lanczos(3.0),
            "lanczos5": _lanczos(5.0)}
_METHODS = {"linear": "linear", "bilinear": "linear", "trilinear": "linear",
            "triangle": "linear", "cubic": "cubic", "bicubic": "cubic", "tricubic": "cubic",
            "lanczos3": "lanczos3", "lanczos5": "lanczos5"}


def _weights(in_size, out_size, scale, translation, kernel, antialias):
    """(in_size, out_size): column j holds the input weights of output sample j."""
    inv = 1.0 / scale
    widen = torch.clamp(inv, min=1.0) if antialias else 1.0  # antialias: a wider kernel
    centers = (torch.arange(out_size, dtype=scale.dtype, device=scale.device) + 0.5) * inv \
        - translation * inv - 0.5
    grid = torch.arange(in_size, dtype=scale.dtype, device=scale.device)[:, None]
    w = kernel(torch.abs(centers[None, :] - grid) / widen)
    total = w.sum(dim=0, keepdim=True)
    eps = 1000.0 * float(np.finfo(np.float32).eps)
    w = torch.where(torch.abs(total) > eps, w / torch.where(total != 0, total, 1.0), 0.0)
    inside = (centers >= -0.5) & (centers <= in_size - 0.5)
    return torch.where(inside[None, :], w, 0.0)


def scale_and_translate(images, output_shape, scale, translation, spatial_dims, method,
                        antialias=True):
    """Resample the ``spatial_dims`` of ``images`` to ``output_shape``: output sample ``j`` of
    a dimension reads input position ``(j + 0.5 - translation) / scale - 0.5`` through
    ``method``'s kernel (widened by ``1 / scale`` when shrinking, with ``antialias``)."""
    if has_torch_function((images, scale, translation)):  # symbolic inputs: one recorded call
        return handle_torch_function(
            scale_and_translate, (images, scale, translation), images, output_shape, scale,
            translation, spatial_dims, method, antialias=antialias)
    if method not in _METHODS:
        raise ValueError(f"scale_and_translate: method must be one of {sorted(_METHODS)}; "
                         f"got {method!r}")
    kernel = _KERNELS[_METHODS[method]]
    x = _t(images)
    scale, translation = _t(scale), _t(translation)
    dt = _float_dtype(scale.dtype, translation.dtype)
    scale, translation = scale.to(dt), translation.to(dt)
    spatial_dims = tuple(spatial_dims)
    if not spatial_dims:
        return x
    integer = not x.is_floating_point()
    out = x.to(torch.float32) if integer else x.clone()
    for i, d in enumerate(spatial_dims):
        d = d % x.ndim
        w = _weights(x.shape[d], int(output_shape[d]), scale[i], translation[i], kernel,
                     antialias).to(out.dtype)
        out = torch.movedim(torch.tensordot(out, w, dims=([d], [0])), -1, d)
    if integer:  # ints: rounded, kept inside the input's range, in the input's dtype
        out = torch.clamp(torch.round(out), x.min().to(out.dtype), x.max().to(out.dtype))
        out = out.to(x.dtype)
    return out


__all__ = ["elastic_transform", "perspective_transform", "scale_and_translate"]
