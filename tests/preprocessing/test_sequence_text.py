"""pad_sequences, TimeseriesGenerator and the Keras 2 Tokenizer."""

import numpy as np
import pytest

from lamina.preprocessing.sequence import TimeseriesGenerator, pad_sequences
from lamina.preprocessing.text import (
    Tokenizer,
    hashing_trick,
    one_hot,
    text_to_word_sequence,
    tokenizer_from_json,
)


def test_pad_sequences_pre_and_post():
    seqs = [[1, 2, 3], [4, 5], [6]]
    np.testing.assert_array_equal(pad_sequences(seqs), [[1, 2, 3], [0, 4, 5], [0, 0, 6]])
    np.testing.assert_array_equal(pad_sequences(seqs, padding="post"),
                                  [[1, 2, 3], [4, 5, 0], [6, 0, 0]])
    np.testing.assert_array_equal(pad_sequences(seqs, maxlen=2), [[2, 3], [4, 5], [0, 6]])
    np.testing.assert_array_equal(pad_sequences(seqs, maxlen=2, truncating="post"),
                                  [[1, 2], [4, 5], [0, 6]])
    assert pad_sequences(seqs).dtype == np.int32


def test_pad_sequences_value_dtype_and_shapes():
    out = pad_sequences([[0.5], [1.5, 2.5]], dtype="float32", value=-1.0)
    np.testing.assert_array_equal(out, [[-1.0, 0.5], [1.5, 2.5]])
    assert out.dtype == np.float32
    vecs = pad_sequences([np.ones((2, 3)), np.ones((1, 3))], maxlen=3, dtype="float32")
    assert vecs.shape == (2, 3, 3) and vecs[1, :2].sum() == 0
    assert pad_sequences([[], [1]]).tolist() == [[0], [1]]
    words = pad_sequences([["a"], ["b", "c"]], dtype=object, value="")
    assert words.tolist() == [["", "a"], ["b", "c"]]


def test_pad_sequences_refuses_bad_arguments():
    with pytest.raises(ValueError, match="Padding"):
        pad_sequences([[1]], padding="middle")
    with pytest.raises(ValueError, match="Truncating"):
        pad_sequences([[1]], truncating="both")
    with pytest.raises(ValueError, match="non-iterable"):
        pad_sequences([1, 2])
    with pytest.raises(ValueError, match="dtype"):
        pad_sequences([[1]], value="x")


def test_timeseries_generator():
    data = np.arange(20).reshape(20, 1)
    gen = TimeseriesGenerator(data, np.arange(20), length=5, sampling_rate=1, batch_size=4)
    assert len(gen) == 4
    x, y = gen[0]
    assert x.shape == (4, 5, 1)
    np.testing.assert_array_equal(x[0, :, 0], [0, 1, 2, 3, 4])
    np.testing.assert_array_equal(y, [5, 6, 7, 8])
    rev = TimeseriesGenerator(data, np.arange(20), length=4, sampling_rate=2, reverse=True)
    np.testing.assert_array_equal(rev[0][0][0, :, 0], [2, 0])
    with pytest.raises(ValueError, match="same length"):
        TimeseriesGenerator(data, np.arange(3), length=2)


def test_text_to_word_sequence_and_hashing():
    assert text_to_word_sequence("The cat, the HAT!") == ["the", "cat", "the", "hat"]
    assert text_to_word_sequence("a-b c", filters="", split="-") == ["a", "b c"]
    idx = hashing_trick("one two one", 10, hash_function="md5")
    assert idx[0] == idx[2] and all(1 <= i <= 9 for i in idx)
    assert all(1 <= i <= 4 for i in one_hot("x y z w", 5))


def test_tokenizer_word_index_and_sequences():
    t = Tokenizer()
    t.fit_on_texts(["the cat sat on the mat", "the dog sat"])
    assert t.word_index["the"] == 1 and t.word_index["sat"] == 2
    assert t.document_count == 2 and t.word_counts["the"] == 3 and t.word_docs["sat"] == 2
    assert t.texts_to_sequences(["the dog", "unknown cat"]) == [[1, 6], [3]]
    assert t.sequences_to_texts([[1, 6]]) == ["the dog"]


def test_tokenizer_num_words_and_oov():
    t = Tokenizer(num_words=3, oov_token="<oov>")
    t.fit_on_texts(["a a a b b c"])
    assert t.word_index == {"<oov>": 1, "a": 2, "b": 3, "c": 4}
    assert t.texts_to_sequences(["a b c d"]) == [[2, 1, 1, 1]]


def test_tokenizer_matrices():
    t = Tokenizer()
    texts = ["a a b", "b c"]
    t.fit_on_texts(texts)
    binary = t.texts_to_matrix(texts)
    assert binary.shape == (2, 4)
    np.testing.assert_array_equal(binary, [[0, 1, 1, 0], [0, 0, 1, 1]])  # a=1, b=2, c=3
    counts = t.texts_to_matrix(["a a b"], mode="count")
    assert counts[0, t.word_index["a"]] == 2
    freq = t.texts_to_matrix(["a a b"], mode="freq")
    assert freq[0, t.word_index["a"]] == pytest.approx(2 / 3)
    tfidf = t.texts_to_matrix(["a a b"], mode="tfidf")
    assert tfidf[0, t.word_index["a"]] > 0
    with pytest.raises(ValueError, match="mode"):
        t.texts_to_matrix(texts, mode="bm25")


def test_tokenizer_char_level_and_json_round_trip():
    t = Tokenizer(char_level=True)
    t.fit_on_texts(["abca"])
    assert t.word_index["a"] == 1
    assert t.texts_to_sequences(["cab"]) == [[3, 1, 2]]
    back = tokenizer_from_json(t.to_json())
    assert back.word_index == t.word_index
    assert back.texts_to_sequences(["cab"]) == [[3, 1, 2]]


def test_tokenizer_nb_words_is_the_keras1_name():
    with pytest.warns(UserWarning, match="num_words"):
        t = Tokenizer(nb_words=5)
    assert t.num_words == 5
