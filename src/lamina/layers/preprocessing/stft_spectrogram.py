"""STFTSpectrogram: a signal's short-time Fourier transform as a (trainable) 1-D convolution."""

from __future__ import annotations

import math
import warnings

from lamina import config, initializers, ops
from lamina.backend import core as backend
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer

_MODES = ("log", "magnitude", "psd", "real", "imag", "angle", "stft")


class STFTSpectrogram(Layer):
    """The spectrogram of ``(batch, time, channels)`` signals (or channels first), computed by
    convolving with windowed DFT kernels (``real_kernel``/``imag_kernel``, initialized by
    ``initializers.STFT`` and trainable, as in Keras).

    ``mode``: ``"log"`` (log magnitude), ``"magnitude"``, ``"psd"``, ``"real"``, ``"imag"``,
    ``"angle"`` or ``"stft"`` (real and imaginary parts concatenated). Frames are
    ``frame_length`` samples, ``frame_step`` apart (default half a frame), zero-padded to
    ``fft_length`` (default the next power of two). The output is ``(batch, frames,
    channels * bins)``, or ``(batch, frames, bins, channels)`` with ``expand_dims``.

    >>> import lamina
    >>> layer = lamina.layers.STFTSpectrogram(frame_length=16)
    >>> tuple(layer(lamina.ops.ones((2, 64, 1))).shape)
    (2, 7, 9)
    """

    def __init__(self, mode: str = "log", frame_length: int = 256, frame_step: int | None = None,
                 fft_length: int | None = None, window="hann", periodic: bool = False,
                 scaling: str | None = "density", padding: str = "valid",
                 expand_dims: bool = False, data_format: str | None = None, **kwargs):
        if frame_step is not None and (frame_step > frame_length or frame_step < 1):
            raise ValueError(
                "STFTSpectrogram: `frame_step` should be a positive integer not greater than "
                f"`frame_length`. Received frame_step={frame_step}, frame_length={frame_length}")
        if fft_length is not None and fft_length < frame_length:
            raise ValueError(
                "STFTSpectrogram: `fft_length` should be not less than `frame_length`. "
                f"Received fft_length={fft_length}, frame_length={frame_length}")
        if fft_length is not None and (fft_length & -fft_length) != fft_length:
            warnings.warn("`fft_length` is recommended to be a power of two. "
                          f"Received fft_length={fft_length}", stacklevel=2)
        if mode not in _MODES:
            raise ValueError(f"STFTSpectrogram: output mode is invalid, it must be one of "
                             f"{', '.join(_MODES)}. Received: mode={mode!r}")
        if scaling is not None and scaling not in ("density", "spectrum"):
            raise ValueError("STFTSpectrogram: scaling is invalid, it must be `None`, "
                             f"'density' or 'spectrum'. Received scaling={scaling!r}")
        if padding not in ("valid", "same"):
            raise ValueError("STFTSpectrogram: padding is invalid, it should be 'valid', "
                             f"'same'. Received: padding={padding!r}")
        if isinstance(window, str):
            initializers.get_window(window, 1)
        super().__init__(**kwargs)
        self.mode = mode
        self.frame_length = frame_length
        self.frame_step = frame_step
        self._frame_step = frame_step or frame_length // 2
        self.fft_length = fft_length
        self._fft_length = fft_length or 2 ** int(math.ceil(math.log2(frame_length)))
        self.window = window
        self.periodic = periodic
        self.scaling = scaling
        self.padding = padding
        self.expand_dims = expand_dims
        self.data_format = data_format or config.image_data_format()
        if self.data_format not in ("channels_last", "channels_first"):
            raise ValueError(f"STFTSpectrogram: invalid data_format {self.data_format!r}")
        self.input_spec = InputSpec(ndim=3)

    def build(self, input_shape):
        shape = (self.frame_length, 1, self._fft_length // 2 + 1)
        if self.mode != "imag":
            self.real_kernel = self.add_weight(
                name="real_kernel", shape=shape,
                initializer=initializers.STFT("real", self.window, self.scaling, self.periodic))
        if self.mode != "real":
            self.imag_kernel = self.add_weight(
                name="imag_kernel", shape=shape,
                initializer=initializers.STFT("imag", self.window, self.scaling, self.periodic))
        self.built = True

    def _convolve(self, inputs, kernel):
        """``(batch, channels, bins, frames)``: every channel convolved on its own."""
        if self.data_format == "channels_last":
            _, steps, channels = inputs.shape
            x = ops.reshape(ops.transpose(inputs, (0, 2, 1)), (-1, steps, 1))
        else:
            _, channels, steps = inputs.shape
            x = ops.reshape(inputs, (-1, 1, steps))
        out = ops.conv(x, ops.cast(kernel, backend.dtype_of(inputs)), strides=self._frame_step,
                       padding=self.padding, data_format=self.data_format)
        if self.data_format == "channels_last":
            out = ops.transpose(out, (0, 2, 1))
        return ops.reshape(out, (-1, channels, out.shape[1], out.shape[2]))

    def _layout(self, x):
        _, channels, bins, frames = x.shape
        if self.expand_dims:
            axes = (0, 3, 2, 1) if self.data_format == "channels_last" else (0, 1, 3, 2)
            return ops.transpose(x, axes)
        x = ops.reshape(x, (-1, channels * bins, frames))
        return ops.transpose(x, (0, 2, 1)) if self.data_format == "channels_last" else x

    def call(self, inputs):
        dtype = backend.dtype_of(inputs)
        if dtype not in ("float16", "float32", "float64"):
            raise TypeError(f"Layer '{self.name}' (STFTSpectrogram): invalid input type. "
                            f"Expected `float16`, `float32` or `float64`. Received: input "
                            f"type={dtype}")
        real = self._convolve(inputs, self.real_kernel) if self.mode != "imag" else None
        imag = self._convolve(inputs, self.imag_kernel) if self.mode != "real" else None
        if self.mode == "real":
            return self._layout(real)
        if self.mode == "imag":
            return self._layout(imag)
        if self.mode == "angle":
            return self._layout(ops.arctan2(imag, real))
        if self.mode == "stft":
            return self._layout(ops.concatenate([real, imag], axis=2))
        power = ops.square(real) + ops.square(imag)
        if self.mode == "psd":
            # the bins other than DC and Nyquist stand for two (their mirror) frequencies
            return self._layout(power + ops.pad(power[:, :, 1:-1, :],
                                                ((0, 0), (0, 0), (1, 1), (0, 0))))
        eps = config.epsilon()
        magnitude = self._layout(ops.sqrt(ops.maximum(power, eps)))
        if self.mode == "magnitude":
            return magnitude
        return ops.log(ops.maximum(magnitude, eps))

    def compute_output_shape(self, input_shape):
        last = self.data_format == "channels_last"
        channels = input_shape[-1] if last else input_shape[1]
        steps = input_shape[1] if last else input_shape[2]
        bins = (self._fft_length // 2 + 1) * (2 if self.mode == "stft" else 1)
        if steps is None:
            frames = None
        elif self.padding == "same":
            frames = -(-steps // self._frame_step)
        else:
            frames = (steps - self.frame_length) // self._frame_step + 1
        if self.expand_dims:
            return (input_shape[0], frames, bins, channels) if last else \
                (input_shape[0], channels, frames, bins)
        feats = None if channels is None else bins * channels
        return (input_shape[0], frames, feats) if last else (input_shape[0], feats, frames)

    def get_config(self):
        cfg = super().get_config()
        cfg.update({
            "mode": self.mode, "frame_length": self.frame_length,
            "frame_step": self.frame_step, "fft_length": self.fft_length,
            "window": self.window, "periodic": self.periodic, "scaling": self.scaling,
            "padding": self.padding, "data_format": self.data_format,
            "expand_dims": self.expand_dims,
        })
        return cfg
