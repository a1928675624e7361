"""Audio layers: spectrograms of signals (their files live with Keras' preprocessing layers,
in layers/preprocessing/, as Keras keeps them)."""

from lamina.layers.preprocessing.mel_spectrogram import MelSpectrogram
from lamina.layers.preprocessing.stft_spectrogram import STFTSpectrogram

__all__ = ["MelSpectrogram", "STFTSpectrogram"]
