"""String data flowing through models: ``Input(dtype="string")`` feeding TextVectorization,
StringLookup, Hashing, and FeatureSpace's symbolic graph, as the keras.io text and
structured-data examples build them (fit, predict on raw strings, .keras files)."""

import json
import os
import zipfile

import numpy as np
import pytest

import lamina
from lamina import layers, saving
from lamina.utils import Dataset, FeatureSpace

DATA = os.path.join(os.path.dirname(__file__), "data")


@pytest.fixture(autouse=True)
def _seeded():
    lamina.utils.set_random_seed(0)  # the training tests' accuracies do not depend on luck

POSITIVE = ["great", "wonderful", "excellent", "loved", "superb"]
NEGATIVE = ["awful", "terrible", "boring", "hated", "bad"]
FILLER = ["the", "movie", "was", "a", "film", "plot", "and", "acting", "really", "quite"]


def reviews(n, seed=0):
    """Sentences of filler words plus two sentiment words; label 1 for positive ones."""
    rng = np.random.default_rng(seed)
    texts, labels = [], []
    for _ in range(n):
        label = int(rng.integers(2))
        words = list(rng.choice(FILLER, 6)) + list(rng.choice(POSITIVE if label else NEGATIVE, 2))
        rng.shuffle(words)
        texts.append(" ".join(words))
        labels.append(label)
    return np.array(texts)[:, None], np.array(labels)


def text_model(vectorize):
    inputs = lamina.Input(shape=(1,), dtype="string")
    x = vectorize(inputs)
    x = layers.Embedding(200, 8)(x)
    x = layers.GlobalAveragePooling1D()(x)
    outputs = layers.Dense(1, activation="sigmoid")(x)
    model = lamina.Model(inputs, outputs)
    model.compile(optimizer=lamina.optimizers.Adam(0.02), loss="binary_crossentropy",
                  metrics=["accuracy"])
    return model


def adapted_vectorizer(texts):
    vectorize = layers.TextVectorization(max_tokens=200, output_sequence_length=12)
    vectorize.adapt(texts)
    return vectorize


def test_string_input_is_a_symbolic_string_tensor():
    inputs = lamina.Input(shape=(1,), dtype="string")
    assert inputs.dtype == "string" and inputs.shape == (None, 1)
    assert lamina.Input(shape=(), dtype=str).dtype == "string"
    vectorize = layers.TextVectorization(max_tokens=10, output_sequence_length=4,
                                         vocabulary=["a", "b"])
    out = vectorize(inputs)
    assert (out.shape, out.dtype) == ((None, 4), "int64")
    assert inputs._history[0].get_config()["dtype"] == "string"


STRING_LAYERS = [
    (layers.StringLookup, dict(vocabulary=["a", "b", "c"]), [["a"], ["b"], ["zz"]]),
    (layers.TextVectorization, dict(vocabulary=["a", "b", "c"]), [["a b"], ["b c a"], ["zz"]]),
    (layers.Hashing, dict(num_bins=5), [["a"], ["b"], ["zz"]]),
]


@pytest.mark.parametrize("mode", ["int", "one_hot", "multi_hot", "count", "tf_idf"])
@pytest.mark.parametrize("cls,kwargs,texts", STRING_LAYERS)
def test_symbolic_shape_of_string_layers_is_what_they_give(cls, kwargs, texts, mode):
    """Found by compute_output_shape, not by running the layer on shape-only tensors."""
    if cls is layers.Hashing and mode == "tf_idf":
        pytest.skip("Hashing has no tf_idf mode")
    if mode == "tf_idf":
        kwargs = dict(kwargs, idf_weights=[1.0, 2.0, 3.0])
    inputs = lamina.Input(shape=(1,), dtype="string")
    model = lamina.Model(inputs, cls(output_mode=mode, **kwargs)(inputs))
    out = model.predict(np.array(texts), verbose=0)
    assert len(model.output_shape) == out.ndim
    assert all(d is None or d == n for d, n in zip(model.output_shape, out.shape))
    assert model.outputs[0].dtype == ("int64" if mode == "int" else "float32")


def test_numeric_layers_refuse_a_string_input_by_name():
    inputs = lamina.Input(shape=(1,), dtype="string", name="review")
    with pytest.raises(TypeError, match=r"Layer 'scores' \(Dense\).*string input.*'review'"):
        layers.Dense(2, name="scores")(inputs)


def test_strings_given_to_a_numeric_input_are_refused_by_name():
    inputs = {"size": lamina.Input(shape=(1,), name="size"),
              "city": lamina.Input(shape=(1,), dtype="string", name="city")}
    city = layers.StringLookup(vocabulary=["oslo"])(inputs["city"])
    x = layers.Concatenate()([inputs["size"], layers.Rescaling(1.0)(city)])
    model = lamina.Model(inputs, layers.Dense(1, name="head")(x))
    model.compile(optimizer="adam", loss="mse")
    ok = {"size": np.ones((2, 1)), "city": np.array([["oslo"], ["rome"]])}
    assert model.predict(ok, verbose=0).shape == (2, 1)
    swapped = {"size": ok["city"], "city": ok["city"]}
    with pytest.raises(ValueError, match=r"dtype <U4; expected numbers: input \d \('size'"):
        model.fit(swapped, np.ones(2), verbose=0)


def test_ops_refuse_a_string_input_by_name():
    inputs = lamina.Input(shape=(1,), dtype="string", name="title")
    for op in (lambda: inputs[:, 0], lambda: lamina.ops.squeeze(inputs, -1),
               lambda: lamina.ops.concatenate([inputs, inputs]), lambda: inputs + 1):
        with pytest.raises(TypeError, match="string input 'title'.*StringLookup"):
            op()
    assert not hasattr(inputs, "numpy")


def test_text_classifier_trains_on_strings_and_predicts_raw_text():
    x, y = reviews(480)
    model = text_model(adapted_vectorizer(x[:, 0]))
    history = model.fit(x, y, epochs=12, batch_size=32, verbose=0)
    assert history.history["accuracy"][-1] > 0.9
    x_test, y_test = reviews(100, seed=1)
    _, accuracy = model.evaluate(x_test, y_test, verbose=0)
    assert accuracy > 0.9
    scores = model.predict(np.array([["a great and wonderful movie"],
                                     ["an awful boring film"]]), verbose=0)
    assert scores.shape == (2, 1)
    assert scores[0, 0] > 0.5 > scores[1, 0]
    # a 1-D array and a list of str are taken as a batch of texts, as for an (N, 1) array
    np.testing.assert_allclose(model.predict(np.array(["a great and wonderful movie",
                                                       "an awful boring film"]), verbose=0),
                               scores, rtol=1e-6)
    np.testing.assert_allclose(model.predict(["a great and wonderful movie",
                                              "an awful boring film"], verbose=0),
                               scores, rtol=1e-6)
    # object arrays of str and of bytes too
    as_bytes = np.array([[b"a great and wonderful movie"], [b"an awful boring film"]],
                        dtype=object)
    np.testing.assert_allclose(model.predict(as_bytes, verbose=0), scores, rtol=1e-6)
    direct = lamina.ops.convert_to_numpy(model(np.array([["a great and wonderful movie"]])))
    np.testing.assert_allclose(direct, scores[:1], rtol=1e-6)


def test_end_to_end_models_wrap_a_model_trained_on_integers():
    """keras.io: train on vectorized text, then export with the vectorizer in front."""
    x, y = reviews(320)
    vectorize = adapted_vectorizer(x[:, 0])
    ids = lamina.ops.convert_to_numpy(vectorize(x))
    numeric = lamina.Sequential([lamina.Input((12,), dtype="int64"), layers.Embedding(200, 8),
                                 layers.GlobalAveragePooling1D(),
                                 layers.Dense(1, activation="sigmoid")])
    numeric.compile(optimizer="adam", loss="binary_crossentropy")
    numeric.fit(ids, y, epochs=2, verbose=0)
    expected = numeric.predict(ids[:5], verbose=0)

    string_input = lamina.Input(shape=(1,), dtype="string")
    end_to_end = lamina.Model(string_input, numeric(vectorize(string_input)))
    end_to_end.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
    np.testing.assert_allclose(end_to_end.predict(x[:5], verbose=0), expected, rtol=1e-6)
    loss, accuracy = end_to_end.evaluate(x, y, verbose=0)
    # keras.io evaluates on the raw text Dataset: batches of shape (batch,)
    raw_ds = Dataset.from_tensor_slices((x[:, 0], y)).batch(32)
    np.testing.assert_allclose(end_to_end.evaluate(raw_ds, verbose=0), [loss, accuracy],
                               rtol=1e-5)

    stacked = lamina.Sequential([vectorize, numeric])
    np.testing.assert_allclose(stacked.predict(x[:5, 0], verbose=0), expected, rtol=1e-6)


def test_string_model_round_trips_through_a_keras_file(tmp_path):
    x, y = reviews(160)
    model = text_model(adapted_vectorizer(x[:, 0]))
    model.fit(x, y, epochs=1, verbose=0)
    path = tmp_path / "text.keras"
    model.save(path)
    with zipfile.ZipFile(path) as zf:
        cfg = json.loads(zf.read("config.json"))["config"]
    assert cfg["layers"][0]["class_name"] == "InputLayer"
    assert cfg["layers"][0]["config"]["dtype"] == "string"
    assert cfg["layers"][1]["inbound_nodes"][0]["args"][0]["config"]["dtype"] == "string"
    restored = saving.load_model(path)
    assert restored.inputs[0].dtype == "string"
    np.testing.assert_array_equal(restored.predict(x[:20], verbose=0),
                                  model.predict(x[:20], verbose=0))
    restored.fit(x, y, epochs=1, verbose=0)  # and it trains on


def test_keras_written_string_model_loads_and_predicts():
    """The fixture: Keras 3.15 on TensorFlow, Input((1,), "string") -> TextVectorization(
    max_tokens=20, output_sequence_length=5) -> Embedding(20, 2)."""
    model = saving.load_model(os.path.join(DATA, "keras_tf_text_vectorization.keras"))
    assert model.inputs[0].dtype == "string"
    table = model.layers[-1].get_weights()[0]
    out = model.predict(np.array([["the fox, the DOG"], ["quick brown café"]]), verbose=0)
    # ids from the vocabulary Keras wrote: the=2 fox=4 dog=9 quick=3 brown=12 café=10
    np.testing.assert_allclose(out, table[[[2, 4, 2, 9, 0], [3, 12, 10, 0, 0]]], rtol=1e-6)


def test_string_lookup_inside_a_sequential():
    colors = np.array(["red", "green", "blue", "green", "red", "blue"] * 20)[:, None]
    y = (colors[:, 0] == "green").astype("float32")
    model = lamina.Sequential([
        lamina.Input(shape=(1,), dtype="string"),
        layers.StringLookup(vocabulary=["red", "green", "blue"], output_mode="one_hot"),
        layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer=lamina.optimizers.Adam(0.1), loss="binary_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(colors, y, epochs=15, verbose=0)
    assert history.history["accuracy"][-1] == 1.0
    scores = model.predict(np.array([["green"], ["red"], ["purple"]]), verbose=0)
    assert scores[0, 0] > 0.5 > scores[1, 0]
    # a 1-D array gains the Input's last axis of 1, as in a functional model
    np.testing.assert_allclose(model.predict(np.array(["green", "red", "purple"]), verbose=0),
                               scores, rtol=1e-6)


def test_hashing_and_string_lookup_on_string_inputs():
    inputs = lamina.Input(shape=(1,), dtype="string")
    hashed = layers.Hashing(num_bins=8, output_mode="one_hot")(inputs)
    looked_up = layers.StringLookup(vocabulary=["x", "y"], output_mode="multi_hot")(inputs)
    model = lamina.Model(inputs, layers.Concatenate()([hashed, looked_up]))
    assert model.output_shape == (None, 11)
    data = np.array([["x"], ["y"], ["zz"]])
    out = model.predict(data, verbose=0)
    hashing = lamina.ops.convert_to_numpy(layers.Hashing(num_bins=8, output_mode="one_hot")(data))
    np.testing.assert_array_equal(out[:, :8], hashing)
    np.testing.assert_array_equal(out[:, 8:], [[0, 1, 0], [0, 0, 1], [1, 0, 0]])


def test_dict_of_string_and_number_columns():
    rng = np.random.default_rng(3)
    n = 300
    city = rng.choice(["paris", "oslo", "rome"], n)
    size = rng.normal(0, 1, n).astype("float32")
    y = ((city == "oslo") ^ (size > 0)).astype("float32")
    inputs = {"city": lamina.Input(shape=(1,), dtype="string", name="city"),
              "size": lamina.Input(shape=(1,), name="size")}
    encoded = layers.StringLookup(vocabulary=["paris", "oslo", "rome"],
                                  output_mode="one_hot")(inputs["city"])
    x = layers.Concatenate()([encoded, inputs["size"]])
    x = layers.Dense(16, activation="relu")(x)
    model = lamina.Model(inputs, layers.Dense(1, activation="sigmoid")(x))
    model.compile(optimizer=lamina.optimizers.Adam(0.03), loss="binary_crossentropy",
                  metrics=["accuracy"])
    history = model.fit({"city": city[:, None], "size": size[:, None]}, y, epochs=30,
                        batch_size=32, verbose=0)
    assert history.history["accuracy"][-1] > 0.85
    # columns given as 1-D arrays (or a list of str) gain the Input's last axis of 1
    preds = model.predict({"city": ["oslo", "paris"], "size": np.array([-2.0, -2.0])},
                          verbose=0)
    assert preds[0, 0] > 0.5 > preds[1, 0]


def test_string_data_in_a_dataset_and_with_validation_split():
    x, y = reviews(320)
    model = text_model(adapted_vectorizer(x[:, 0]))
    ds = Dataset.from_tensor_slices((x, y)).shuffle(320, seed=1).batch(32)
    history = model.fit(ds, epochs=10, verbose=0)
    assert history.history["accuracy"][-1] > 0.9
    assert model.predict(Dataset.from_tensor_slices(x[:10]).batch(4), verbose=0).shape == (10, 1)

    model = text_model(adapted_vectorizer(x[:, 0]))
    history = model.fit(x, y, epochs=10, validation_split=0.25, verbose=0)
    assert history.history["val_accuracy"][-1] > 0.9
    history = model.fit(x[:240], y[:240], validation_data=(x[240:], y[240:]), epochs=1,
                        verbose=0)
    assert "val_loss" in history.history


def heart_like(n, seed=0):
    rng = np.random.default_rng(seed)
    thal = rng.choice(["normal", "fixed", "reversible"], n)
    sex = rng.integers(0, 2, n)
    age = rng.normal(54, 9, n).astype("float32")
    chol = rng.normal(240, 40, n).astype("float32")
    target = ((thal == "reversible") ^ (age > 60)).astype("int64")
    return {"thal": thal, "sex": sex, "age": age, "chol": chol}, target


def test_feature_space_structured_data_model_as_in_the_guide():
    """keras.io structured_data_classification_with_feature_space, on made-up data."""
    data, target = heart_like(640)
    train_ds = Dataset.from_tensor_slices((data, target)).shuffle(640, seed=0).batch(32)
    feature_space = FeatureSpace(
        features={
            "sex": FeatureSpace.integer_categorical(num_oov_indices=0),
            "thal": FeatureSpace.string_categorical(num_oov_indices=0),
            "age": FeatureSpace.float_discretized(num_bins=20),
            "chol": FeatureSpace.float_normalized(),
        },
        crosses=[FeatureSpace.cross(feature_names=("sex", "age"), crossing_dim=64)],
        output_mode="concat",
    )
    feature_space.adapt(train_ds.map(lambda x, _: x))
    preprocessed_train_ds = train_ds.map(lambda x, y: (feature_space(x), y))

    dict_inputs = feature_space.get_inputs()
    assert dict_inputs["thal"].dtype == "string"
    encoded_features = feature_space.get_encoded_features()
    x = layers.Dense(32, activation="relu")(encoded_features)
    x = layers.Dropout(0.3)(x)
    predictions = layers.Dense(1, activation="sigmoid")(x)
    training_model = lamina.Model(inputs=encoded_features, outputs=predictions)
    training_model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    history = training_model.fit(preprocessed_train_ds, epochs=20, verbose=0)
    assert history.history["accuracy"][-1] > 0.8  # chance is 0.5

    inference_model = lamina.Model(inputs=dict_inputs, outputs=predictions)
    test, test_target = heart_like(200, seed=1)
    probs = inference_model.predict(test, verbose=0)[:, 0]
    assert np.mean((probs > 0.5) == test_target) > 0.8
    # the guide's single sample: one value per feature
    sample = {"sex": 1, "thal": "reversible", "age": 45.0, "chol": 230.0}
    one = inference_model.predict({k: np.array([v]) for k, v in sample.items()}, verbose=0)
    assert one.shape == (1, 1) and one[0, 0] > 0.5
    # the training model's input is a new Input standing for the encoded features
    np.testing.assert_allclose(
        training_model.predict(lamina.ops.convert_to_numpy(feature_space(test)), verbose=0)[:, 0],
        probs, rtol=1e-5, atol=1e-6)


def test_feature_space_inference_model_trains_on_raw_columns_and_round_trips(tmp_path):
    """String, integer, hashed and crossed features: the dict-input model fits on a Dataset
    of raw columns and comes back from a .keras file with the same predictions."""
    data, target = heart_like(300, seed=2)
    data["city"] = np.random.default_rng(0).choice(["oslo", "rome", "lima", "pune"], 300)
    space = FeatureSpace(
        features={"thal": "string_categorical", "sex": "integer_categorical",
                  "city": FeatureSpace.string_hashed(num_bins=8), "age": "float_normalized",
                  "chol": FeatureSpace.float_rescaled(scale=0.004)},
        crosses=[FeatureSpace.cross(("thal", "sex"), crossing_dim=16)],
    )
    space.adapt(data)
    outputs = layers.Dense(1, activation="sigmoid")(space.get_encoded_features())
    model = lamina.Model(space.get_inputs(), outputs)
    model.compile(optimizer="adam", loss="binary_crossentropy")
    ds = Dataset.from_tensor_slices((data, target)).batch(50)
    history = model.fit(ds, epochs=3, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    path = tmp_path / "inference.keras"
    model.save(path)
    restored = saving.load_model(path)
    assert {t.name: t.dtype for t in restored.inputs}["city"] == "string"
    np.testing.assert_array_equal(restored.predict(data, verbose=0),
                                  model.predict(data, verbose=0))
