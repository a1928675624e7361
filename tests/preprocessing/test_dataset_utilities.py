"""keras.utils dataset utilities: timeseries windows (against a NumPy reference of the
documented windows), text/audio folders (file order and splits against Keras' own indexing
helpers, which run without TensorFlow), split_dataset (sizes against Keras' rule)."""

import os
import random
import wave

import numpy as np
import pytest

import lamina
from lamina.utils import split_dataset
from lamina.utils.dataset import Dataset

os.environ.setdefault("KERAS_BACKEND", "torch")


def keras_dataset_utils():
    os.environ["KERAS_BACKEND"] = "torch"
    return pytest.importorskip("keras.src.utils.dataset_utils")


# -- timeseries_dataset_from_array --------------------------------------------------------

def reference_windows(data, targets, length, stride, rate, start, end, shuffle, seed):
    start = start or 0
    end = len(data) if end is None else end
    num = end - start - (length - 1) * rate
    if targets is not None:
        num = min(num, len(targets))
    positions = list(range(0, max(num, 0), stride))
    if shuffle:
        order = np.arange(0, max(num, 0), stride)
        np.random.RandomState(seed).shuffle(order)
        positions = order.tolist()
    xs = [[data[start + p + k * rate] for k in range(length)] for p in positions]
    ys = None if targets is None else [targets[start + p] for p in positions]
    return np.array(xs), (None if ys is None else np.array(ys))


@pytest.mark.parametrize("kw", [
    dict(length=5),
    dict(length=3, stride=2, rate=2),
    dict(length=4, stride=3, start=5, end=40),
    dict(length=2, rate=3, end=30, shuffle=True, seed=4),
    dict(length=6, stride=1, start=2, shuffle=True, seed=11, batch=None),
    dict(length=45, stride=1),
])
@pytest.mark.parametrize("with_targets", [True, False])
def test_timeseries_windows_match_reference(kw, with_targets):
    data = np.arange(50 * 2).reshape(50, 2)
    targets = np.arange(50) * 10 if with_targets else None
    length, stride, rate = kw["length"], kw.get("stride", 1), kw.get("rate", 1)
    start, end = kw.get("start"), kw.get("end")
    shuffle, seed, batch = kw.get("shuffle", False), kw.get("seed"), kw.get("batch", 4)
    ds = lamina.utils.timeseries_dataset_from_array(
        data, targets, sequence_length=length, sequence_stride=stride, sampling_rate=rate,
        batch_size=batch, shuffle=shuffle, seed=seed, start_index=start, end_index=end)
    ref_x, ref_y = reference_windows(data, targets, length, stride, rate, start, end,
                                     shuffle, seed)
    items = list(ds)
    assert len(ds) == len(items)
    if batch is None:
        xs = [i[0] if with_targets else i for i in items]
        x = np.stack(xs) if xs else np.zeros((0, length, 2))
        y = np.array([i[1] for i in items]) if with_targets else None
    else:
        assert all(len(i[0] if with_targets else i) <= batch for i in items)
        x = np.concatenate([i[0] if with_targets else i for i in items])
        y = np.concatenate([i[1] for i in items]) if with_targets else None
    np.testing.assert_array_equal(x, ref_x)
    if with_targets:
        np.testing.assert_array_equal(y, ref_y)


def test_timeseries_docstring_example_and_errors():
    # Keras' documented example: x[i:i+10] predicts the value at i+10.
    data = np.arange(100)
    ds = lamina.utils.timeseries_dataset_from_array(data[:-10], data[10:], sequence_length=10,
                                                    batch_size=16)
    x, y = next(iter(ds))
    np.testing.assert_array_equal(x[0], np.arange(10))
    assert y[0] == 10 and x.shape == (16, 10)
    make = lamina.utils.timeseries_dataset_from_array
    with pytest.raises(ValueError, match="sampling_rate"):
        make(data, None, 3, sampling_rate=0)
    with pytest.raises(ValueError, match="sequence_stride"):
        make(data, None, 3, sequence_stride=100)
    with pytest.raises(ValueError, match="start_index"):
        make(data, None, 3, start_index=100)
    with pytest.raises(ValueError, match="end_index"):
        make(data, None, 3, start_index=10, end_index=5)


# -- text_dataset_from_directory ----------------------------------------------------------

@pytest.fixture
def text_dir(tmp_path):
    texts = {}
    for cls, n in (("pos", 5), ("neg", 4), ("zzz", 3)):
        (tmp_path / cls).mkdir()
        for i in range(n):
            text = f"{cls} review number {i} é\r\nsecond line"
            (tmp_path / cls / f"t{i}.txt").write_bytes(text.encode())
            texts[str(tmp_path / cls / f"t{i}.txt")] = text
    (tmp_path / "pos" / "nested").mkdir()
    (tmp_path / "pos" / "nested" / "deep.txt").write_text("deep")
    texts[str(tmp_path / "pos" / "nested" / "deep.txt")] = "deep"
    (tmp_path / "neg" / "skip.csv").write_text("not text")
    return tmp_path, texts


def test_text_order_and_splits_match_keras(text_dir):
    du = keras_dataset_utils()
    root, texts = text_dir
    for shuffle in (False, True):
        kp, kl, kc = du.index_directory(str(root), "inferred", formats=(".txt",),
                                        shuffle=shuffle, seed=5, verbose=False)
        ds = lamina.utils.text_dataset_from_directory(root, shuffle=shuffle, seed=5,
                                                      batch_size=None, verbose=False)
        assert ds.file_paths == kp and ds.class_names == kc
        if not shuffle:  # unshuffled, the elements come in file order
            got = list(ds)
            assert [str(t) for t, _ in got] == [texts[p] for p in kp]
            assert [int(y) for _, y in got] == list(kl)
        for subset in ("training", "validation"):
            sp, _ = du.get_training_or_validation_split(kp, kl, 0.25, subset)
            part = lamina.utils.text_dataset_from_directory(
                root, shuffle=shuffle, seed=5, validation_split=0.25, subset=subset,
                verbose=False)
            assert part.file_paths == sp
    train, val = lamina.utils.text_dataset_from_directory(
        root, seed=5, validation_split=0.25, subset="both", verbose=False)
    assert len(train.file_paths) == 10 and len(val.file_paths) == 3
    assert not set(train.file_paths) & set(val.file_paths)


def test_text_batches_label_modes_max_length(text_dir):
    root, texts = text_dir
    ds = lamina.utils.text_dataset_from_directory(root, batch_size=5, shuffle=False,
                                                  max_length=6, verbose=False)
    x, y = next(iter(ds))
    assert x.dtype.kind == "U" and x.shape == (5,) and y.dtype == np.int32
    assert x.tolist() == ["neg re"] * 4 + ["pos re"]
    assert len(ds) == 3
    cat = lamina.utils.text_dataset_from_directory(root, label_mode="categorical",
                                                   batch_size=20, shuffle=False, verbose=False)
    _, y = next(iter(cat))
    assert y.shape == (13, 3) and y.dtype == np.float32 and y.sum() == 13
    binary = lamina.utils.text_dataset_from_directory(
        root, class_names=["pos", "neg"], label_mode="binary", batch_size=20, shuffle=False,
        verbose=False)
    _, y = next(iter(binary))
    assert y.shape == (10, 1) and y[:6].ravel().tolist() == [0] * 6
    only_text = lamina.utils.text_dataset_from_directory(root, labels=None, batch_size=4,
                                                         shuffle=False, verbose=False)
    first = next(iter(only_text))
    assert isinstance(first, np.ndarray) and first.shape == (4,)
    assert first[0] == texts[str(root / "neg" / "t0.txt")]  # \r\n kept, UTF-8 decoded
    with pytest.raises(ValueError, match="exactly 2"):
        lamina.utils.text_dataset_from_directory(root, label_mode="binary")
    with pytest.raises(ValueError, match="seed"):
        lamina.utils.text_dataset_from_directory(root, validation_split=0.2, subset="training")
    with pytest.raises(ValueError, match="subset"):
        lamina.utils.text_dataset_from_directory(root, validation_split=0.2, subset="test",
                                                 seed=1)


def test_text_shuffles_each_pass_and_follows_links(text_dir, tmp_path):
    root, _ = text_dir
    ds = lamina.utils.text_dataset_from_directory(root, batch_size=None, seed=3,
                                                  verbose=False)
    first = [str(t) for t, _ in ds]
    second = [str(t) for t, _ in ds]
    assert sorted(first) == sorted(second) and first != second
    linked = tmp_path.parent / (tmp_path.name + "_linked")
    (linked / "cls").mkdir(parents=True)
    os.symlink(root / "zzz", linked / "cls" / "outside")
    (linked / "cls" / "own.txt").write_text("own")
    plain = lamina.utils.text_dataset_from_directory(linked, shuffle=False, verbose=False)
    follow = lamina.utils.text_dataset_from_directory(linked, shuffle=False, follow_links=True,
                                                      verbose=False)
    assert len(plain.file_paths) == 1 and len(follow.file_paths) == 4


# -- audio_dataset_from_directory ----------------------------------------------------------

def write_wav(path, samples, rate=16000, width=2):
    ints = np.asarray(samples)
    with wave.open(str(path), "wb") as f:
        f.setnchannels(ints.shape[1] if ints.ndim == 2 else 1)
        f.setsampwidth(width)
        f.setframerate(rate)
        f.writeframes(ints.astype({2: "<i2", 4: "<i4"}[width]).tobytes())


@pytest.fixture
def audio_dir(tmp_path):
    rng = np.random.default_rng(0)
    clips = {}
    for cls, lengths in (("no", (100, 80)), ("yes", (60, 120, 90))):
        (tmp_path / cls).mkdir()
        for i, n in enumerate(lengths):
            clip = rng.integers(-32768, 32767, n)
            write_wav(tmp_path / cls / f"c{i}.wav", clip)
            clips[f"{cls}/c{i}"] = clip
    return tmp_path, clips


def test_audio_values_padding_and_order(audio_dir):
    root, clips = audio_dir
    ds = lamina.utils.audio_dataset_from_directory(root, batch_size=2, shuffle=False,
                                                   verbose=False)
    batches = list(ds)
    assert [b[0].shape for b in batches] == [(2, 100, 1), (2, 120, 1), (1, 90, 1)]
    x, y = batches[0]
    assert x.dtype == np.float32 and y.tolist() == [0, 0]
    np.testing.assert_array_equal(x[0, :, 0], clips["no/c0"] / 32768.0)
    np.testing.assert_array_equal(x[1, :80, 0], clips["no/c1"] / 32768.0)
    assert not x[1, 80:].any()  # zero-padded to the longest clip of the batch
    fixed = lamina.utils.audio_dataset_from_directory(root, batch_size=5, shuffle=False,
                                                      output_sequence_length=90,
                                                      verbose=False)
    x, y = next(iter(fixed))
    assert x.shape == (5, 90, 1) and y.tolist() == [0, 0, 1, 1, 1]
    np.testing.assert_array_equal(x[0, :, 0], clips["no/c0"][:90] / 32768.0)
    assert not x[2, 60:].any()
    assert fixed.class_names == ["no", "yes"]


def test_audio_order_split_resample_and_errors(audio_dir, tmp_path):
    du = keras_dataset_utils()
    root, _ = audio_dir
    kp, _, _ = du.index_directory(str(root), "inferred", formats=(".wav",), shuffle=True,
                                  seed=9, verbose=False)
    ds = lamina.utils.audio_dataset_from_directory(root, seed=9, verbose=False)
    assert ds.file_paths == kp
    sp, _ = du.get_training_or_validation_split(kp, None, 0.4, "validation")
    val = lamina.utils.audio_dataset_from_directory(root, seed=9, validation_split=0.4,
                                                    subset="validation", verbose=False)
    assert val.file_paths == sp
    stereo = tmp_path / "stereo" / "a"
    stereo.mkdir(parents=True)
    write_wav(stereo / "s.wav", np.zeros((800, 2)), rate=8000)
    up = lamina.utils.audio_dataset_from_directory(tmp_path / "stereo", sampling_rate=16000,
                                                   verbose=False)
    x, _ = next(iter(up))
    assert x.shape == (1, 1600, 2)  # 0.1 s at 16 kHz, both channels
    with pytest.raises(NotImplementedError, match="ragged"):
        lamina.utils.audio_dataset_from_directory(root, ragged=True)
    with pytest.raises(ValueError, match="sampling_rate"):
        lamina.utils.audio_dataset_from_directory(root, sampling_rate=0.5)


# -- split_dataset ---------------------------------------------------------------------------

def test_split_sizes_follow_keras_rule():
    du = keras_dataset_utils()
    for left, right, total in [(0.8, None, 10), (None, 0.25, 9), (3, None, 10), (None, 4, 10),
                               (0.5, 0.3, 11), (2, 5, 10), (0.33, None, 7), (0.5, 2, 10)]:
        ours = lamina.utils.dataset_split.split_sizes(left, right, total)
        assert ours == du._rescale_dataset_split_sizes(left, right, total)
    for bad in [(None, None, 10), (0, 0, 10), (10, None, 10), (0.7, 0.6, 10), ("1", None, 5),
                (1.5, None, 10), (8, 5, 10)]:
        with pytest.raises((ValueError, TypeError)):
            lamina.utils.dataset_split.split_sizes(*bad)


def test_split_arrays_and_datasets():
    x, y = np.arange(20).reshape(10, 2), np.arange(10)
    left, right = split_dataset((x, y), left_size=0.7)
    assert isinstance(left, Dataset) and (len(left), len(right)) == (7, 3)
    np.testing.assert_array_equal(np.stack([a for a, _ in left]), x[:7])
    assert [int(b) for _, b in right] == [7, 8, 9]
    # shuffle as Keras: Python's random seeded, then the first/last parts.
    left, right = split_dataset((x, y), left_size=4, right_size=3, shuffle=True, seed=12)
    order = list(range(10))
    random.seed(12)
    random.shuffle(order)
    assert [int(b) for _, b in left] == order[:4] and [int(b) for _, b in right] == order[-3:]
    a, b = split_dataset(np.arange(6), right_size=2)
    assert [int(v) for v in a] == [0, 1, 2, 3] and [int(v) for v in b] == [4, 5]
    batched = Dataset.from_tensor_slices((x, y)).batch(3)
    left, right = split_dataset(batched, left_size=0.5)
    assert [len(bx) for bx, _ in left] == [3, 2] and len(right) == 2
    with pytest.raises(TypeError, match="dataset"):
        split_dataset("abc", left_size=0.5)
    with pytest.raises(ValueError, match="same length"):
        split_dataset((x, y[:5]), left_size=0.5)
