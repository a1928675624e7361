"""Lookup vocabularies travel in .keras files as Keras stores them (``assets/<path>/vocabulary.txt``).

The two files under ``data/`` were written by Keras 3.15.1 on TensorFlow 2.21 (a separate venv)
from adapted layers: ``keras_tf_integer_lookup.keras`` is ``Sequential([Input((2,), "int64"),
IntegerLookup() adapted on [[12, 1138, 42], [42, 1000, 36], [36, 12, 42]], Embedding(10, 3)])``;
``keras_tf_text_vectorization.keras`` is a functional model ``Input((1,), "string") ->
TextVectorization(max_tokens=20, output_sequence_length=5)`` adapted on four sentences
``-> Embedding(20, 2)``.
"""

import json
import os
import zipfile

import numpy as np
import pytest

import lamina
from lamina import layers, saving

DATA = os.path.join(os.path.dirname(__file__), "data")


def test_load_integer_lookup_written_by_keras_with_tf():
    model = saving.load_model(os.path.join(DATA, "keras_tf_integer_lookup.keras"))
    lookup, emb = model.layers
    assert lookup.get_vocabulary() == [-1, 42, 36, 12, 1138, 1000]
    out = model.predict(np.array([[12, 7], [1000, 42]]), verbose=0)
    np.testing.assert_allclose(out, emb.get_weights()[0][[[3, 0], [5, 1]]], rtol=1e-6)


def test_round_trip_writes_keras_layout(tmp_path):
    lookup = layers.IntegerLookup(mask_token=0)
    lookup.adapt(np.array([[5, 5, 9], [9, 9, 2]]))
    model = lamina.Sequential([lamina.Input((3,), dtype="int64"), lookup, layers.Embedding(6, 2)])
    path = tmp_path / "m.keras"
    model.save(path)
    with zipfile.ZipFile(path) as zf:
        assert zf.read("assets/layers/integer_lookup/vocabulary.txt").decode() == \
            "0\n-1\n9\n5\n2"
        cfg = json.loads(zf.read("config.json"))
    assert cfg["config"]["layers"][1]["config"]["vocabulary"] is None
    restored = saving.load_model(path)
    assert restored.layers[0].get_vocabulary() == [0, -1, 9, 5, 2]
    x = np.array([[9, 0, 7]])
    np.testing.assert_allclose(restored.predict(x, verbose=0), model.predict(x, verbose=0))


def test_text_vectorization_assets_from_a_keras_file():
    """lamina reads the vocabulary Keras wrote for a TextVectorization (the layer's config and
    its asset folder); test_string_models.py loads the whole model."""
    with zipfile.ZipFile(os.path.join(DATA, "keras_tf_text_vectorization.keras")) as zf:
        cfg = json.loads(zf.read("config.json"))["config"]["layers"][1]["config"]
        members = saving.assets.read_members(zf, "keras_tf_text_vectorization.keras")
    tv = layers.TextVectorization.from_config(cfg)
    assert tv.compute_output_shape((None, 1)) == (None, 5)

    class Holder(lamina.Model):
        def __init__(self):
            super().__init__()
            self.tv = tv

    # a subclassed model lists its layers under layers/<class key>, as the Keras file does
    saving.assets.restore(Holder(), members)
    assert tv.get_vocabulary()[:5] == ["", "[UNK]", "the", "quick", "fox"]
    assert tv.vocabulary_size() == 13
    out = lamina.ops.convert_to_numpy(tv(np.array(["the fox, the DOG"])))
    assert out.tolist() == [[2, 4, 2, 9, 0]]


def test_unsafe_asset_paths_are_refused(tmp_path):
    model = lamina.Sequential([lamina.Input((1,), dtype="int64"),
                               layers.IntegerLookup(vocabulary=[1, 2])])
    good = tmp_path / "good.keras"
    model.save(good)
    for bad_name in ("assets/../../evil.txt", "assets//abs.txt", "assets/a\\..\\b.txt"):
        bad = tmp_path / "bad.keras"
        with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
            for item in src.infolist():
                dst.writestr(item, src.read(item))
            dst.writestr(bad_name, "x")
        with pytest.raises(ValueError, match="unsafe path"):
            saving.load_model(bad)
    assert not (tmp_path.parent / "evil.txt").exists()


def test_tf_idf_weights_are_saved_as_keras_names_them(tmp_path):
    lookup = layers.StringLookup(output_mode="tf_idf")
    lookup.adapt(np.array([["a", "b"], ["a", "c"]]))

    class Holder(lamina.Model):
        def __init__(self):
            super().__init__()
            self.lookup = lookup

    files = dict(saving.assets.collect(Holder()))
    assert files["assets/layers/string_lookup/vocabulary.txt"].decode() == "[UNK]\na\nc\nb"
    fresh = layers.StringLookup(output_mode="tf_idf")
    fresh.load_own_variables({"idf_weights": lookup.idf_weights})
    with open(tmp_path / "vocabulary.txt", "w", encoding="utf-8") as f:
        f.write(files["assets/layers/string_lookup/vocabulary.txt"].decode())
    fresh.load_assets(str(tmp_path))
    x = np.array([["a", "c", "zz"]])
    np.testing.assert_allclose(lamina.ops.convert_to_numpy(fresh(x)),
                               lamina.ops.convert_to_numpy(lookup(x)))


def test_written_vocabulary_files_equal_the_ones_keras_writes():
    """The Keras fixture's TextVectorization was adapted on these four sentences; adapting
    lamina's on them writes byte-identical asset files at the same paths."""
    texts = np.array(["The quick brown fox.", "the lazy dog!!", "Quick, quick: the FOX jumps",
                      "\u00c9t\u00e9 CAF\u00c9 caf\u00e9 -- don't"])
    with zipfile.ZipFile(os.path.join(DATA, "keras_tf_text_vectorization.keras")) as zf:
        keras_files = saving.assets.read_members(zf, "fixture")
    tv = layers.TextVectorization(max_tokens=20, output_sequence_length=5)
    tv.adapt(texts)

    class Holder(lamina.Model):
        def __init__(self):
            super().__init__()
            self.tv = tv

    ours = {name[len("assets/"):]: data for name, data in saving.assets.collect(Holder())}
    assert ours == keras_files
