"""GroupQueryAttention: equals MultiHeadAttention when every query head has its own key/value
head, trains in fit, and applies dropout only in training."""

import numpy as np

import lamina
from lamina import layers


def _np(x):
    return np.asarray(lamina.ops.convert_to_numpy(x))


def test_one_kv_head_per_query_head_is_multi_head_attention():
    rng = np.random.default_rng(0)
    gqa = layers.GroupQueryAttention(head_dim=4, num_query_heads=2, num_key_value_heads=2)
    mha = layers.MultiHeadAttention(num_heads=2, key_dim=4)
    q = rng.normal(size=(2, 3, 6)).astype("float32")
    v = rng.normal(size=(2, 5, 6)).astype("float32")
    gqa(q, v)
    mha(q, v)
    mha.set_weights(gqa.get_weights())  # same shapes, same order
    np.testing.assert_allclose(_np(gqa(q, v, use_causal_mask=True)),
                               _np(mha(q, v, use_causal_mask=True)), rtol=1e-5, atol=1e-6)


def test_shared_kv_heads_repeat_in_order():
    # 4 query heads over 2 kv heads: query heads 0, 1 read kv head 0, heads 2, 3 read kv head 1
    rng = np.random.default_rng(1)
    gqa = layers.GroupQueryAttention(head_dim=2, num_query_heads=4, num_key_value_heads=2)
    q = rng.normal(size=(1, 3, 5)).astype("float32")
    _, scores = gqa(q, q, return_attention_scores=True)
    qk, qb, kk, kb = (_np(w) for w in gqa.weights[:4])
    qp = np.einsum("btm,muh->btuh", q, qk) + qb
    kp = np.einsum("bsm,mvh->bsvh", q, kk) + kb
    kp = np.repeat(kp, 2, axis=2)
    logits = np.einsum("btuh,bsuh->buts", qp, kp) / np.sqrt(2.0)
    expected = np.exp(logits - logits.max(-1, keepdims=True))
    expected /= expected.sum(-1, keepdims=True)
    np.testing.assert_allclose(_np(scores), expected, rtol=1e-5, atol=1e-6)


def test_dropout_only_in_training_and_fit_learns():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(16, 4, 8)).astype("float32")
    gqa = layers.GroupQueryAttention(4, 4, 2, dropout=0.5, seed=3)
    np.testing.assert_array_equal(_np(gqa(x, x)), _np(gqa(x, x)))
    assert not np.allclose(_np(gqa(x, x, training=True)), _np(gqa(x, x)))
    inp = lamina.Input(shape=(4, 8))
    model = lamina.Model(inp, layers.GroupQueryAttention(4, 4, 2)(inp, inp))
    model.compile(optimizer=lamina.optimizers.Adam(0.01), loss="mse")
    y = x[:, ::-1]
    before = model.evaluate(x, y, verbose=0)
    model.fit(x, y, epochs=5, batch_size=4, verbose=0)
    assert model.evaluate(x, y, verbose=0) < before
