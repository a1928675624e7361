"""``keras.ops.math`` on PyTorch: top_k, segment reductions, FFTs, STFT and special functions."""

from __future__ import annotations

import torch

from lamina.backend.torch.core import DEVICE, convert_to_tensor, to_engine_dtype

rsqrt = torch.rsqrt
erf = torch.erf
erfc = torch.erfc
erfinv = torch.erfinv
logdet = torch.logdet


def _t(x):
    return x if hasattr(x, "__torch_function__") else convert_to_tensor(x)


def logsumexp(x, axis=None, keepdims=False):
    dims = tuple(range(x.ndim)) if axis is None else axis
    return torch.logsumexp(x, dim=dims, keepdim=keepdims)


def top_k(x, k, sorted=True):
    """The ``k`` largest entries along the last axis and their indices."""
    return torch.topk(x, k, sorted=sorted)


def in_top_k(targets, predictions, k):
    targets = _t(targets).long()[:, None]
    topk_values = torch.topk(predictions, k).values
    target_values = torch.take_along_dim(predictions, targets, dim=-1)
    return torch.any(target_values >= topk_values, dim=-1)


def _segment(data, segment_ids, num_segments, reduce, init):
    data = _t(data)
    segment_ids = _t(segment_ids).long()
    if num_segments is None:
        num_segments = int(segment_ids.max()) + 1
    # out-of-range ids (e.g. -1) go to an extra row that is dropped afterwards
    ids = torch.where((segment_ids >= 0) & (segment_ids < num_segments), segment_ids,
                      num_segments)
    ids = ids.reshape((-1,) + (1,) * (data.ndim - 1)).expand(data.shape)
    out = torch.full((num_segments + 1,) + tuple(data.shape[1:]), init,
                     dtype=to_engine_dtype(data.dtype), device=data.device)
    out = out.scatter_reduce(0, ids, data, reduce, include_self=reduce == "sum")
    out = out[:-1]
    if reduce in ("amax", "amin"):
        # empty segments hold the reduction's identity (-inf / +inf for floats), as Keras
        pass
    return out


def segment_sum(data, segment_ids, num_segments=None, sorted=False):
    return _segment(data, segment_ids, num_segments, "sum", 0)


def segment_max(data, segment_ids, num_segments=None, sorted=False):
    init = float("-inf") if _t(data).is_floating_point() else torch.iinfo(_t(data).dtype).min
    return _segment(data, segment_ids, num_segments, "amax", init)


def segment_min(data, segment_ids, num_segments=None, sorted=False):
    init = float("inf") if _t(data).is_floating_point() else torch.iinfo(_t(data).dtype).max
    return _segment(data, segment_ids, num_segments, "amin", init)


def segment_prod(data, segment_ids, num_segments=None, sorted=False):
    return _segment(data, segment_ids, num_segments, "prod", 1)


def cdist(x, y):
    return torch.cdist(x, y)


def extract_sequences(x, sequence_length, sequence_stride):
    """Frames of ``sequence_length`` samples every ``sequence_stride`` along the last axis."""
    return torch.unfold_copy(x, dimension=-1, size=sequence_length, step=sequence_stride)


def _complex(x):
    if not isinstance(x, (tuple, list)) or len(x) != 2:
        raise ValueError(f"Expected a pair (real, imag) of float tensors; got {type(x).__name__}")
    real, imag = _t(x[0]), _t(x[1])
    if tuple(real.shape) != tuple(imag.shape):
        raise ValueError(f"The real and imaginary parts differ in shape: {tuple(real.shape)} "
                         f"and {tuple(imag.shape)}")
    return torch.complex(real, imag)


def fft(x):
    out = torch.fft.fft(_complex(x))
    return out.real, out.imag


def fft2(x):
    out = torch.fft.fft2(_complex(x))
    return out.real, out.imag


def ifft2(x):
    out = torch.fft.ifft2(_complex(x))
    return out.real, out.imag


def rfft(x, fft_length=None):
    out = torch.fft.rfft(x, n=fft_length, dim=-1)
    return out.real, out.imag


def irfft(x, fft_length=None):
    return torch.fft.irfft(_complex(x), n=fft_length, dim=-1)


def view_as_complex(x):
    return torch.view_as_complex(x.contiguous())


def view_as_real(x):
    return torch.view_as_real(x)


def _window(window, length, dtype):
    dtype = to_engine_dtype(dtype)  # a symbolic tensor's dtype is Keras' string
    if window is None:
        return torch.ones((length,), dtype=dtype, device=DEVICE)
    if isinstance(window, str):
        if window == "hann":
            return torch.hann_window(length, periodic=True, dtype=dtype, device=DEVICE)
        if window == "hamming":
            return torch.hamming_window(length, periodic=True, dtype=dtype, device=DEVICE)
        raise ValueError(f"window must be 'hann', 'hamming', a tensor or None; got {window!r}")
    win = _t(window).to(dtype)
    if win.ndim != 1 or win.shape[0] != length:
        raise ValueError(f"The window must have shape ({length},); got {tuple(win.shape)}")
    return win


def stft(x, sequence_length, sequence_stride, fft_length, window="hann", center=True):
    """Short-time Fourier transform: ``(real, imag)`` of shape ``(..., frames, fft_length//2+1)``."""
    if fft_length < sequence_length:
        raise ValueError(f"fft_length ({fft_length}) must be >= sequence_length ({sequence_length})")
    win = _window(window, sequence_length, x.dtype)
    batch = tuple(x.shape[:-1])
    flat = x.reshape(-1, x.shape[-1])
    out = torch.stft(flat, n_fft=fft_length, hop_length=sequence_stride,
                     win_length=sequence_length, window=win, center=center,
                     return_complex=True)
    out = out.reshape(batch + tuple(out.shape[-2:])).swapaxes(-2, -1)
    return out.real, out.imag


def _overlap_add(frames, stride):
    *batch, n, length = frames.shape
    flat = frames.reshape(-1, n, length).transpose(1, 2)  # (B, length, n)
    out_len = stride * (n - 1) + length
    out = torch.nn.functional.fold(flat, output_size=(1, out_len), kernel_size=(1, length),
                                   stride=(1, stride))
    return out.reshape(tuple(batch) + (out_len,))


def istft(x, sequence_length, sequence_stride, fft_length, length=None, window="hann",
          center=True):
    """Inverse of ``stft`` (Keras' windowed overlap-add)."""
    if sequence_length == fft_length and center and window is not None:
        spec = _complex(x)
        win = _window(window, sequence_length, spec.real.dtype)
        batch = tuple(spec.shape[:-2])
        spec = spec.reshape((-1,) + tuple(spec.shape[-2:])).swapaxes(-2, -1)
        out = torch.istft(spec, n_fft=fft_length, hop_length=sequence_stride,
                          win_length=sequence_length, window=win, center=True, length=length)
        return out.reshape(batch + tuple(out.shape[-1:]))
    frames = irfft(x, fft_length)
    win = None
    if window is not None:
        win = _window(window, sequence_length, frames.dtype)
        l_pad = (fft_length - sequence_length) // 2
        r_pad = fft_length - sequence_length - l_pad
        win = torch.nn.functional.pad(win, [l_pad, r_pad])
        overlaps = -(-fft_length // sequence_stride)
        denom = torch.nn.functional.pad(torch.square(win),
                                        [0, overlaps * sequence_stride - fft_length])
        denom = denom.reshape(overlaps, sequence_stride).sum(0, keepdim=True)
        denom = denom.tile(overlaps, 1).reshape(-1)
        frames = frames * (win / denom[:fft_length])
    out = _overlap_add(frames, sequence_stride)
    start = fft_length // 2 if center else 0
    if length is not None:
        end = start + length
    elif center:
        end = out.shape[-1] - fft_length // 2
    else:
        end = fft_length + sequence_stride * (frames.shape[-2] - 1)
    return out[..., start:end]


__all__ = ["cdist", "erf", "erfc", "erfinv", "extract_sequences", "fft", "fft2", "ifft2",
           "in_top_k", "irfft", "istft", "logdet", "logsumexp", "rfft", "rsqrt", "segment_max",
           "segment_min", "segment_prod", "segment_sum", "stft", "top_k", "view_as_complex",
           "view_as_real"]
