"""``audio_dataset_from_directory``: batches of ``(audio, labels)`` from a folder of class
sub-folders holding ``.wav`` files, as a ``lamina.utils.Dataset``.

>>> # ds = audio_dataset_from_directory("speech_commands", output_sequence_length=16000,
>>> #                                   batch_size=64, seed=0)
>>> # for audio, labels in ds: audio.shape -> (64, 16000, 1), float32 in [-1, 1)
"""

from __future__ import annotations

import wave

import numpy as np

from lamina.preprocessing import directory_index
from lamina.preprocessing.text_dataset import _files_dataset

ALLOWED_FORMATS = (".wav",)


def read_wav(path: str):
    """``(float32 samples (n, channels) in [-1, 1), sample rate)`` of a PCM or float WAV."""
    try:
        with wave.open(path, "rb") as f:
            rate, channels, width = f.getframerate(), f.getnchannels(), f.getsampwidth()
            raw = f.readframes(f.getnframes())
    except wave.Error:
        # Float (format 3) files, which the wave module does not read.
        from scipy.io import wavfile

        rate, data = wavfile.read(path)
        data = np.asarray(data, dtype="float32")
        return (data if data.ndim == 2 else data[:, None]), int(rate)
    if width == 1:  # 8-bit WAV is unsigned
        data = (np.frombuffer(raw, np.uint8).astype("float32") - 128.0) / 128.0
    elif width == 3:
        bytes3 = np.frombuffer(raw, np.uint8).reshape(-1, 3)
        ints = (bytes3[:, 0].astype(np.int32) | (bytes3[:, 1].astype(np.int32) << 8)
                | (bytes3[:, 2].astype(np.int8).astype(np.int32) << 16))
        data = ints.astype("float32") / float(1 << 23)
    else:
        kind = {2: "<i2", 4: "<i4"}[width]
        data = np.frombuffer(raw, kind).astype("float32") / float(1 << (8 * width - 1))
    return data.reshape(-1, channels), rate


def _decoder(sampling_rate, output_sequence_length):
    def decode(path):
        audio, rate = read_wav(str(path))
        if sampling_rate is not None and rate != sampling_rate:
            from scipy.signal import resample_poly

            g = np.gcd(rate, sampling_rate)
            audio = resample_poly(audio, sampling_rate // g, rate // g, axis=0)
            audio = audio.astype("float32")
        if output_sequence_length is not None:
            # tf.audio.decode_wav(desired_samples=...): cut, or pad with zeros at the end.
            audio = audio[:output_sequence_length]
            if len(audio) < output_sequence_length:
                pad = np.zeros((output_sequence_length - len(audio), audio.shape[1]), "float32")
                audio = np.concatenate([audio, pad])
        return audio

    return decode


def audio_dataset_from_directory(directory, labels="inferred", label_mode="int",
                                 class_names=None, batch_size: int | None = 32,
                                 sampling_rate: int | None = None,
                                 output_sequence_length: int | None = None,
                                 ragged: bool = False, shuffle: bool = True,
                                 seed: int | None = None,
                                 validation_split: float | None = None, subset=None,
                                 follow_links: bool = False, verbose: bool = True):
    """Batches of ``(audio, labels)`` from ``directory/<class name>/<.wav files>``.

    Audio is float32 ``(batch, samples, channels)`` in [-1, 1). Each clip is cut or
    zero-padded to ``output_sequence_length`` samples when given; otherwise a batch is
    padded to its longest clip. ``sampling_rate`` resamples clips recorded at another
    rate (with SciPy's polyphase filter; Keras uses tensorflow-io). ``labels``,
    ``label_mode``, ``class_names``, ``shuffle``, ``seed``, ``validation_split``,
    ``subset`` and ``follow_links`` work as in ``text_dataset_from_directory``.
    ``ragged=True`` is refused: lamina has no ragged tensors.
    """
    if isinstance(labels, (list, tuple)) and class_names:
        raise ValueError(
            "You can only pass `class_names` if `labels='inferred'`; received "
            f"labels={labels!r} and class_names={class_names!r}"
        )
    if ragged:
        if output_sequence_length is not None:
            raise ValueError("Cannot set both `ragged` and `output_sequence_length`")
        raise NotImplementedError(
            "audio_dataset_from_directory: ragged=True needs ragged tensors, which lamina "
            "does not have. Use ragged=False (batches padded to the longest clip) or set "
            "output_sequence_length."
        )
    if sampling_rate is not None and (not isinstance(sampling_rate, int) or sampling_rate <= 0):
        raise ValueError(
            f"`sampling_rate` should be a positive integer; received sampling_rate={sampling_rate!r}"
        )
    if output_sequence_length is not None and (
            not isinstance(output_sequence_length, int) or output_sequence_length <= 0):
        raise ValueError("`output_sequence_length` should be a positive integer; received "
                         f"{output_sequence_length!r}")
    directory_index.check_arguments(labels, label_mode, validation_split, subset, shuffle, seed)
    if labels is None or label_mode is None:
        labels, label_mode = None, None
    if seed is None:
        seed = np.random.randint(1_000_000)
    paths, found, class_names = directory_index.list_files(
        directory, labels, label_mode, class_names, ALLOWED_FORMATS, shuffle, seed,
        follow_links, verbose)
    buffer_size = batch_size * 8 if batch_size is not None else 1024
    decode = _decoder(sampling_rate, output_sequence_length)

    def make(subset_name, shuffle_part):
        part_paths, part_labels = directory_index.split(paths, found, validation_split,
                                                       subset_name)
        if not part_paths:
            raise ValueError(f"No audio files found in directory {directory}. Allowed "
                             f"format(s): {ALLOWED_FORMATS}")
        ds = _files_dataset(part_paths, part_labels, label_mode,
                            len(class_names) if class_names else 0, decode, shuffle_part,
                            buffer_size, seed)
        if batch_size is not None:
            # Without a fixed length, clips are zero-padded to the longest of their batch.
            ds = (ds.batch(batch_size) if output_sequence_length is not None
                  else ds.padded_batch(batch_size))
        ds = ds.prefetch()
        if batch_size is not None:
            ds._batch_size = batch_size  # batched: split_dataset re-batches its parts
        ds.class_names = class_names
        ds.file_paths = list(part_paths)
        return ds

    if subset == "both":
        return [make("training", shuffle), make("validation", False)]
    return make(subset, shuffle)
