"""StringLookup and IntegerLookup give the indices Keras-with-TensorFlow gives.

The expected values below were computed once with Keras 3.15.1 on TensorFlow 2.21
(``KERAS_BACKEND=tensorflow``, a separate venv: ``pip install tensorflow-cpu``) by calling the
same layers on the same inputs; they are reference data, not lamina's own output.
"""

import numpy as np
import pytest

import lamina
from lamina import layers

DATA = np.array([["a", "c", "d"], ["d", "z", "b"], ["b", "d", "c"], ["e", "e", "e"]])
IDATA = np.array([[12, 1138, 42], [42, 1000, 36], [36, 12, 42]])

# Keras-with-TF reference values (see the module docstring)
TF = {
    "sl_vocab": ["[UNK]", "e", "d", "c", "b", "z", "a"],
    "sl_int": [[6, 0, 1], [2, 5, 3]],
    "sl2_vocab": ["", "[UNK]", "[UNK]", "e", "d", "c"],
    "sl2_int": [[2, 0, 2], [2, 1, 3]],
    "sl3_idf": [0.9472633004188538, 1.0986123085021973, 0.6931471824645996,
                0.8472978472709656, 0.8472978472709656, 1.0986123085021973,
                1.0986123085021973],
    "sl3_out": [[0.0, 0.0, 1.3862943649291992, 0.0, 0.0, 0.0, 1.0986123085021973],
                [0.9472633004188538, 1.0986123085021973, 0.0, 0.0, 0.8472978472709656, 0.0,
                 0.0]],
    "sl4_out": [[1, 0, 0, 0, 0, 0, 1, 0], [0, 1, 0, 0, 1, 0, 0, 0]],
    "sl5_out": [[0, 0, 2, 0, 0, 0, 1], [2, 1, 0, 0, 0, 0, 0]],
    "sl6_out": [[0, 1, 0, 0], [0, 0, 0, 1], [1, 0, 0, 0]],
    "sl_inv": ["[UNK]", "a", "b", "[M]"],
    "sl_inv_vocab": ["[M]", "[UNK]", "a", "b", "c"],
    "sl_oov3": [3, 2, 2, 1, 4, 1],
    "il_vocab": [-1, 42, 36, 12, 1138, 1000],
    "il_int": [[3, 4, 1], [1, 5, 0]],
    "il2_vocab": [0, -1, -1, 42, 36, 12, 1138, 1000],
    "il2_int": [[0, 5, 2], [1, 2, 4]],
    "il3_farm": [2, 1, 1, 0, 3, 0],
    "il4_out": [[1, 0, 0, 1, 0, 0], [0, 0, 0, 0, 1, 0]],
}


def np_out(t):
    return np.asarray(lamina.ops.convert_to_numpy(t))


def test_string_lookup_adapt_orders_by_count_then_token_descending():
    layer = layers.StringLookup()
    layer.adapt(DATA)
    assert layer.get_vocabulary() == TF["sl_vocab"]
    assert layer.get_vocabulary(include_special_tokens=False) == TF["sl_vocab"][1:]
    assert layer.vocabulary_size() == 7
    out = layer(np.array([["a", "q", "e"], ["d", "z", "c"]]))
    assert lamina.ops.is_tensor(out) and str(out.dtype).endswith("int64")
    assert np_out(out).tolist() == TF["sl_int"]


def test_string_lookup_mask_several_oov_and_max_tokens():
    layer = layers.StringLookup(mask_token="", num_oov_indices=2, max_tokens=6)
    layer.adapt(DATA)
    assert layer.get_vocabulary() == TF["sl2_vocab"]
    # out-of-vocabulary strings go to FarmHash buckets, as TF's to_hash_bucket_fast
    assert np_out(layer(np.array([["a", "", "qq"], ["z", "zz", "e"]]))).tolist() == TF["sl2_int"]


def test_string_lookup_tf_idf_weights_and_output():
    layer = layers.StringLookup(output_mode="tf_idf")
    layer.adapt(DATA)
    np.testing.assert_allclose(layer.idf_weights, TF["sl3_idf"], rtol=1e-6)
    out = np_out(layer(np.array([["a", "d", "d"], ["q", "e", "b"]])))
    np.testing.assert_allclose(out, TF["sl3_out"], rtol=1e-6)


def test_string_lookup_multi_hot_count_one_hot():
    mh = layers.StringLookup(output_mode="multi_hot", mask_token="[MASK]",
                             pad_to_max_tokens=True, max_tokens=8)
    mh.adapt(DATA)
    assert np_out(mh(np.array([["a", "[MASK]", "zz"], ["e", "e", "b"]]))).tolist() == TF["sl4_out"]
    count = layers.StringLookup(output_mode="count")
    count.adapt(DATA)
    assert np_out(count(np.array([["a", "d", "d"], ["q", "e", "q"]]))).tolist() == TF["sl5_out"]
    oh = layers.StringLookup(output_mode="one_hot", vocabulary=["a", "b", "c"])
    assert np_out(oh(np.array(["a", "c", "x"]))).tolist() == TF["sl6_out"]


def test_string_lookup_invert_bytes_and_lists():
    inv = layers.StringLookup(vocabulary=["a", "b", "c"], invert=True, mask_token="[M]")
    assert inv.get_vocabulary() == TF["sl_inv_vocab"]
    assert inv(np.array([[1, 2], [3, 0]])).reshape(-1).tolist() == TF["sl_inv"]
    fwd = layers.StringLookup(vocabulary=["a", "b", "c"])
    assert np_out(fwd([b"a", b"c", "b"])).tolist() == [1, 3, 2]
    oov = layers.StringLookup(vocabulary=["a", "b"], num_oov_indices=3)
    assert np_out(oov(np.array(["a", "x", "y", "zz", "b", "hello"]))).tolist() == TF["sl_oov3"]


def test_integer_lookup_matches_tf():
    layer = layers.IntegerLookup()
    layer.adapt(IDATA)
    assert layer.get_vocabulary() == TF["il_vocab"]
    assert np_out(layer(np.array([[12, 1138, 42], [42, 1000, 7]]))).tolist() == TF["il_int"]
    masked = layers.IntegerLookup(mask_token=0, num_oov_indices=2)
    masked.adapt(IDATA)
    assert masked.get_vocabulary() == TF["il2_vocab"]
    assert np_out(masked(np.array([[0, 12, 7], [8, 9, 36]]))).tolist() == TF["il2_int"]
    farm = layers.IntegerLookup(vocabulary=[12, 36], num_oov_indices=2, oov_method="farmhash")
    assert np_out(farm(np.array([12, 5, 6, 7, 36, 1234]))).tolist() == TF["il3_farm"]
    mh = layers.IntegerLookup(output_mode="multi_hot")
    mh.adapt(IDATA)
    assert np_out(mh(np.array([[12, 7], [1138, 1138]]))).tolist() == TF["il4_out"]


def test_integer_lookup_on_tensors_inside_a_model():
    lookup = layers.IntegerLookup(vocabulary=[12, 36, 1138])
    inputs = lamina.Input(shape=(2,), dtype="int64")
    model = lamina.Model(inputs, layers.Embedding(5, 3)(lookup(inputs)))
    out = model.predict(np.array([[12, 1138], [42, 36]]), verbose=0)
    emb = model.layers[-1].get_weights()[0]
    np.testing.assert_allclose(out, emb[[[1, 3], [0, 2]]], rtol=1e-6)
    inverse = layers.IntegerLookup(vocabulary=[12, 36, 1138], invert=True)
    assert np_out(inverse(lamina.ops.convert_to_tensor(np.array([1, 3, 0])))).tolist() == \
        [12, 1138, -1]


def test_adapt_on_batches_and_generators():
    batches = [DATA[:2], (DATA[2:], np.zeros(2))]  # (x, y) batches contribute x
    a = layers.StringLookup()
    a.adapt(iter(batches))
    assert a.get_vocabulary() == TF["sl_vocab"]

    class Batches(lamina.utils.PyDataset):
        def __len__(self):
            return 2

        def __getitem__(self, i):
            return IDATA[i * 2:(i + 1) * 2]

    b = layers.IntegerLookup()
    b.adapt(Batches())
    assert b.get_vocabulary() == TF["il_vocab"]
    c = layers.IntegerLookup()
    c.adapt(Batches(), steps=1)
    assert c.get_vocabulary() == [-1, 42, 1138, 1000, 36, 12]


def test_vocabulary_file_and_set_vocabulary(tmp_path):
    path = tmp_path / "vocab.txt"
    path.write_text("earth\nwind\nand fire\n", encoding="utf-8")
    layer = layers.StringLookup(vocabulary=str(path))
    assert layer.get_vocabulary() == ["[UNK]", "earth", "wind", "and fire"]
    assert np_out(layer(["wind", "and fire", "rain"])).tolist() == [2, 3, 0]
    layer.set_vocabulary(["x", "y"])
    assert layer.get_vocabulary() == ["[UNK]", "x", "y"]
    # special tokens at the front of a given vocabulary are recognised, not doubled
    layer.set_vocabulary(["[UNK]", "x", "y"])
    assert layer.vocabulary_size() == 3


def test_bad_arguments_are_refused_clearly():
    with pytest.raises(ValueError, match="sparse"):
        layers.StringLookup(output_mode="multi_hot", sparse=True)
    with pytest.raises(ValueError, match="output_mode"):
        layers.StringLookup(output_mode="bag")
    with pytest.raises(ValueError, match="repeated"):
        layers.StringLookup(vocabulary=["a", "a"])
    with pytest.raises(ValueError, match="max_tokens"):
        layers.StringLookup(vocabulary=["a", "b", "c"], max_tokens=3)
    with pytest.raises(ValueError, match="idf_weights"):
        layers.StringLookup(output_mode="tf_idf", vocabulary=["a"])
    with pytest.raises(ValueError, match="OOV values"):
        layers.StringLookup(vocabulary=["a"], num_oov_indices=0)(["a", "b"])
    with pytest.raises(RuntimeError, match="vocabulary must be set"):
        layers.StringLookup(output_mode="multi_hot")(["a"])
    with pytest.raises(ValueError, match="static vocabulary"):
        layers.StringLookup(vocabulary=["a"]).adapt(["a"])
    with pytest.raises(TypeError, match="IntegerLookup"):
        layers.StringLookup(vocabulary=["a"])(np.array([1, 2]))


def test_config_round_trip_keeps_vocabulary_and_keras_keys():
    layer = layers.IntegerLookup(vocabulary=[3, 4], mask_token=0, num_oov_indices=2)
    cfg = layer.get_config()
    assert cfg["vocabulary"] == [3, 4] and cfg["vocabulary_dtype"] == "int64"
    assert cfg["vocabulary_size"] == 5 and cfg["oov_method"] == "floormod"
    again = layers.IntegerLookup.from_config(cfg)
    assert again.get_vocabulary() == [0, -1, -1, 3, 4]
    s = layers.StringLookup(vocabulary=["a"])
    assert "vocabulary_dtype" not in s.get_config() and s.get_config()["encoding"] == "utf-8"


def test_tf_idf_with_given_weights_as_keras_documents():
    # the example in Keras' StringLookup docstring: OOV gets the mean of the given weights
    layer = layers.StringLookup(output_mode="tf_idf", vocabulary=["a", "b", "c", "d"],
                                idf_weights=[0.25, 0.75, 0.6, 0.4])
    out = np_out(layer([["a", "c", "d", "d"], ["d", "z", "b", "z"]]))
    np.testing.assert_allclose(out, [[0.0, 0.25, 0.0, 0.6, 0.8], [1.0, 0.0, 0.75, 0.0, 0.4]],
                               rtol=1e-6)
