"""Data utilities against Keras 3: to_categorical, normalize, pad_sequences, the legacy
Tokenizer, the image file helpers and the directory indexing behind
image_dataset_from_directory."""

import numpy as np
import pytest
import torch
from PIL import Image

import lamina


def _same(a, b):
    a, b = np.asarray(a), np.asarray(b)
    assert a.shape == b.shape
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("labels,num_classes", [
    ([0, 2, 1], None), ([0, 2, 1], 5), ([[0], [2]], None), ([[0, 1], [2, 1]], 3),
    ([0.0, 2.7, 1.2], None), (2, 3), ([1], 3), (np.zeros((3, 1, 1), int), 2),
])
def test_to_categorical_values(keras, labels, num_classes):
    # lamina keeps float32 (documented choice); Keras 3 returns float64: compare values
    _same(lamina.utils.to_categorical(labels, num_classes),
          keras.utils.to_categorical(labels, num_classes))


def test_to_categorical_bad_labels(keras):
    with pytest.raises(IndexError):
        keras.utils.to_categorical([0, 5, 1], 3)
    with pytest.raises(IndexError, match=r"labels must lie in \[0, 3\)"):
        lamina.utils.to_categorical([0, 5, 1], 3)
    with pytest.raises(ValueError, match="from -1 to 1"):  # Keras silently wraps -1
        lamina.utils.to_categorical([0, -1, 1], 3)


def test_to_categorical_tensor_input(keras):
    x = torch.tensor([[0], [2], [1]])
    k, m = keras.utils.to_categorical(x, 4), lamina.utils.to_categorical(x, 4)
    assert isinstance(k, torch.Tensor) and isinstance(m, torch.Tensor)
    _same(m, k)


@pytest.mark.parametrize("x", [
    [[3.0, 4.0]], [[3, 4], [0, 0]], torch.tensor([[3.0, 4.0]], dtype=torch.float64),
    torch.tensor([[3, 4]]),
])
def test_normalize_non_numpy_gives_tensor(keras, x):
    for kw in ({}, {"axis": 0, "order": 1}):
        k, m = keras.utils.normalize(x, **kw), lamina.utils.normalize(x, **kw)
        assert isinstance(m, torch.Tensor) and m.dtype == k.dtype
        np.testing.assert_allclose(m.numpy(), k.numpy(), rtol=1e-6)


def test_normalize_numpy(keras, rng):
    x = rng.normal(size=(3, 4, 5))
    x[0, 0] = 0
    for data, kw in ((x, {}), (x, {"order": 1}), (x, {"axis": 1}), (x[0], {"axis": None})):
        k, m = keras.utils.normalize(data, **kw), lamina.utils.normalize(data, **kw)
        assert m.dtype == k.dtype
        np.testing.assert_allclose(m, k)


@pytest.mark.parametrize("kw", [
    {}, {"maxlen": 2}, {"maxlen": 3, "padding": "post", "truncating": "post"},
    {"maxlen": 3, "truncating": "post"}, {"value": -1.5}, {"value": -1.5, "dtype": "float32"},
    {"maxlen": 7, "padding": "post"}, {"dtype": "int64"},
])
def test_pad_sequences(keras, kw):
    seqs = [[1, 2, 3], [4], [], [5, 6, 7, 8, 9]]
    m = lamina.utils.pad_sequences(seqs, **kw)
    k = keras.utils.pad_sequences(seqs, **kw)
    assert m.dtype == k.dtype
    _same(m, k)


def test_pad_sequences_strings_and_inner_shapes(keras, rng):
    s = [["a", "b"], ["c"]]
    for kw in ({"dtype": object, "value": ""}, {"dtype": "<U2", "value": "x"}):
        m, k = lamina.utils.pad_sequences(s, **kw), keras.utils.pad_sequences(s, **kw)
        assert m.dtype == k.dtype
        _same(m, k)
    inner = [rng.normal(size=(2, 3)), rng.normal(size=(1, 3))]
    for kw in ({"dtype": "float32"}, {"maxlen": 1, "dtype": "float64", "padding": "post"}):
        _same(lamina.utils.pad_sequences(inner, **kw), keras.utils.pad_sequences(inner, **kw))


def test_tokenizer_matches_legacy(keras):
    from keras.src.legacy.preprocessing import text as ktext

    from lamina.preprocessing import text as ltext

    texts = ["The cat sat on the mat.", "The dog sat down!", "A cat, a dog; and THE bird",
             "zebra yak zebra", "", "yak"]
    new = ["the cat and a zebra", "unknown words here", "", "the the the"]
    for cfg in ({}, {"num_words": 4, "oov_token": "<unk>"}, {"char_level": True},
                {"lower": False, "filters": ""}):
        k, m = ktext.Tokenizer(**cfg), ltext.Tokenizer(**cfg)
        k.fit_on_texts(texts)
        m.fit_on_texts(texts)
        assert list(m.word_index.items()) == list(k.word_index.items())
        assert m.texts_to_sequences(new) == k.texts_to_sequences(new)
        for mode in ("binary", "count", "tfidf", "freq"):
            np.testing.assert_allclose(m.texts_to_matrix(new, mode), k.texts_to_matrix(new, mode))
        assert m.to_json() == k.to_json()
        back = ltext.tokenizer_from_json(m.to_json())
        assert back.texts_to_sequences(new) == k.texts_to_sequences(new)


@pytest.fixture
def image_dir(tmp_path, rng):
    for cls, n in (("dog", 4), ("cat", 3), ("bird", 2)):
        (tmp_path / cls).mkdir()
        for i in range(n):
            arr = rng.integers(0, 255, (6 + i, 5, 3), dtype=np.uint8)
            Image.fromarray(arr).save(tmp_path / cls / f"img{i}.png")
    (tmp_path / "cat" / "notes.txt").write_text("x")
    return tmp_path


def test_image_dataset_order_and_split(keras, image_dir):
    from keras.src.utils import dataset_utils

    from lamina.preprocessing.image_dataset import ALLOWLIST_FORMATS

    d = str(image_dir)
    for shuffle in (False, True):
        kp, kl, kc = dataset_utils.index_directory(d, "inferred", formats=ALLOWLIST_FORMATS,
                                                   shuffle=shuffle, seed=7, verbose=False)
        ds = lamina.utils.image_dataset_from_directory(d, shuffle=shuffle, seed=7,
                                                       image_size=(4, 4), verbose=False)
        assert (ds.file_paths, ds.class_names) == (kp, kc)
        _same(ds.labels, kl)
        for subset in ("training", "validation"):
            sp, sl = dataset_utils.get_training_or_validation_split(kp, kl, 0.3, subset)
            part = lamina.utils.image_dataset_from_directory(
                d, shuffle=shuffle, seed=7, image_size=(4, 4), verbose=False,
                validation_split=0.3, subset=subset)
            assert part.file_paths == sp
            _same(part.labels, sl)
    ds = lamina.utils.image_dataset_from_directory(d, shuffle=False, label_mode="categorical",
                                                   image_size=(3, 2), batch_size=4,
                                                   verbose=False)
    x, y = ds[0]
    assert (x.shape, x.dtype, y.shape, y.dtype) == ((4, 3, 2, 3), np.float32, (4, 3), np.float32)
    assert ds.class_names == ["bird", "cat", "dog"] and len(ds) == 3


def test_image_file_helpers(keras, image_dir, rng):
    path = str(image_dir / "dog" / "img1.png")
    for kw in ({}, {"color_mode": "grayscale"}, {"color_mode": "rgba"},
               {"target_size": (3, 4), "interpolation": "bilinear"},
               {"target_size": (9, 9), "keep_aspect_ratio": True}):
        k, m = keras.utils.load_img(path, **kw), lamina.utils.load_img(path, **kw)
        assert (m.mode, m.size) == (k.mode, k.size)
        _same(np.asarray(m), np.asarray(k))
        for fmt in ("channels_last", "channels_first"):
            a, b = keras.utils.img_to_array(k, fmt), lamina.utils.img_to_array(m, fmt)
            assert a.dtype == b.dtype
            _same(b, a)
    for arr in (rng.random((4, 5, 3)).astype("float32") * 3 - 1, rng.random((4, 5, 1)),
                rng.integers(0, 255, (4, 5, 4)).astype("uint8")):
        for kw in ({}, {"scale": False}):
            k, m = keras.utils.array_to_img(arr, **kw), lamina.utils.array_to_img(arr, **kw)
            assert (m.mode, m.size) == (k.mode, k.size)
            _same(np.asarray(m), np.asarray(k))
