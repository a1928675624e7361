"""ReversibleEmbedding: tied logits by hand, soft cap, training through both directions."""

import numpy as np
import pytest

import lamina
from lamina import layers


def _np(x):
    return np.asarray(lamina.ops.convert_to_numpy(x))


def test_tied_reverse_is_hidden_times_table_transposed_with_soft_cap():
    emb = layers.ReversibleEmbedding(7, 3, logit_soft_cap=2.0)
    emb.build()
    hidden = np.random.default_rng(0).normal(size=(4, 3)).astype("float32") * 5
    table = _np(emb.embeddings)
    expected = 2.0 * np.tanh(hidden @ table.T / 2.0)
    np.testing.assert_allclose(_np(emb(hidden, reverse=True)), expected, rtol=1e-5, atol=1e-6)
    assert len(emb.weights) == 1


def test_untied_has_its_own_weight_and_reverse_dtype():
    emb = layers.ReversibleEmbedding(7, 3, tie_weights=False, reverse_dtype="float64")
    emb.build()
    assert [w.name for w in emb.weights] == ["embeddings", "reverse_embeddings"]
    out = emb(np.ones((2, 3), "float32"), reverse=True)
    assert lamina.ops.convert_to_numpy(out).dtype == np.float64


def test_wrong_hidden_size_names_the_layer():
    emb = layers.ReversibleEmbedding(7, 3, name="tok")
    with pytest.raises(ValueError, match="'tok'.*output_dim=3"):
        emb(np.ones((2, 5), "float32"), reverse=True)


def test_tied_model_trains_with_fit():
    rng = np.random.default_rng(2)
    ids = lamina.Input(shape=(5,), dtype="int32")
    emb = layers.ReversibleEmbedding(9, 6)
    logits = emb(layers.Dense(6)(emb(ids)), reverse=True)
    model = lamina.Model(ids, logits)
    model.compile(optimizer=lamina.optimizers.Adam(0.05),
                  loss=lamina.losses.SparseCategoricalCrossentropy(from_logits=True))
    x = rng.integers(0, 9, size=(16, 5)).astype("int32")
    before = model.evaluate(x, x, verbose=0)
    model.fit(x, x, epochs=5, batch_size=4, verbose=0)
    assert model.evaluate(x, x, verbose=0) < before
    assert layers.get_builtin_layer("ReversibleEmbedding") is layers.ReversibleEmbedding
