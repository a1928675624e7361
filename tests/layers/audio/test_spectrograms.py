"""STFTSpectrogram against NumPy's FFT, MelSpectrogram's filters, and both in models."""

import numpy as np
import pytest

import lamina
from lamina import layers


def _np(x):
    return np.asarray(lamina.ops.convert_to_numpy(x))


def test_stft_magnitude_is_numpy_rfft_of_each_frame():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 64, 1)).astype("float32")
    layer = layers.STFTSpectrogram(mode="magnitude", frame_length=16, frame_step=8,
                                   window=None, scaling=None)
    out = _np(layer(x))
    frames = np.stack([x[:, i:i + 16, 0] for i in range(0, 64 - 16 + 1, 8)], axis=1)
    expected = np.abs(np.fft.rfft(frames, n=16, axis=-1))
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-4)


def test_stft_kernels_are_trainable_and_window_refused_early():
    layer = layers.STFTSpectrogram(frame_length=8)
    layer.build((None, 32, 1))
    assert [w.name for w in layer.trainable_weights] == ["real_kernel", "imag_kernel"]
    with pytest.raises(ValueError, match="Unknown window 'kaiserr'"):
        layers.STFTSpectrogram(window="kaiserr")
    with pytest.raises(ValueError, match="frame_step"):
        layers.STFTSpectrogram(frame_length=8, frame_step=9)
    with pytest.raises(TypeError, match="float"):
        layer(np.ones((1, 32, 1), "int32"))


def test_mel_filters_peak_at_one_and_skip_dc():
    mel = layers.MelSpectrogram(fft_length=256, num_mel_bins=10)
    w = _np(mel.linear_to_mel_weight_matrix(10, 129, 16000, 20.0, 8000.0))
    assert w.shape == (129, 10)
    assert np.all(w[0] == 0)
    assert np.all(w.max(axis=0) > 0.8) and np.all(w <= 1.0)


def test_spectrogram_models_save_and_load(tmp_path):
    rng = np.random.default_rng(1)
    inp = lamina.Input(shape=(400,))
    x = layers.MelSpectrogram(fft_length=64, sequence_stride=32, num_mel_bins=12)(inp)
    out = layers.Dense(2)(layers.Flatten()(x))
    model = lamina.Model(inp, out)
    x = rng.normal(size=(3, 400)).astype("float32")
    model.save(tmp_path / "mel.keras")
    again = lamina.models.load_model(tmp_path / "mel.keras")
    np.testing.assert_allclose(_np(again.predict(x, verbose=0)), _np(model.predict(x, verbose=0)),
                               rtol=1e-6)
