"""Strings in lamina's TensorFlow stand-in: ``tf.constant``/``tf.convert_to_tensor`` of
strings give the string arrays lamina's lookups and string inputs take."""

import numpy as np
import pytest

import lamina
import lamina.compat.tensorflow as tf


def test_convert_to_tensor_of_strings_feeds_a_string_lookup():
    lookup = lamina.layers.StringLookup(vocabulary=["fixed", "normal", "reversible"])
    value = tf.convert_to_tensor(["normal"])
    assert value.shape == (1,)
    np.testing.assert_array_equal(lamina.ops.convert_to_numpy(lookup(value)), [2])
    np.testing.assert_array_equal(tf.constant([b"a", b"bc"]), np.array(["a", "bc"]))
    assert str(tf.constant("x")) == "x"
    assert lamina.ops.convert_to_numpy(tf.convert_to_tensor([60])).tolist() == [60]


def test_tf_strings_standardize_a_text_vectorization():
    import re
    import string

    def custom_standardization(input_data):
        lowercase = tf.strings.lower(input_data)
        stripped_html = tf.strings.regex_replace(lowercase, "<br />", " ")
        return tf.strings.regex_replace(stripped_html, f"[{re.escape(string.punctuation)}]", "")

    layer = lamina.layers.TextVectorization(standardize=custom_standardization,
                                            output_mode="int", output_sequence_length=4)
    layer.adapt(["A great<br />FILM!", "a bad film."])
    vocab = layer.get_vocabulary()
    assert set(vocab[2:]) == {"a", "film", "great", "bad"}
    texts = tf.expand_dims(tf.constant(["Great film!"]), -1)
    assert texts.shape == (1, 1)
    ids = lamina.ops.convert_to_numpy(layer(texts))
    assert [vocab[i] for i in ids[0][:2]] == ["great", "film"]


def test_tf_strings_functions_map_over_string_arrays():
    assert tf.strings.lower(["ÀB"]).tolist() == ["Àb"]  # ASCII only by default, as TF
    assert tf.strings.lower("ÀB", encoding="utf-8") == "àb"
    assert tf.strings.strip([" a ", "b\n"]).tolist() == ["a", "b"]
    assert tf.strings.join([["a", "b"], ["c", "d"]], separator="-").tolist() == ["a-c", "b-d"]
    assert tf.strings.reduce_join([["a", "b"], ["c", "d"]], axis=1).tolist() == ["ab", "cd"]
    assert lamina.ops.convert_to_numpy(tf.strings.length(["ab", "é"])).tolist() == [2, 2]
    assert tf.strings.split("a b  c").tolist() == ["a", "b", "c"]
    assert lamina.ops.convert_to_numpy(tf.strings.to_number(["1.5", "2"])).tolist() == [1.5, 2]
    assert tf.strings.regex_full_match(["ab1", "x"], r"[a-z]+\d").tolist() == [True, False]
    assert tf.concat([tf.constant(["a"]), tf.constant(["b"])], axis=0).tolist() == ["a", "b"]
    with pytest.raises(AttributeError, match="tf.strings.ngrams"):
        tf.strings.ngrams  # noqa: B018
