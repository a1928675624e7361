"""Strings in lamina's TensorFlow stand-in: ``tf.constant``/``tf.convert_to_tensor`` of
strings give the string arrays lamina's lookups and string inputs take."""

import numpy as np

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
