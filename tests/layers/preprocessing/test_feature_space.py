"""FeatureSpace (keras.utils.FeatureSpace) gives the vectors Keras-with-TensorFlow gives.

The reference values were computed once with Keras 3.15.1 on TensorFlow 2.21 (separate venv,
``KERAS_BACKEND=tensorflow``) from the same columns (``columns()`` below, adapted with
``tf.data.Dataset.from_tensor_slices``); rows are listed as their non-zero (index, value)
pairs. ``data/keras_tf_feature_space.keras`` was written there by ``FeatureSpace.save``.
"""

import os
import zipfile

import numpy as np
import pytest

import lamina
from lamina import layers, saving

FS = lamina.utils.FeatureSpace
DATA = os.path.join(os.path.dirname(__file__), "data")

CONCAT_ROWS = [
    [(3, 1.0), (5, 4.13), (8, 1.0), (10, 1.844277), (11, 323.0), (12, 1.0), (21, 1.0), (46, 1.0), (53, 1.0), (71, 1.0)],
    [(4, 1.0), (5, 5.49), (9, 1.0), (10, -0.640957), (11, 206.0), (13, 1.0), (21, 1.0), (47, 1.0), (54, 1.0), (60, 1.0)],
    [(3, 1.0), (5, 4.88), (6, 1.0), (10, -1.044542), (11, 187.0), (12, 1.0), (23, 1.0), (46, 1.0), (53, 1.0), (65, 1.0)],
    [(1, 1.0), (5, 2.13), (9, 1.0), (10, 0.44235), (11, 257.0), (12, 1.0), (15, 1.0), (48, 1.0), (52, 1.0), (65, 1.0)],
    [(1, 1.0), (5, 2.5), (6, 1.0), (10, 1.56814), (11, 310.0), (13, 1.0), (15, 1.0), (48, 1.0), (50, 1.0), (66, 1.0)],
    [(4, 1.0), (5, 5.37), (7, 1.0), (10, -1.469368), (11, 167.0), (12, 1.0), (21, 1.0), (46, 1.0), (55, 1.0), (60, 1.0)],
]
DICT_OUT = {"age": [[0.44188], [1.383634], [0.961229], [-0.943052]],
            "ca": [[0, 0, 0, 1, 0], [0, 0, 0, 0, 1], [0, 1, 0, 0, 0], [0, 0, 0, 0, 1]],
            "thal": [[0, 1, 0, 0], [0, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 1]]}
SAVED_ROWS = [[(2, 1.0), (7, 1.0), (9, 1.844277), (11, 1.0), (17, 1.0)],
              [(3, 1.0), (8, 1.0), (9, -0.640957), (12, 1.0), (17, 1.0)],
              [(3, 1.0), (5, 1.0), (9, -1.044542), (11, 1.0), (15, 1.0)],
              [(0, 1.0), (8, 1.0), (9, 0.44235), (13, 1.0), (16, 1.0)],
              [(1, 1.0), (5, 1.0), (9, 1.56814), (13, 1.0), (18, 1.0)]]


def columns():
    rng = np.random.default_rng(7)
    n = 80
    data = {
        "age": np.round(rng.uniform(20, 70, n), 1).astype("float32"),
        "sex": rng.integers(0, 2, n),
        "thal": rng.choice(["fixed", "normal", "reversible"], n),
        "chol": np.round(rng.normal(240, 50, n)).astype("float32"),
        "ca": rng.integers(0, 4, n),
        "slope": rng.integers(1, 4, n),
    }
    data["age2"], data["raw"] = data["age"], data["chol"]
    return data


def dense(rows, width):
    out = np.zeros((len(rows), width), np.float32)
    for i, row in enumerate(rows):
        for j, v in row:
            out[i, j] = v
    return out


def np_of(x):
    return np.asarray(lamina.ops.convert_to_numpy(x))


def heart_space():
    return FS(
        features={"sex": FS.integer_categorical(num_oov_indices=0),
                  "ca": FS.integer_categorical(num_oov_indices=0),
                  "thal": FS.string_categorical(num_oov_indices=0),
                  "age": FS.float_discretized(num_bins=5), "chol": FS.float_normalized(),
                  "slope": "integer_hashed", "age2": FS.float_rescaled(scale=0.1, offset=-1.0),
                  "raw": "float"},
        crosses=[FS.cross(feature_names=("sex", "age"), crossing_dim=8),
                 FS.cross(feature_names=("thal", "ca"), crossing_dim=16)],
        output_mode="concat")


def test_concat_output_matches_keras_with_tf():
    data = columns()
    space = heart_space()
    space.adapt(data)
    assert space.preprocessors["thal"].get_vocabulary() == ["reversible", "fixed", "normal"]
    np.testing.assert_allclose(space.preprocessors["age"].bin_boundaries,
                               [30.0, 39.400001525878906, 49.900001525878906, 60.79999923706055])
    out = np_of(space({k: v[:6] for k, v in data.items()}))
    np.testing.assert_allclose(out, dense(CONCAT_ROWS, 73), rtol=1e-5, atol=1e-5)
    single = np_of(space({k: v[0] for k, v in data.items()}))  # one sample, unbatched
    np.testing.assert_allclose(single, dense(CONCAT_ROWS[:1], 73)[0], rtol=1e-5, atol=1e-5)


def test_dict_output_and_adapt_on_batches_of_dicts():
    data = columns()
    space = FS(features={"thal": "string_categorical", "ca": "integer_categorical",
                         "age": "float_normalized"}, output_mode="dict")
    keys = ("thal", "ca", "age")
    space.adapt(iter([({k: data[k][i:i + 16] for k in keys}, None) for i in range(0, 80, 16)]))
    out = space({k: data[k][:4] for k in keys})
    assert sorted(out) == ["age", "ca", "thal"]
    for k, expected in DICT_OUT.items():
        np.testing.assert_allclose(np_of(out[k]), expected, rtol=1e-5, atol=1e-5)


def test_encoded_features_build_a_model_on_numeric_features():
    data = columns()
    space = FS(features={"age": "float_normalized", "ca": "integer_categorical",
                         "slope": FS.integer_hashed(num_bins=4)})
    space.adapt({k: data[k] for k in ("age", "ca", "slope")})
    encoded = space.get_encoded_features()
    assert tuple(encoded.shape) == (None, 1 + 5 + 4)
    head = layers.Dense(1)
    inference = lamina.Model(space.get_inputs(), head(encoded))
    # as in Keras, the encoded tensor can be the training model's input (a new Input stands in)
    training = lamina.Model(encoded, inference.output)
    assert training.layers[0].name == f"{encoded.name}CLONE"
    batch = {k: data[k][:5] for k in ("age", "ca", "slope")}
    vectors = np_of(space(batch))
    np.testing.assert_allclose(training.predict(vectors, verbose=0),
                               inference.predict({k: v[:, None] for k, v in batch.items()},
                                                 verbose=0), rtol=1e-5, atol=1e-6)
    strings = FS(features={"thal": "string_categorical"})
    strings.adapt({"thal": data["thal"]})
    assert strings.get_inputs()["thal"].dtype == "string"


def test_load_keras_file_and_save_round_trip(tmp_path):
    data = columns()
    keys = ("thal", "ca", "chol", "age")
    space = saving.load_model(os.path.join(DATA, "keras_tf_feature_space.keras"))
    assert isinstance(space, FS)
    np.testing.assert_allclose(np_of(space({k: data[k][:5] for k in keys})),
                               dense(SAVED_ROWS, 22), rtol=1e-5, atol=1e-5)
    path = tmp_path / "fs.keras"
    space.save(path)
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
    assert {"assets/preprocessors/string_lookup/vocabulary.txt",
            "assets/preprocessors/integer_lookup/vocabulary.txt"} <= names
    again = saving.load_model(path)
    np.testing.assert_allclose(np_of(again({k: data[k][:5] for k in keys})),
                               dense(SAVED_ROWS, 22), rtol=1e-5, atol=1e-5)


def test_feature_space_errors():
    with pytest.raises(ValueError, match="cannot be None or empty"):
        FS(features={})
    with pytest.raises(ValueError, match="invalid feature type"):
        FS(features={"a": "floaty"})
    with pytest.raises(ValueError, match="unknown features"):
        FS(features={"a": "float"}, crosses=[("a", "b")])
    space = FS(features={"a": "float_normalized"})
    with pytest.raises(ValueError, match="adapt"):
        space({"a": np.ones(2)})
    space.adapt({"a": np.arange(4.0)})
    with pytest.raises(ValueError, match="lacks features"):
        space({"b": np.ones(2)})
    ints = FS(features={"c": FS.integer_categorical(output_mode="int")})
    ints.adapt({"c": np.array([1, 2, 3])})
    with pytest.raises(ValueError, match="not been encoded"):
        ints({"c": np.array([1, 2])})


def test_adapt_on_a_dataset_and_map_it_as_the_keras_guide():
    data = columns()
    keys = ("thal", "ca", "age")
    features = {k: data[k] for k in keys}
    labels = (data["ca"] > 1).astype("float32")
    ds = lamina.utils.Dataset.from_tensor_slices((features, labels)).batch(16)
    space = FS(features={"thal": "string_categorical", "ca": "integer_categorical",
                         "age": "float_normalized"}, output_mode="dict")
    space.adapt(ds.map(lambda x, y: x))
    for k, expected in DICT_OUT.items():
        np.testing.assert_allclose(np_of(space({k2: data[k2][:4] for k2 in keys})[k]), expected,
                                   rtol=1e-5, atol=1e-5)
    concat = FS(features={"thal": "string_categorical", "age": "float_normalized"})
    concat.adapt(ds.map(lambda x, y: x))
    x, y = next(iter(ds.map(lambda x, y: (concat(x), y))))
    assert tuple(x.shape) == (16, 1 + 4)


def test_custom_feature_with_text_vectorization():
    text = np.array(["red fox", "blue fox", "red dog", "green", "blue blue"] * 4)
    space = FS(features={
        "text": FS.feature(dtype="string", output_mode="float",
                           preprocessor=layers.TextVectorization(output_mode="multi_hot")),
        "n": "float",
    })
    space.adapt({"text": text, "n": np.arange(20.0)})
    vocab = space.preprocessors["text"].get_vocabulary()
    assert vocab == ["[UNK]", "blue", "red", "fox", "green", "dog"]
    out = np_of(space({"text": np.array(["red fox", "cat"]), "n": np.array([2.0, 3.0])}))
    # sorted names: "n" first, then the text's multi-hot over the vocabulary
    np.testing.assert_allclose(out, [[2.0, 0, 0, 1, 1, 0, 0], [3.0, 1, 0, 0, 0, 0, 0]])
