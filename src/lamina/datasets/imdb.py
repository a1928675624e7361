"""IMDB movie reviews: 25,000 training and 25,000 test reviews labelled by sentiment
(1 positive, 0 negative), each a list of word indices (words ranked by frequency).

>>> from lamina.datasets import imdb
>>> (x_train, y_train), (x_test, y_test) = imdb.load_data(num_words=10000)   # doctest: +SKIP
>>> x_train.dtype, x_train[0][:3]                                          # doctest: +SKIP
(dtype('O'), [1, 14, 22])

Index 0 is never a word (padding); ``start_char`` (1) starts every review and ``oov_char`` (2)
stands for words outside the vocabulary, so word ``i`` of ``get_word_index()`` appears as
``i + index_from`` (3).
"""

from __future__ import annotations

import json

import numpy as np

from lamina.datasets import cache, safe_pickle, word_sequences

ORIGIN_FOLDER = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
FILE_HASH = "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f"
WORD_INDEX_HASH = "bfafd718b763782e994055a2d397834f"


def load_data(path: str = "imdb.npz", num_words: int | None = None, skip_top: int = 0,
              maxlen: int | None = None, seed: int = 113, start_char: int | None = 1,
              oov_char: int | None = 2, index_from: int = 3, **kwargs):
    """Load IMDB as ``(x_train, y_train), (x_test, y_test)``.

    Args:
        path: the file name in the cache folders.
        num_words: keep the ``num_words`` most frequent words (indices ``< num_words``);
            None keeps all.
        skip_top: also treat the ``skip_top`` most frequent words as out of vocabulary.
        maxlen: drop reviews of ``maxlen`` indices or more (counted with ``start_char``).
        seed: seed of the shuffle of each split.
        start_char: index put at the start of each review; None for none.
        oov_char: index that replaces cut words; None drops them instead.
        index_from: offset added to every word index.

    Returns:
        ``x_*``: 1-D object arrays of lists of ints; ``y_*``: int64 arrays of 0/1.
    """
    if kwargs:
        raise TypeError(f"imdb.load_data: unexpected arguments {sorted(kwargs)}")
    word_sequences.check_args("imdb.load_data", num_words, skip_top, maxlen, start_char,
                              oov_char, index_from)
    local = cache.fetch("imdb.load_data", path, ORIGIN_FOLDER + "imdb.npz", FILE_HASH)
    data = safe_pickle.load_npz(local)
    rng = np.random.RandomState(seed)
    # One generator for both splits, train first, so the test order depends on the seed too.
    x_train, y_train = word_sequences.shuffled(rng, data["x_train"], data["y_train"])
    x_test, y_test = word_sequences.shuffled(rng, data["x_test"], data["y_test"])
    x_train = word_sequences.mark(x_train, start_char, index_from)
    x_test = word_sequences.mark(x_test, start_char, index_from)
    if maxlen:
        x_train, y_train = word_sequences.drop_long(maxlen, x_train, y_train)
        x_test, y_test = word_sequences.drop_long(maxlen, x_test, y_test)
        if not x_train or not x_test:
            raise ValueError(
                f"imdb.load_data: no review is shorter than maxlen={maxlen}, so none was "
                "kept. Increase `maxlen`."
            )
    n_train = len(x_train)
    xs = word_sequences.cut_vocabulary(x_train + x_test, num_words, skip_top, oov_char)
    labels = np.concatenate([np.asarray(y_train), np.asarray(y_test)])
    return ((word_sequences.object_array(xs[:n_train]), labels[:n_train]),
            (word_sequences.object_array(xs[n_train:]), labels[n_train:]))


def get_word_index(path: str = "imdb_word_index.json") -> dict:
    """The ``{word: index}`` dictionary (index 1 is the most frequent word).

    >>> index = get_word_index()          # doctest: +SKIP
    >>> index["the"]                      # doctest: +SKIP
    1
    """
    local = cache.fetch("imdb.get_word_index", path, ORIGIN_FOLDER + "imdb_word_index.json",
                        WORD_INDEX_HASH)
    with open(local, encoding="utf-8") as f:
        return json.load(f)
