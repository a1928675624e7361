"""Image ops on PyTorch built from small fixed filters (Keras' ``ops.image``).

``sobel_edges`` (the two 3x3 Sobel gradients per channel), ``ssim`` (structural similarity
with a Gaussian window, Wang et al. 2004) and ``extract_patches_3d`` (the volume version of
``extract_patches``: each patch flattened into the channel axis).

>>> import numpy as np
>>> img = np.random.default_rng(0).random((1, 16, 16, 3)).astype("float32")
>>> round(float(ssim(img, img)[0]), 4)
1.0
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch.overrides import handle_torch_function, has_torch_function

from lamina import config
from lamina.backend.torch.core import convert_to_tensor, to_engine_dtype


def _t(x):
    return x if hasattr(x, "__torch_function__") else convert_to_tensor(x)


def _last(data_format):
    return (data_format or config.image_data_format()) == "channels_last"


def _floats(x):
    return x if x.is_floating_point() else x.to(to_engine_dtype(config.floatx()))


_SOBEL_X = ((-1.0, 0.0, 1.0), (-2.0, 0.0, 2.0), (-1.0, 0.0, 1.0))


def sobel_edges(images, data_format=None):
    """Sobel gradients of a batch of images: shape ``images.shape + (2,)``, with the vertical
    gradient (dy) first and the horizontal (dx) second; zero padding keeps the size."""
    if has_torch_function((images,)):  # symbolic inputs: one recorded call
        return handle_torch_function(sobel_edges, (images,), images, data_format=data_format)
    images = _floats(_t(images))
    if images.ndim != 4:
        raise ValueError("sobel_edges: images must have rank 4 (batch, height, width, "
                         f"channels); got shape {tuple(images.shape)}")
    last = _last(data_format)
    x = images.permute(0, 3, 1, 2) if last else images
    c = x.shape[1]
    kx = torch.tensor(_SOBEL_X, dtype=x.dtype, device=x.device)
    kernels = torch.stack([kx.T, kx])  # dy, dx
    weight = kernels[:, None].repeat(c, 1, 1, 1)  # (2c, 1, 3, 3): per channel dy, dx
    out = F.conv2d(x, weight, padding=1, groups=c)
    n, _, h, w = out.shape
    out = out.reshape(n, c, 2, h, w).permute(0, 1, 3, 4, 2)  # (n, c, h, w, 2)
    return out.permute(0, 2, 3, 1, 4) if last else out


def _gaussian_window(size, sigma, dtype, device):
    r = torch.arange(size, dtype=dtype, device=device) - (size - 1) / 2.0
    g = torch.exp(-(r**2) / (2.0 * sigma**2))
    g = g / g.sum()
    return torch.outer(g, g)


def ssim(image1, image2, max_val=1.0, filter_size=11, filter_sigma=1.5, k1=0.01, k2=0.03,
         data_format=None):
    """Structural similarity of two images (or batches): one value per image, averaged over
    the valid windows and the channels; 1 for identical images."""
    if has_torch_function((image1, image2)):  # symbolic inputs: one recorded call
        return handle_torch_function(
            ssim, (image1, image2), image1, image2, max_val=max_val, filter_size=filter_size,
            filter_sigma=filter_sigma, k1=k1, k2=k2, data_format=data_format)
    image1, image2 = _t(image1), _t(image2)
    for name, im in (("image1", image1), ("image2", image2)):
        if im.ndim not in (3, 4):
            raise ValueError(f"ssim: {name} must have rank 3 or 4; got shape "
                             f"{tuple(im.shape)}")
    dtype = image1.dtype
    x1, x2 = _floats(image1), _floats(image2).to(_floats(image1).dtype)
    unbatched = x1.ndim == 3
    if unbatched:
        x1, x2 = x1[None], x2[None]
    if _last(data_format):
        x1, x2 = x1.permute(0, 3, 1, 2), x2.permute(0, 3, 1, 2)
    n, c, h, w = x1.shape
    if h < filter_size or w < filter_size:
        raise ValueError(f"ssim: the images ({h}x{w}) are smaller than the {filter_size}x"
                         f"{filter_size} window; pass a smaller filter_size")
    x1, x2 = x1.reshape(n * c, 1, h, w), x2.reshape(n * c, 1, h, w)
    window = _gaussian_window(filter_size, filter_sigma, x1.dtype, x1.device)[None, None]

    def local_mean(v):
        return F.conv2d(v, window)  # "valid" windows only

    mu1, mu2 = local_mean(x1), local_mean(x2)
    var1 = local_mean(x1 * x1) - mu1 * mu1
    var2 = local_mean(x2 * x2) - mu2 * mu2
    cov = local_mean(x1 * x2) - mu1 * mu2
    c1, c2 = (k1 * max_val) ** 2, (k2 * max_val) ** 2
    ssim_map = ((2 * mu1 * mu2 + c1) * (2 * cov + c2)) / (
        (mu1 * mu1 + mu2 * mu2 + c1) * (var1 + var2 + c2))
    out = ssim_map.mean(dim=(1, 2, 3)).reshape(n, c).mean(dim=-1)
    return (out[0] if unbatched else out).to(dtype)


def _triple(v, name):
    if isinstance(v, int):
        return (v, v, v)
    v = tuple(v)
    if len(v) != 3:
        raise ValueError(f"extract_patches_3d: {name} must be an int or 3 ints; got {v}")
    return v


def extract_patches_3d(volumes, size, strides=None, dilation_rate=1, padding="valid",
                       data_format=None):
    """Patches of ``size = (d, h, w)`` from volumes ``(batch, depth, height, width,
    channels)``, each flattened (depth, height, width, channel order) into the last axis."""
    if has_torch_function((volumes,)):  # symbolic inputs: one recorded call
        return handle_torch_function(
            extract_patches_3d, (volumes,), volumes, size, strides=strides,
            dilation_rate=dilation_rate, padding=padding, data_format=data_format)
    if padding not in ("valid", "same"):
        raise ValueError(f"extract_patches_3d: padding must be 'valid' or 'same'; "
                         f"got {padding!r}")
    x = _t(volumes)
    if x.ndim not in (4, 5):
        raise ValueError("extract_patches_3d: volumes must have rank 4 or 5; got shape "
                         f"{tuple(x.shape)}")
    size = _triple(size, "size")
    strides = _triple(size if strides is None else strides, "strides")
    dilation = _triple(dilation_rate, "dilation_rate")
    unbatched = x.ndim == 4
    if unbatched:
        x = x[None]
    last = _last(data_format)
    if not last:
        x = x.permute(0, 2, 3, 4, 1)
    spans = [(k - 1) * d + 1 for k, d in zip(size, dilation)]
    if padding == "same":  # as a "same" convolution: ceil(n / stride) outputs, extra after
        pads = []
        for n, s, span in zip(x.shape[1:4], strides, spans):
            total = max((math.ceil(n / s) - 1) * s + span - n, 0)
            pads.append((total // 2, total - total // 2))
        flat = [p for before_after in reversed(pads) for p in before_after]
        x = F.pad(x, [0, 0] + flat)
    for axis, (span, s, d) in enumerate(zip(spans, strides, dilation), start=1):
        # unfold appends the window as the last axis; a dilated window keeps every d-th
        x = x.unfold(axis, span, s)
        if d > 1:
            x = x[..., ::d]
    # (b, D, H, W, c, kd, kh, kw) -> (b, D, H, W, kd, kh, kw, c) -> flattened patch
    b, od, oh, ow, c = x.shape[:5]
    out = x.permute(0, 1, 2, 3, 5, 6, 7, 4).reshape(b, od, oh, ow, -1)
    if not last:
        out = out.permute(0, 4, 1, 2, 3)
    return out[0] if unbatched else out


__all__ = ["extract_patches_3d", "sobel_edges", "ssim"]
