"""The index transformations IMDB and Reuters share: seeded shuffle, start and
out-of-vocabulary markers, index offset, length filter and vocabulary cut, as Keras applies
them, in the same order (so the same arguments give the same arrays)."""

from __future__ import annotations

import numpy as np


def check_args(what: str, num_words, skip_top, maxlen, start_char, oov_char, index_from):
    for name, value in (("num_words", num_words), ("maxlen", maxlen),
                        ("start_char", start_char), ("oov_char", oov_char)):
        if value is not None and not isinstance(value, (int, np.integer)):
            raise TypeError(f"{what}: `{name}` must be an int or None; received {name}={value!r}")
    for name, value in (("skip_top", skip_top), ("index_from", index_from)):
        if not isinstance(value, (int, np.integer)) or value < 0:
            raise ValueError(f"{what}: `{name}` must be an int >= 0; received {name}={value!r}")


def shuffled(rng: np.random.RandomState, *arrays):
    """The arrays reordered by one permutation drawn from ``rng``."""
    order = np.arange(len(arrays[0]))
    rng.shuffle(order)
    return [a[order] for a in arrays]


def mark(seqs, start_char, index_from) -> list[list[int]]:
    """Shift every index by ``index_from`` and put ``start_char`` first (when not None)."""
    head = [] if start_char is None else [start_char]
    return [head + [w + index_from for w in seq] for seq in seqs]


def drop_long(maxlen, seqs, labels):
    """Keep only the sequences strictly shorter than ``maxlen`` (and their labels)."""
    kept = [(s, y) for s, y in zip(seqs, labels) if len(s) < maxlen]
    return [s for s, _ in kept], [y for _, y in kept]


def cut_vocabulary(seqs, num_words, skip_top, oov_char) -> list[list[int]]:
    """Indices outside ``[skip_top, num_words)`` become ``oov_char``, or are dropped when
    ``oov_char`` is None; ``num_words`` None or 0 keeps every index up to the largest."""
    if not num_words:
        num_words = max(max(s) for s in seqs if len(s))
    if oov_char is None:
        return [[w for w in s if skip_top <= w < num_words] for s in seqs]
    return [[w if skip_top <= w < num_words else oov_char for w in s] for s in seqs]


def object_array(seqs) -> np.ndarray:
    """A 1-D object array of lists (one per sequence), whatever their lengths."""
    out = np.empty(len(seqs), dtype=object)
    for i, s in enumerate(seqs):
        out[i] = s
    return out
