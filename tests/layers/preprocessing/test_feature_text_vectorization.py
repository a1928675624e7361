"""TextVectorization gives the vocabularies and outputs Keras-with-TensorFlow gives.

Expected values were computed once with Keras 3.15.1 on TensorFlow 2.21
(``KERAS_BACKEND=tensorflow``, in a separate venv with ``tensorflow-cpu``) from the same
inputs; they are reference data. Note TF's rules kept here: only ASCII letters are lowercased,
only ASCII whitespace splits, and ties in counts go to the larger token (as UTF-8 bytes).
"""

import numpy as np
import pytest

import lamina
from lamina import layers

TEXTS = np.array(["The quick brown fox.", "the lazy dog!!", "Quick, quick: the FOX jumps",
                  "\u00c9t\u00e9 CAF\u00c9 caf\u00e9 -- don't"])

TF = {
    "tv_vocab": ["", "[UNK]", "the", "quick", "fox", "\u00c9t\u00e9", "lazy", "jumps", "dont",
                 "dog", "caf\u00e9", "caf\u00c9", "brown"],
    "tv_int": [[2, 4, 2, 9], [1, 1, 1, 3], [10, 0, 0, 0]],
    "tv2_vocab": ["", "[UNK]", "the", "quick", "fox", "\u00c9t\u00e9 caf\u00c9", "\u00c9t\u00e9",
                  "the quick"],
    "tv2_int": [[2, 3, 1, 7], [4, 0, 0, 0]],
    "tv3_vocab": ["[UNK]", "the", "\u00c9t\u00e9", "quick:", "quick,", "quick", "lazy", "jumps",
                  "fox.", "fox", "don't", "dog!!", "caf\u00e9", "caf\u00c9", "brown", "--"],
    "tv3_out": [[0.0, 1.3862943649291992] + [0.0] * 6 + [1.0986123085021973] + [0.0] * 7,
                [1.071581244468689] + [0.0] * 5 + [1.0986123085021973] + [0.0] * 9],
    "tv4_vocab": ["[UNK]", "a", "b", "c", " "],
    "tv4_out": [[0, 2, 1, 0, 0], [1, 0, 0, 1, 0]],
    "tv5_vocab": ["[UNK]", "the", "quick", "\u00c9t\u00e9 CAF\u00c9 caf\u00e9", "\u00c9t\u00e9",
                  "the lazy dog", "the FOX jumps", "quick the FOX", "quick brown fox", "lazy"],
    "tv5_out": [[1, 0, 1, 0, 0, 0, 0, 0, 1, 0], [1, 0, 0, 0, 0, 0, 0, 0, 0, 0]],
    "tv6_out": [[2, 3, 1], [3, 0, 0]],
    "tv7_out": [2, 1],
    "tv_ws": [[2, 3, 4, 1]],
}


def np_out(t):
    return np.asarray(lamina.ops.convert_to_numpy(t))


def test_default_standardize_split_and_ragged_padding():
    tv = layers.TextVectorization()
    tv.adapt(TEXTS)
    assert tv.get_vocabulary() == TF["tv_vocab"]
    out = tv(np.array(["the fox, the DOG", "unknown words here quick", "caf\u00e9"]))
    assert str(out.dtype).endswith("int64")
    assert np_out(out).tolist() == TF["tv_int"]


def test_ngrams_max_tokens_and_sequence_length():
    tv = layers.TextVectorization(max_tokens=8, output_sequence_length=4, ngrams=2)
    tv.adapt(TEXTS)
    assert tv.get_vocabulary() == TF["tv2_vocab"]
    assert np_out(tv(np.array(["the quick brown", "fox"]))).tolist() == TF["tv2_int"]


def test_tf_idf_with_lower_only():
    tv = layers.TextVectorization(output_mode="tf_idf", standardize="lower")
    tv.adapt(TEXTS)
    assert tv.get_vocabulary() == TF["tv3_vocab"]
    np.testing.assert_allclose(np_out(tv(np.array(["the fox. the", "lazy x"]))), TF["tv3_out"],
                               rtol=1e-6)


def test_character_split_count_and_strip_punctuation_multi_hot():
    tv = layers.TextVectorization(split="character", standardize=None, output_mode="count")
    tv.adapt(np.array(["abca", "b a"]))
    assert tv.get_vocabulary() == TF["tv4_vocab"]
    assert np_out(tv(np.array(["aab", "zc"]))).tolist() == TF["tv4_out"]
    mh = layers.TextVectorization(standardize="strip_punctuation", ngrams=(1, 3),
                                  output_mode="multi_hot", max_tokens=10, pad_to_max_tokens=True)
    mh.adapt(TEXTS)
    assert mh.get_vocabulary() == TF["tv5_vocab"]
    assert np_out(mh(np.array(["The quick brown fox", "dog"]))).tolist() == TF["tv5_out"]


def test_given_vocabulary_rank2_input_split_none_and_ascii_whitespace():
    tv = layers.TextVectorization(output_sequence_length=3, vocabulary=["x", "y"])
    assert tv.get_vocabulary() == ["", "[UNK]", "x", "y"]
    assert np_out(tv(np.array([["x y z x"], ["y"]]))).tolist() == TF["tv6_out"]
    whole = layers.TextVectorization(split=None, standardize=None)
    whole.adapt(np.array(["a b", "c", "a b"]))
    assert np_out(whole(np.array(["a b", "zz"]))).tolist() == TF["tv7_out"]
    ws = layers.TextVectorization(vocabulary=["a", "b", "c\u00a0d"], standardize=None)
    assert np_out(ws(np.array(["a\tb\nc\u00a0d  a\u2003b"]))).tolist() == TF["tv_ws"]


def test_callables_lists_bytes_and_batched_adapt():
    tv = layers.TextVectorization(
        standardize=lambda t: np.char.upper(t.astype(str)),
        split=lambda t: [s.split("-") for s in t],
    )
    tv.adapt(iter([np.array([b"a-b", b"b-c"]), (np.array(["b"]), np.array([1]))]))
    assert tv.get_vocabulary() == ["", "[UNK]", "B", "C", "A"]
    assert np_out(tv(["c-a-q"])).tolist() == [[3, 4, 1]]


def test_text_vectorization_bad_arguments():
    with pytest.raises(ValueError, match="standardize"):
        layers.TextVectorization(standardize="upper")
    with pytest.raises(ValueError, match="output_sequence_length"):
        layers.TextVectorization(output_mode="count", output_sequence_length=3)
    with pytest.raises(ValueError, match="sparse"):
        layers.TextVectorization(sparse=True)
    with pytest.raises(ValueError, match="last dimension of 1"):
        layers.TextVectorization(vocabulary=["a"])(np.array([["a", "b"]]))
    with pytest.raises(TypeError, match="expects strings"):
        layers.TextVectorization(vocabulary=["a"])(np.array([1.0]))


def test_config_round_trip():
    tv = layers.TextVectorization(max_tokens=5, ngrams=(1, 2), output_sequence_length=7)
    tv.adapt(TEXTS)
    cfg = tv.get_config()
    assert cfg["vocabulary"] is None and cfg["vocabulary_size"] == 5
    assert cfg["ngrams"] == (1, 2) and cfg["standardize"] == "lower_and_strip_punctuation"
    again = layers.TextVectorization.from_config(cfg)
    assert again.compute_output_shape((None, 1)) == (None, 7)


def test_adapt_on_a_lamina_dataset_of_strings():
    ds = lamina.utils.Dataset.from_tensor_slices(TEXTS).batch(3)
    tv = layers.TextVectorization()
    tv.adapt(ds)
    assert tv.get_vocabulary() == TF["tv_vocab"]
