"""Reuters newswires: 11,228 short news texts labelled by one of 46 topics, each a list of
word indices (words ranked by frequency), split 80/20 into training and test.

>>> from lamina.datasets import reuters
>>> (x_train, y_train), (x_test, y_test) = reuters.load_data(num_words=10000)  # doctest: +SKIP
>>> len(x_train), len(x_test)                                                  # doctest: +SKIP
(8982, 2246)
>>> reuters.get_label_names()[3]
'earn'
"""

from __future__ import annotations

import json

import numpy as np

from lamina.datasets import cache, safe_pickle, word_sequences

ORIGIN_FOLDER = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
FILE_HASH = "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916"
WORD_INDEX_HASH = "4d44cc38712099c9e383dc6e5f11a921"

LABEL_NAMES = (
    "cocoa", "grain", "veg-oil", "earn", "acq", "wheat", "copper", "housing", "money-supply",
    "coffee", "sugar", "trade", "reserves", "ship", "cotton", "carcass", "crude", "nat-gas",
    "cpi", "money-fx", "interest", "gnp", "meal-feed", "alum", "oilseed", "gold", "tin",
    "strategic-metal", "livestock", "retail", "ipi", "iron-steel", "rubber", "heat", "jobs",
    "lei", "bop", "zinc", "orange", "pet-chem", "dlr", "gas", "silver", "wpi", "hog", "lead",
)


def load_data(path: str = "reuters.npz", num_words: int | None = None, skip_top: int = 0,
              maxlen: int | None = None, test_split: float = 0.2, seed: int = 113,
              start_char: int | None = 1, oov_char: int | None = 2, index_from: int = 3):
    """Load Reuters as ``(x_train, y_train), (x_test, y_test)``.

    The newswires are shuffled with ``seed``, transformed as in ``imdb.load_data`` (same
    ``num_words``, ``skip_top``, ``maxlen``, ``start_char``, ``oov_char``, ``index_from``),
    then the last ``test_split`` fraction becomes the test set.

    Returns:
        ``x_*``: 1-D object arrays of lists of ints; ``y_*``: int64 topic indices (0-45,
        names in ``get_label_names()``).
    """
    word_sequences.check_args("reuters.load_data", num_words, skip_top, maxlen, start_char,
                              oov_char, index_from)
    if not 0 <= test_split <= 1:
        raise ValueError(
            f"reuters.load_data: `test_split` must be between 0 and 1; received {test_split}")
    local = cache.fetch("reuters.load_data", path, ORIGIN_FOLDER + "reuters.npz", FILE_HASH)
    data = safe_pickle.load_npz(local)
    xs, labels = word_sequences.shuffled(np.random.RandomState(seed), data["x"], data["y"])
    xs = word_sequences.mark(xs, start_char, index_from)
    if maxlen:
        xs, labels = word_sequences.drop_long(maxlen, xs, labels)
    xs = word_sequences.cut_vocabulary(xs, num_words, skip_top, oov_char)
    split = int(len(xs) * (1 - test_split))
    labels = np.asarray(labels)
    return ((word_sequences.object_array(xs[:split]), np.array(labels[:split])),
            (word_sequences.object_array(xs[split:]), np.array(labels[split:])))


def get_word_index(path: str = "reuters_word_index.json") -> dict:
    """The ``{word: index}`` dictionary of the newswires (index 1 is the most frequent)."""
    local = cache.fetch("reuters.get_word_index", path,
                        ORIGIN_FOLDER + "reuters_word_index.json", WORD_INDEX_HASH)
    with open(local, encoding="utf-8") as f:
        return json.load(f)


def get_label_names() -> tuple:
    """The 46 topic names, indexed by label."""
    return LABEL_NAMES
