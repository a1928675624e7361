"""A text classifier as in the keras.io guides: TextVectorization adapted on raw text, then
Embedding -> LSTM -> Dense trained with fit; the vocabulary is saved in the .keras file."""

import numpy as np

import lamina
from lamina import layers

POSITIVE = ["great", "good", "wonderful", "love", "happy", "superb"]
NEGATIVE = ["bad", "awful", "poor", "hate", "boring", "terrible"]
FILLER = ["the", "a", "movie", "was", "it", "really", "and", "plot", "film", "acting"]
SEQ_LEN = 10
MAX_TOKENS = 40


def make_reviews(n, seed):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, size=n)
    texts = []
    for label in labels:
        words = list(rng.choice(FILLER, 6)) + list(rng.choice(POSITIVE if label else NEGATIVE, 2))
        rng.shuffle(words)
        words[0] = words[0].capitalize()  # standardization lowercases this back
        texts.append(" ".join(words) + rng.choice(["!", ".", "?!"]))
    return np.array(texts), labels.astype("float32")


@lamina.saving.register_keras_serializable(package="lamina_tests")
class ReviewClassifier(lamina.Model):
    """Keeps its TextVectorization with it, so the vocabulary travels with the model."""

    def __init__(self, max_tokens=MAX_TOKENS, seq_len=SEQ_LEN, **kwargs):
        super().__init__(**kwargs)
        self.max_tokens, self.seq_len = max_tokens, seq_len
        self.vectorizer = layers.TextVectorization(max_tokens=max_tokens,
                                                   output_sequence_length=seq_len)
        self.embedding = layers.Embedding(max_tokens, 8)
        self.lstm = layers.LSTM(8)
        self.classify = layers.Dense(1, activation="sigmoid")

    def call(self, token_ids):
        return self.classify(self.lstm(self.embedding(token_ids)))

    def get_config(self):
        return {**super().get_config(), "max_tokens": self.max_tokens, "seq_len": self.seq_len}

    def get_build_config(self):
        return {"input_shape": [None, self.seq_len]}

    def build_from_config(self, config):
        self(np.zeros((1, self.seq_len), "int64"))  # creates the weights the file fills


def test_text_classifier_trains_and_round_trips(tmp_path):
    lamina.utils.set_random_seed(3)
    texts, labels = make_reviews(256, seed=0)
    model = ReviewClassifier()
    model.vectorizer.adapt(texts)
    vocab = model.vectorizer.get_vocabulary()
    assert vocab[:2] == ["", "[UNK]"] and len(vocab) <= MAX_TOKENS
    assert "Great" not in vocab and "movie" in vocab
    ids = lamina.ops.convert_to_numpy(model.vectorizer(texts))
    assert ids.shape == (256, SEQ_LEN) and ids.dtype == np.int64
    model.compile(optimizer=lamina.optimizers.Adam(0.02), loss="binary_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(ids, labels, epochs=8, batch_size=32, verbose=0)
    losses = history.history["loss"]
    assert losses[-1] < 0.5 * losses[0]
    test_texts, test_labels = make_reviews(64, seed=1)
    test_ids = lamina.ops.convert_to_numpy(model.vectorizer(test_texts))
    _, accuracy = model.evaluate(test_ids, test_labels, verbose=0)
    assert accuracy > 0.85  # chance is 0.5

    path = tmp_path / "reviews.keras"
    model.save(path)
    restored = lamina.saving.load_model(path)
    assert restored.vectorizer.get_vocabulary() == vocab
    again = lamina.ops.convert_to_numpy(restored.vectorizer(test_texts))
    np.testing.assert_array_equal(again, test_ids)
    np.testing.assert_allclose(restored.predict(again, verbose=0),
                               model.predict(test_ids, verbose=0), rtol=1e-5, atol=1e-6)
