"""MultiHeadAttention, Attention and AdditiveAttention: shapes, masks, weights, config, models.

Numbers are checked against NumPy maths done by hand (the conformance tests compare with Keras).
"""

import numpy as np
import pytest

import lamina
from lamina import layers, ops


def np_(x):
    return np.asarray(ops.convert_to_numpy(x))


def softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def reference_mha(layer, q, v, k=None, mask=None):
    """Multi-head attention in NumPy from the layer's own weights."""
    k = v if k is None else k
    wq, bq, wk, bk, wv, bv, wo, bo = layer.get_weights()
    Q = np.einsum("btd,dnh->btnh", q, wq) + bq
    K = np.einsum("bsd,dnh->bsnh", k, wk) + bk
    V = np.einsum("bsd,dnh->bsnh", v, wv) + bv
    scores = np.einsum("btnh,bsnh->bnts", Q / np.sqrt(wq.shape[-1]), K)
    if mask is not None:
        scores = np.where(mask[:, None], scores, -1e9)
    w = softmax(scores)
    out = np.einsum("bnts,bsnh->btnh", w, V)
    return np.einsum("btnh,nhd->btd", out, wo) + bo, w


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def test_mha_weights_have_keras_shapes_names_and_order():
    mha = layers.MultiHeadAttention(num_heads=3, key_dim=4, value_dim=5)
    mha(ops.ones((2, 6, 8)), ops.ones((2, 7, 10)), ops.ones((2, 7, 9)))
    shapes = [tuple(w.shape) for w in mha.weights]
    assert shapes == [(8, 3, 4), (3, 4), (9, 3, 4), (3, 4), (10, 3, 5), (3, 5), (3, 5, 8), (8,)]
    assert [w._lamina_path for w in mha.weights][::2] == [  # Keras prefixes the layer's name
        f"{mha.name}/query/kernel", f"{mha.name}/key/kernel", f"{mha.name}/value/kernel",
        f"{mha.name}/attention_output/kernel"]
    assert mha.count_params() == sum(int(np.prod(s)) for s in shapes)


def test_mha_matches_numpy(rng):
    q = rng.normal(size=(2, 4, 6)).astype("float32")
    v = rng.normal(size=(2, 5, 6)).astype("float32")
    mha = layers.MultiHeadAttention(2, 3)
    out, scores = mha(q, v, return_attention_scores=True)
    ref_out, ref_scores = reference_mha(mha, q, v)
    np.testing.assert_allclose(np_(out), ref_out, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(np_(scores), ref_scores, rtol=1e-5, atol=1e-6)


def test_mha_causal_mask_hides_the_future(rng):
    x = rng.normal(size=(1, 4, 6)).astype("float32")
    mha = layers.MultiHeadAttention(2, 3)
    _, scores = mha(x, x, use_causal_mask=True, return_attention_scores=True)
    scores = np_(scores)
    assert np.all(np.triu(scores[0, 0], k=1) == 0)
    np.testing.assert_allclose(scores.sum(-1), 1.0, rtol=1e-6)
    tril = np.tril(np.ones((4, 4), bool))[None]
    np.testing.assert_allclose(np_(mha(x, x, use_causal_mask=True)),
                               reference_mha(mha, x, x, mask=tril)[0], rtol=1e-5, atol=1e-5)


def test_mha_padding_mask_on_value_is_used(rng):
    q = rng.normal(size=(2, 3, 4)).astype("float32")
    v = rng.normal(size=(2, 5, 4)).astype("float32")
    vm = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 0]], bool)
    mha = layers.MultiHeadAttention(2, 2)
    vt = ops.convert_to_tensor(v)
    vt._keras_mask = ops.convert_to_tensor(vm)
    _, scores = mha(ops.convert_to_tensor(q), vt, return_attention_scores=True)
    assert np.all(np_(scores)[0, :, :, 3:] == 0) and np.all(np_(scores)[1, :, :, 4:] == 0)
    assert getattr(vt, "_keras_mask", None) is None  # taken off the input, as Keras does
    explicit = mha(q, v, attention_mask=np.broadcast_to(vm[:, None], (2, 3, 5)))
    vt._keras_mask = ops.convert_to_tensor(vm)
    np.testing.assert_allclose(np_(mha(ops.convert_to_tensor(q), vt)), np_(explicit), atol=1e-6)


def test_mha_output_carries_the_query_mask(rng):
    q = ops.convert_to_tensor(rng.normal(size=(2, 3, 4)).astype("float32"))
    mask = np.array([[1, 1, 0], [1, 0, 0]], bool)
    q._keras_mask = ops.convert_to_tensor(mask)
    mha = layers.MultiHeadAttention(1, 2)
    out = mha(q, q)
    assert np.array_equal(np_(out._keras_mask), mask)
    q._keras_mask = ops.convert_to_tensor(mask)
    out, _ = mha(q, q, return_attention_scores=True)
    assert out._keras_mask is not None


def test_mha_keyword_inputs_output_shape_and_batch_of_one():
    mha = layers.MultiHeadAttention(num_heads=2, key_dim=4, output_shape=(3, 2))
    out = mha(query=ops.ones((1, 5, 6)), value=ops.ones((1, 2, 7)))
    assert tuple(out.shape) == (1, 5, 3, 2)
    assert mha.compute_output_shape((1, 5, 6), (1, 2, 7)) == (1, 5, 3, 2)


def test_mha_needs_a_value():
    with pytest.raises(ValueError, match="value"):
        layers.MultiHeadAttention(2, 2)(ops.ones((1, 2, 3)))
    with pytest.raises(ValueError, match="num_heads"):
        layers.MultiHeadAttention(0, 2)


def test_mha_dropout_only_in_training(rng):
    x = rng.normal(size=(2, 4, 6)).astype("float32")
    mha = layers.MultiHeadAttention(2, 3, dropout=0.5)
    a, b = np_(mha(x, x)), np_(mha(x, x, training=False))
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(np_(mha(x, x, training=True)), a)


def test_mha_in_a_functional_model_saves_and_loads(tmp_path, rng):
    inp = lamina.Input((5, 8))
    x = layers.MultiHeadAttention(2, 4, name="mha")(inp, inp, use_causal_mask=True)
    model = lamina.Model(inp, layers.Dense(1)(x))
    data = rng.normal(size=(3, 5, 8)).astype("float32")
    before = np_(model.predict(data, verbose=0))
    path = str(tmp_path / "m.keras")
    model.save(path)
    again = lamina.models.load_model(path)
    np.testing.assert_allclose(np_(again.predict(data, verbose=0)), before, rtol=1e-6)
    cfg = model.get_layer("mha").get_config()
    assert cfg["attention_axes"] == (1,) and cfg["num_heads"] == 2


def test_mha_trains(rng):
    inp = lamina.Input((4, 3))
    out = layers.MultiHeadAttention(1, 2)(inp, inp)
    model = lamina.Model(inp, out)
    model.compile("adam", "mse")
    x = rng.normal(size=(8, 4, 3)).astype("float32")
    hist = model.fit(x, x, epochs=3, verbose=0)
    assert np.isfinite(hist.history["loss"]).all()


def reference_attention(q, v, k=None, scale=1.0, v_mask=None, q_mask=None):
    k = v if k is None else k
    scores = scale * q @ np.swapaxes(k, -1, -2)
    if v_mask is not None:
        scores = np.where(v_mask[:, None], scores, scores - 1e9)
    w = softmax(scores)
    out = w @ v
    if q_mask is not None:
        out = np.where(q_mask[..., None], out, 0)
    return out, w


def test_dot_attention_matches_numpy_with_masks(rng):
    q = rng.normal(size=(2, 3, 4)).astype("float32")
    v = rng.normal(size=(2, 5, 4)).astype("float32")
    qm = np.array([[1, 1, 0], [1, 1, 1]], bool)
    vm = np.array([[1, 1, 1, 0, 0], [1, 0, 0, 0, 0]], bool)
    layer = layers.Attention()
    out, w = layer([q, v], mask=[ops.convert_to_tensor(qm), ops.convert_to_tensor(vm)],
                   return_attention_scores=True)
    ref_out, ref_w = reference_attention(q, v, v_mask=vm, q_mask=qm)
    np.testing.assert_allclose(np_(out), ref_out, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np_(w), ref_w, rtol=1e-5, atol=1e-6)
    assert np.array_equal(np_(out._keras_mask), qm)


def test_attention_weights_and_config():
    q = ops.ones((1, 2, 3))
    dot = layers.Attention(use_scale=True, score_mode="concat")
    dot([q, q])
    assert [w._lamina_path.split("/")[-1] for w in dot.weights] == ["scale",
                                                                     "concat_score_weight"]
    add = layers.AdditiveAttention()
    add([q, q])
    assert [tuple(w.shape) for w in add.weights] == [(3,)]
    assert "score_mode" not in add.get_config()
    again = layers.Attention.from_config(dot.get_config())
    assert again.score_mode == "concat" and again.use_scale
    with pytest.raises(ValueError, match="score_mode"):
        layers.Attention(score_mode="add")
    with pytest.raises(ValueError, match="list"):
        layers.Attention()(q)


def test_additive_attention_matches_numpy(rng):
    q = rng.normal(size=(2, 3, 4)).astype("float32")
    v = rng.normal(size=(2, 5, 4)).astype("float32")
    layer = layers.AdditiveAttention()
    out, w = layer([q, v], return_attention_scores=True)
    scale = layer.get_weights()[0]
    scores = (scale * np.tanh(q[:, :, None] + v[:, None])).sum(-1)
    np.testing.assert_allclose(np_(w), softmax(scores), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np_(out), softmax(scores) @ v, rtol=1e-5, atol=1e-6)


def test_attention_in_functional_model_with_scores():
    q, v = lamina.Input((3, 4)), lamina.Input((5, 4))
    out, scores = layers.Attention()([q, v], return_attention_scores=True)
    assert out.shape == (None, 3, 4) and scores.shape == (None, 3, 5)
    model = lamina.Model([q, v], [out, scores])
    res = model.predict([np.ones((2, 3, 4)), np.ones((2, 5, 4))], verbose=0)
    assert tuple(res[1].shape) == (2, 3, 5)
