"""Preprocessing against real Keras 3 (its ``keras.utils`` functions and its legacy Keras 2
``ImageDataGenerator``, ``Tokenizer`` and ``TimeseriesGenerator``): same inputs, same seeds,
same outputs."""

import numpy as np
import pytest

from lamina.preprocessing import image as limage
from lamina.preprocessing import sequence as lsequence
from lamina.preprocessing import text as ltext


@pytest.fixture(scope="module")
def legacy(keras):
    from keras.src.legacy.preprocessing import image, sequence, text

    return image, sequence, text


# -- pad_sequences ---------------------------------------------------------------------------


@pytest.mark.parametrize("padding", ["pre", "post"])
@pytest.mark.parametrize("truncating", ["pre", "post"])
@pytest.mark.parametrize("maxlen", [None, 1, 3, 7])
def test_pad_sequences_matches_keras(keras, rng, padding, truncating, maxlen):
    seqs = [rng.integers(1, 50, rng.integers(0, 6)).tolist() for _ in range(8)]
    seqs[0] = [1, 2, 3, 4, 5]
    kwargs = {"maxlen": maxlen, "padding": padding, "truncating": truncating}
    want = keras.utils.pad_sequences(seqs, **kwargs)
    got = lsequence.pad_sequences(seqs, **kwargs)
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("kwargs", [
    {"dtype": "float32", "value": -1.5},
    {"dtype": "int64", "value": 9, "maxlen": 4},
    {"dtype": "float64", "padding": "post", "value": 0.25},
])
def test_pad_sequences_dtypes_and_values_match_keras(keras, rng, kwargs):
    seqs = [rng.normal(size=rng.integers(1, 6)).tolist() for _ in range(5)]
    np.testing.assert_array_equal(lsequence.pad_sequences(seqs, **kwargs),
                                  keras.utils.pad_sequences(seqs, **kwargs))


def test_pad_sequences_of_vectors_matches_keras(keras, rng):
    seqs = [rng.normal(size=(n, 3)) for n in (2, 5, 1)]
    np.testing.assert_array_equal(lsequence.pad_sequences(seqs, maxlen=4, dtype="float32"),
                                  keras.utils.pad_sequences(seqs, maxlen=4, dtype="float32"))


# -- ImageDataGenerator ----------------------------------------------------------------------

AUGMENTATIONS = [
    {"rotation_range": 35},
    {"width_shift_range": 0.2, "height_shift_range": 0.1},
    {"width_shift_range": [-2, 1, 3], "height_shift_range": 2},
    {"shear_range": 25, "fill_mode": "reflect"},
    {"zoom_range": 0.3, "fill_mode": "constant", "cval": 7.0},
    {"zoom_range": [0.5, 1.2], "fill_mode": "wrap"},
    {"horizontal_flip": True, "vertical_flip": True},
    {"channel_shift_range": 30.0},
    {"brightness_range": (0.5, 1.5)},
    {"rotation_range": 20, "width_shift_range": 0.1, "shear_range": 0.2, "zoom_range": 0.2,
     "horizontal_flip": True, "rescale": 1 / 255},
]


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("kwargs", AUGMENTATIONS)
def test_random_transform_matches_keras(legacy, rng, kwargs, data_format):
    x = rng.uniform(0, 255, (9, 7, 3)).astype("float32")
    if data_format == "channels_first":
        if "brightness_range" in kwargs:
            pytest.skip("Keras 2 brightness shifts fail on channels_first images (lamina's work)")
        x = np.ascontiguousarray(x.transpose(2, 0, 1))
    ours = limage.ImageDataGenerator(data_format=data_format, **kwargs)
    theirs = legacy[0].ImageDataGenerator(data_format=data_format, **kwargs)
    for seed in range(3):
        p_ours = ours.get_random_transform(x.shape, seed=seed)
        p_theirs = theirs.get_random_transform(x.shape, seed=seed)
        assert p_ours.keys() == p_theirs.keys()
        for k in p_ours:
            np.testing.assert_allclose(np.asarray(p_ours[k], dtype=float) if p_ours[k] is not
                                       None else 0.0,
                                       np.asarray(p_theirs[k], dtype=float) if p_theirs[k] is
                                       not None else 0.0, err_msg=k)
        got = ours.standardize(ours.random_transform(np.copy(x), seed=seed))
        want = theirs.standardize(theirs.random_transform(np.copy(x), seed=seed))
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-4)


def test_flow_matches_keras(legacy, rng):
    x = rng.uniform(0, 255, (11, 8, 8, 3)).astype("float32")
    y = rng.integers(0, 3, 11)
    w = rng.uniform(size=11)
    kwargs = {"rotation_range": 15, "zoom_range": 0.1, "horizontal_flip": True,
              "rescale": 1 / 255}
    ours = limage.ImageDataGenerator(**kwargs).flow(x, y, sample_weight=w, batch_size=4, seed=7)
    theirs = legacy[0].ImageDataGenerator(**kwargs).flow(x, y, sample_weight=w, batch_size=4,
                                                         seed=7)
    assert len(ours) == len(theirs)
    for i in range(len(ours)):
        for a, b in zip(ours[i], theirs[i]):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)
    for _ in range(4):  # the Keras 2 generator protocol too
        for a, b in zip(next(ours), next(theirs)):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)


def test_fit_statistics_match_keras(legacy, rng):
    x = rng.uniform(0, 255, (30, 3, 3, 3)).astype("float32")
    kwargs = {"featurewise_center": True, "featurewise_std_normalization": True,
              "rescale": 1 / 255}
    ours, theirs = limage.ImageDataGenerator(**kwargs), legacy[0].ImageDataGenerator(**kwargs)
    ours.fit(x)
    theirs.fit(x)
    np.testing.assert_allclose(ours.mean, theirs.mean, rtol=1e-5)
    np.testing.assert_allclose(ours.std, theirs.std, rtol=1e-5)
    with pytest.warns(UserWarning):
        zo = limage.ImageDataGenerator(zca_whitening=True)
    with pytest.warns(UserWarning):
        zt = legacy[0].ImageDataGenerator(zca_whitening=True)
    zo.fit(x, augment=True, rounds=2, seed=3)
    zt.fit(x, augment=True, rounds=2, seed=3)
    np.testing.assert_allclose(zo.zca_whitening_matrix, zt.zca_whitening_matrix, rtol=1e-3,
                               atol=1e-4)
    np.testing.assert_allclose(zo.standardize(np.copy(x[:2])), zt.standardize(np.copy(x[:2])),
                               rtol=1e-3, atol=1e-3)


def _write_tree(root, rng):
    from PIL import Image

    for name, count in {"b_cls": 3, "a_cls": 4}.items():
        (root / name).mkdir(parents=True)
        for i in range(count):
            arr = rng.integers(0, 256, (9, 13, 3), dtype=np.uint8)
            Image.fromarray(arr).save(root / name / f"{i}.png")


@pytest.mark.parametrize("class_mode", ["categorical", "binary", "sparse", "input", None])
def test_flow_from_directory_matches_keras(legacy, rng, tmp_path, class_mode):
    _write_tree(tmp_path, rng)
    kwargs = {"shear_range": 0.2, "zoom_range": 0.2, "horizontal_flip": True,
              "rescale": 1 / 255, "validation_split": 0.3}
    flow = {"target_size": (6, 8), "batch_size": 3, "seed": 11, "class_mode": class_mode,
            "subset": "training"}
    ours = limage.ImageDataGenerator(**kwargs).flow_from_directory(tmp_path, **flow)
    theirs = legacy[0].ImageDataGenerator(**kwargs).flow_from_directory(str(tmp_path), **flow)
    assert ours.class_indices == theirs.class_indices
    assert ours.filenames == theirs.filenames
    np.testing.assert_array_equal(ours.classes, theirs.classes)
    assert len(ours) == len(theirs)
    for i in range(len(ours)):
        a, b = ours[i], theirs[i]
        if class_mode is None:
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
        else:
            for u, v in zip(a, b):
                np.testing.assert_allclose(u, v, rtol=1e-5, atol=1e-6)


# -- image utilities -------------------------------------------------------------------------


def test_image_utils_match_keras(keras, rng, tmp_path):
    x = rng.uniform(-3, 5, (6, 5, 3)).astype("float32")
    a, b = limage.array_to_img(x), keras.utils.array_to_img(x)
    np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    limage.save_img(tmp_path / "l.png", x)
    keras.utils.save_img(str(tmp_path / "k.png"), x)
    for kwargs in [{}, {"color_mode": "grayscale"}, {"target_size": (3, 4)},
                   {"target_size": (4, 4), "keep_aspect_ratio": True,
                    "interpolation": "bilinear"}]:
        ours = limage.img_to_array(limage.load_img(tmp_path / "l.png", **kwargs))
        theirs = keras.utils.img_to_array(keras.utils.load_img(str(tmp_path / "k.png"),
                                                               **kwargs))
        np.testing.assert_array_equal(ours, theirs)


# -- Keras 2 text and sequence classes -------------------------------------------------------

TEXTS = ["The quick brown fox.", "the lazy dog, the end!", "Fox and dog and fox", ""]


@pytest.mark.parametrize("kwargs", [{}, {"num_words": 4}, {"oov_token": "<?>"},
                                    {"num_words": 5, "oov_token": "<?>"}, {"char_level": True},
                                    {"lower": False, "filters": ""}])
def test_tokenizer_matches_keras(legacy, kwargs):
    ours, theirs = ltext.Tokenizer(**kwargs), legacy[2].Tokenizer(**kwargs)
    ours.fit_on_texts(TEXTS)
    theirs.fit_on_texts(TEXTS)
    assert ours.word_index == theirs.word_index
    assert dict(ours.word_counts) == dict(theirs.word_counts)
    queries = ["the fox and a cat", "Dog dog"]
    assert ours.texts_to_sequences(queries) == theirs.texts_to_sequences(queries)
    for mode in ("binary", "count", "freq", "tfidf"):
        np.testing.assert_allclose(ours.texts_to_matrix(queries, mode=mode),
                                   theirs.texts_to_matrix(queries, mode=mode))
    seqs = ours.texts_to_sequences(TEXTS)
    assert ours.sequences_to_texts(seqs) == theirs.sequences_to_texts(seqs)


def test_text_helpers_match_keras(legacy):
    text = "Hello, hello world! This -- is a   test."
    assert ltext.text_to_word_sequence(text) == legacy[2].text_to_word_sequence(text)
    assert (ltext.hashing_trick(text, 17, hash_function="md5")
            == legacy[2].hashing_trick(text, 17, hash_function="md5"))


def test_timeseries_generator_matches_keras(legacy, rng):
    data = rng.normal(size=(40, 2))
    targets = rng.normal(size=40)
    kwargs = {"length": 6, "sampling_rate": 2, "stride": 3, "start_index": 2, "end_index": 35,
              "batch_size": 4}
    ours = lsequence.TimeseriesGenerator(data, targets, **kwargs)
    theirs = legacy[1].TimeseriesGenerator(data, targets, **kwargs)
    assert len(ours) == len(theirs)
    for i in range(len(ours)):
        for a, b in zip(ours[i], theirs[i]):
            np.testing.assert_array_equal(a, b)
