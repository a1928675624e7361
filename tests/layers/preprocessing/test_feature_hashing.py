"""Hashing and HashedCrossing give the bins Keras-with-TensorFlow gives.

Reference values were computed once with TensorFlow 2.21 / Keras 3.15.1
(``KERAS_BACKEND=tensorflow``, separate venv with ``tensorflow-cpu``): the ``tf.strings``
hash ops on ``WORDS``, and the Keras layers on the inputs shown in each test.
"""

import sys

import numpy as np
import pytest

import lamina
from lamina import layers
from lamina.layers.preprocessing import string_hash

pytest.importorskip("farmhash")

WORDS = ["", "a", "hello", "Hello, World!", "lamina", "caf\u00e9", "7", "-3", "0",
         "the quick brown fox"]
TF_FAST_1000 = [263, 939, 296, 330, 222, 587, 88, 699, 735, 161]  # to_hash_bucket_fast
TF_FP64 = [1936946117179621456, 3694432073954588132, 3786372426573024489, 2134954489577875523,
           1993324533639882222, 2156005646011579780, 590358713228080281, 245568598851291699,
           5975597238397796928, 3343755477575298354]  # to_hash_bucket_fast(words, 2**63 - 1)
TF_STRONG_97_K12 = [47, 70, 93, 17, 19, 38, 72, 46, 5, 75]  # to_hash_bucket_strong, key [1, 2]
TF_STRONG_1000_K133 = [900, 354, 957, 543, 279, 262, 382, 688, 369, 201]  # key [133, 137]
ABCDE = np.array([["A"], ["B"], ["C"], ["D"], ["E"]])


def np_out(t):
    return np.asarray(lamina.ops.convert_to_numpy(t)).tolist()


def test_hash_functions_match_tensorflow():
    assert string_hash.hash_bucket_fast(WORDS, 1000).tolist() == TF_FAST_1000
    assert string_hash.hash_bucket_fast(WORDS, 2**63 - 1).tolist() == TF_FP64
    assert string_hash.hash_bucket_strong(WORDS, 97, [1, 2]).tolist() == TF_STRONG_97_K12
    assert string_hash.hash_bucket_strong(WORDS, 1000, [133, 137]).tolist() == \
        TF_STRONG_1000_K133
    # integers hash as their decimal strings (tf.strings.as_string)
    assert string_hash.hash_bucket_fast([7, -3, 0], 1000).tolist() == TF_FAST_1000[6:9]


def test_hashing_layer_int_mode():
    assert np_out(layers.Hashing(num_bins=3)(ABCDE)) == [[1], [0], [1], [1], [2]]
    masked = layers.Hashing(num_bins=3, mask_value="")
    assert np_out(masked(np.array([["A"], ["B"], [""], ["C"], ["D"]]))) == \
        [[1], [1], [0], [2], [2]]
    assert np_out(layers.Hashing(num_bins=3)(np.array([[1], [2], [3], [4], [5]]))) == \
        [[0], [1], [0], [2], [1]]
    zero_mask = layers.Hashing(num_bins=5, mask_value=0)
    assert np_out(zero_mask(np.array([[0], [1], [2], [3], [40]]))) == [[0], [2], [4], [2], [1]]
    floats = layers.Hashing(num_bins=7)(np.array([[1.5], [2.0], [-0.25]], dtype="float32"))
    assert np_out(floats) == [[5], [5], [2]]
    out = layers.Hashing(num_bins=3)(lamina.ops.convert_to_tensor(np.array([[1], [2]])))
    assert np_out(out) == [[0], [1]] and str(out.dtype).endswith("int64")


def test_hashing_salt_and_vector_modes():
    assert np_out(layers.Hashing(num_bins=3, salt=133)(ABCDE)) == [[0], [0], [2], [1], [0]]
    assert np_out(layers.Hashing(num_bins=11, salt=[5, 9])(ABCDE)) == [[5], [0], [5], [4], [9]]
    mh = layers.Hashing(num_bins=4, output_mode="multi_hot")
    assert np_out(mh(np.array([["A", "B"], ["C", "D"]]))) == [[1.0, 0, 0, 0], [0, 0, 0, 1.0]]
    count = layers.Hashing(num_bins=4, output_mode="count")
    assert np_out(count(np.array([["A", "A", "B"], ["C", "D", "D"]]))) == \
        [[3.0, 0, 0, 0], [0, 0, 0, 3.0]]
    oh = layers.Hashing(num_bins=4, output_mode="one_hot")
    assert np_out(oh(np.array(["A", "B", "C"]))) == [[1.0, 0, 0, 0], [1.0, 0, 0, 0],
                                                      [0, 0, 0, 1.0]]


def test_hashed_crossing_matches_tensorflow():
    cross = layers.HashedCrossing(num_bins=5)
    assert np_out(cross((np.array([1, 2, 3, 4]), np.array(["A", "B", "A", "C"])))) == \
        [2, 3, 1, 0]
    oh = layers.HashedCrossing(num_bins=4, output_mode="one_hot")
    assert np_out(oh((np.array([1, 2, 3]), np.array(["A", "B", "C"])))) == \
        [[0, 1.0, 0, 0], [0, 1.0, 0, 0], [0, 0, 1.0, 0]]
    three = layers.HashedCrossing(num_bins=10)
    assert np_out(three((np.array(["a", "b"]), np.array([3, 4]), np.array(["x", "y"])))) == \
        [3, 8]
    assert np_out(three((np.array([[1], [2]]), np.array([["A"], ["B"]])))) == [[7], [3]]


def test_hashing_errors_and_missing_farmhash(monkeypatch):
    with pytest.raises(ValueError, match="num_bins"):
        layers.Hashing(num_bins=0)
    with pytest.raises(ValueError, match="sparse"):
        layers.Hashing(num_bins=3, output_mode="multi_hot", sparse=True)
    with pytest.raises(ValueError, match="salt"):
        layers.Hashing(num_bins=3, salt="x")
    with pytest.raises(ValueError, match="equal shape"):
        layers.HashedCrossing(num_bins=3)((np.array([1, 2]), np.array([1])))
    with pytest.raises(ValueError, match="at least two"):
        layers.HashedCrossing(num_bins=3)((np.array([1, 2]),))
    monkeypatch.setitem(sys.modules, "farmhash", None)
    with pytest.raises(ImportError, match="pip install pyfarmhash"):
        layers.Hashing(num_bins=3)(np.array(["a"]))


def test_hashing_configs_round_trip():
    layer = layers.Hashing(num_bins=3, salt=7, mask_value="")
    cfg = layer.get_config()
    assert cfg["salt"] == [7, 7] and cfg["dtype"]["config"]["name"] == "int64"
    assert np_out(layers.Hashing.from_config(cfg)(ABCDE)) == np_out(layer(ABCDE))
    cross = layers.HashedCrossing(num_bins=4)
    assert layers.HashedCrossing.from_config(cross.get_config()).num_bins == 4
