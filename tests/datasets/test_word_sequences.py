"""IMDB and Reuters: downloaded from the local server, and compared with Keras' own
load_data run on the same small npz files."""

import json
import os

import numpy as np
import pytest
from dataset_files import word_lists

from lamina.datasets import imdb, reuters
from lamina.utils.file_utils import hash_file


@pytest.fixture
def imdb_npz(served, monkeypatch):
    rng = np.random.default_rng(3)
    path = served.path("imdb.npz")
    np.savez(path, x_train=word_lists(rng, 9), y_train=rng.integers(0, 2, 9),
             x_test=word_lists(rng, 7), y_test=rng.integers(0, 2, 7))
    monkeypatch.setattr(imdb, "FILE_HASH", hash_file(path))
    return path


@pytest.fixture
def reuters_npz(served, monkeypatch):
    rng = np.random.default_rng(4)
    path = served.path("reuters.npz")
    np.savez(path, x=word_lists(rng, 13), y=rng.integers(0, 46, 13))
    monkeypatch.setattr(reuters, "FILE_HASH", hash_file(path))
    return path


def keras_module(name, monkeypatch, path):
    os.environ["KERAS_BACKEND"] = "torch"
    module = pytest.importorskip(f"keras.src.datasets.{name}")
    monkeypatch.setattr(module, "get_file", lambda *a, **k: path)  # same file, no download
    return module


def assert_same(ours, theirs):
    for a, b in zip((*ours[0], *ours[1]), (*theirs[0], *theirs[1])):
        assert len(a) == len(b)
        if a.dtype == object:
            assert [list(s) for s in a] == [list(s) for s in b]
        else:
            assert a.dtype == b.dtype
            np.testing.assert_array_equal(a, b)


CASES = [
    {},
    {"num_words": 20},
    {"num_words": 25, "skip_top": 6},
    {"maxlen": 8},
    {"seed": 7, "oov_char": None, "num_words": 18},
    {"start_char": None, "index_from": 0},
    {"start_char": None, "index_from": 5, "skip_top": 10},
    {"start_char": 4, "oov_char": 9, "index_from": 10, "num_words": 30, "maxlen": 11},
]


@pytest.mark.parametrize("kwargs", CASES)
def test_imdb_matches_keras(imdb_npz, served, monkeypatch, kwargs):
    ours = imdb.load_data(**kwargs)
    assert served.requests == ["/imdb.npz"]
    theirs = keras_module("imdb", monkeypatch, imdb_npz).load_data(**kwargs)
    assert_same(ours, theirs)
    x_train = ours[0][0]
    assert x_train.dtype == object and x_train.ndim == 1
    assert all(isinstance(s, list) for s in x_train)


@pytest.mark.parametrize("kwargs", [*CASES, {"test_split": 0.5}, {"test_split": 0.0}])
def test_reuters_matches_keras(reuters_npz, monkeypatch, kwargs):
    ours = reuters.load_data(**kwargs)
    theirs = keras_module("reuters", monkeypatch, reuters_npz).load_data(**kwargs)
    assert_same(ours, theirs)


def test_imdb_by_hand(imdb_npz):
    raw = np.load(imdb_npz, allow_pickle=True)
    (x_train, y_train), _ = imdb.load_data(num_words=15, skip_top=5)
    order = np.arange(9)
    np.random.RandomState(113).shuffle(order)
    first = raw["x_train"][order[0]]
    # start_char (1) is below skip_top, so it too becomes oov_char, as in Keras.
    expected = [w if 5 <= w < 15 else 2 for w in [1] + [w + 3 for w in first]]
    assert expected[0] == 2
    assert x_train[0] == expected and y_train[0] == raw["y_train"][order[0]]


def test_imdb_maxlen_too_small_is_refused(imdb_npz):
    with pytest.raises(ValueError, match="maxlen=1"):
        imdb.load_data(maxlen=1)


def test_word_index_and_label_names(served, monkeypatch):
    for module, name in ((imdb, "imdb_word_index.json"), (reuters, "reuters_word_index.json")):
        with open(served.path(name), "w") as f:
            json.dump({"the": 1, "and": 2}, f)
        monkeypatch.setattr(module, "WORD_INDEX_HASH", hash_file(served.path(name), "md5"))
        assert module.get_word_index() == {"the": 1, "and": 2}
    names = reuters.get_label_names()
    assert len(names) == 46 and names[:4] == ("cocoa", "grain", "veg-oil", "earn")
    os.environ["KERAS_BACKEND"] = "torch"
    keras_reuters = pytest.importorskip("keras.src.datasets.reuters")
    assert names == tuple(keras_reuters.get_label_names())


def test_bad_arguments_are_named(imdb_npz):
    with pytest.raises(TypeError, match="num_words"):
        imdb.load_data(num_words="100")
    with pytest.raises(TypeError, match="nb_words"):
        imdb.load_data(nb_words=100)
    with pytest.raises(ValueError, match="test_split"):
        reuters.load_data(test_split=1.5)
