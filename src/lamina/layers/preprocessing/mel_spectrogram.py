"""MelSpectrogram: audio signals to (log-)power on the mel scale."""

from __future__ import annotations

from lamina import ops
from lamina.layers.layer import Layer

# the HTK mel scale: mel(f) = 1127 * ln(1 + f / 700)
_MEL_BREAK_FREQUENCY_HERTZ = 700.0
_MEL_HIGH_FREQUENCY_Q = 1127.0


class MelSpectrogram(Layer):
    """``(batch, samples)`` (or ``(samples,)``) signals to ``(batch, num_mel_bins, frames)``
    mel spectrograms: the STFT (``sequence_length`` samples per frame, ``sequence_stride``
    apart, zero-padded to ``fft_length``, centered), its magnitude to the power ``mag_exp``,
    ``num_mel_bins`` triangular filters between ``min_freq`` and ``max_freq`` (peak 1), and with
    ``power_to_db`` decibels relative to ``ref_power``, floored at ``min_power`` and clipped to
    ``top_db`` below the largest value of the batch (as Keras does).

    >>> import lamina
    >>> layer = lamina.layers.MelSpectrogram(fft_length=64, sequence_stride=16, num_mel_bins=8)
    >>> tuple(layer(lamina.ops.ones((2, 160))).shape)
    (2, 8, 11)
    """

    def __init__(self, fft_length: int = 2048, sequence_stride: int = 512,
                 sequence_length: int | None = None, window: str | None = "hann",
                 sampling_rate: int = 16000, num_mel_bins: int = 128, min_freq: float = 20.0,
                 max_freq: float | None = None, power_to_db: bool = True, top_db: float = 80.0,
                 mag_exp: float = 2.0, min_power: float = 1e-10, ref_power: float = 1.0,
                 **kwargs):
        self.fft_length = fft_length
        self.sequence_stride = sequence_stride
        self.sequence_length = sequence_length or fft_length
        if self.fft_length < self.sequence_length:
            raise ValueError(
                "MelSpectrogram: `fft_length` must be greater than or equal to "
                f"`sequence_length`. Received: `sequence_length`={self.sequence_length}, "
                f"`fft_length`={self.fft_length}.")
        self.window = window
        self.sampling_rate = sampling_rate
        self.num_mel_bins = num_mel_bins
        self.min_freq = min_freq
        self.max_freq = max_freq or int(sampling_rate / 2)
        self.power_to_db = power_to_db
        self.top_db = top_db
        self.mag_exp = mag_exp
        self.min_power = min_power
        self.ref_power = ref_power
        super().__init__(**kwargs)

    def call(self, inputs):
        dtype = self.compute_dtype if self.compute_dtype in ("float32", "float64") else "float32"
        x = ops.cast(inputs, dtype)
        real, imag = ops.stft(x, sequence_length=self.sequence_length,
                              sequence_stride=self.sequence_stride, fft_length=self.fft_length,
                              window=self.window, center=True)
        spec = ops.power(ops.sqrt(ops.square(real) + ops.square(imag)), self.mag_exp)
        matrix = self.linear_to_mel_weight_matrix(
            self.num_mel_bins, spec.shape[-1], self.sampling_rate, self.min_freq,
            self.max_freq, dtype=dtype)
        out = ops.tensordot(spec, matrix, axes=1)
        if self.power_to_db:
            out = self._to_db(out)
        return ops.cast(ops.swapaxes(out, -1, -2), self.compute_dtype)

    def _to_db(self, power):
        db = 10.0 * ops.log10(ops.maximum(power, self.min_power))
        db = db - 10.0 * ops.log10(ops.maximum(abs(float(self.ref_power)), self.min_power))
        return ops.maximum(db, ops.max(db) - self.top_db)

    @staticmethod
    def _hertz_to_mel(hertz):
        return _MEL_HIGH_FREQUENCY_Q * ops.log(1.0 + hertz / _MEL_BREAK_FREQUENCY_HERTZ)

    def linear_to_mel_weight_matrix(self, num_mel_bins=20, num_spectrogram_bins=129,
                                    sampling_rate=8000, lower_edge_hertz=125.0,
                                    upper_edge_hertz=3800.0, dtype="float32"):
        """The ``(num_spectrogram_bins, num_mel_bins)`` matrix of triangular mel filters (HTK
        convention, peaks of 1) over a spectrum of ``[0, sampling_rate / 2]``; the DC bin gets
        no weight."""
        def scalar(v):
            return ops.convert_to_tensor(float(v), dtype=dtype)

        nyquist = scalar(sampling_rate) / 2.0
        freqs = ops.linspace(scalar(0.0), nyquist, num_spectrogram_bins)[1:]
        bins_mel = ops.expand_dims(self._hertz_to_mel(freqs), 1)
        edges = ops.extract_sequences(
            ops.linspace(self._hertz_to_mel(scalar(lower_edge_hertz)),
                         self._hertz_to_mel(scalar(upper_edge_hertz)), num_mel_bins + 2),
            sequence_length=3, sequence_stride=1)
        lower, center, upper = (ops.reshape(t, (1, num_mel_bins))
                                for t in ops.split(edges, 3, axis=1))
        rising = (bins_mel - lower) / (center - lower)
        falling = (upper - bins_mel) / (upper - center)
        weights = ops.maximum(scalar(0.0), ops.minimum(rising, falling))
        return ops.pad(weights, ((1, 0), (0, 0)))

    def compute_output_shape(self, input_shape):
        steps = input_shape[-1]
        frames = None if steps is None else (steps + self.sequence_stride + 1) // \
            self.sequence_stride
        if len(input_shape) == 1:
            return (self.num_mel_bins, frames)
        return (input_shape[0], self.num_mel_bins, frames)

    def get_config(self):
        cfg = super().get_config()
        cfg.update({
            "fft_length": self.fft_length, "sequence_stride": self.sequence_stride,
            "sequence_length": self.sequence_length, "window": self.window,
            "sampling_rate": self.sampling_rate, "num_mel_bins": self.num_mel_bins,
            "min_freq": self.min_freq, "max_freq": self.max_freq,
            "power_to_db": self.power_to_db, "top_db": self.top_db, "mag_exp": self.mag_exp,
            "min_power": self.min_power, "ref_power": self.ref_power,
        })
        return cfg
