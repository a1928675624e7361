"""Attention and activation layers against real Keras 3, with the same weights and inputs.

Each layer is built in both libraries from the same arguments and inputs, the Keras weights
are replaced by seeded random ones, the same arrays go to lamina via ``set_weights`` (so the
weight lists must agree in shapes and order), and the outputs must agree to float32 rounding.
"""

import numpy as np
import pytest

import lamina

RTOL, ATOL = 1e-5, 1e-6


def np_of(lib, x):
    if isinstance(x, (list, tuple)):
        return [np_of(lib, v) for v in x]
    return np.asarray(lib.ops.convert_to_numpy(x))


def tensors(lib, arrays):
    return [None if a is None else lib.ops.convert_to_tensor(a) for a in arrays]


def share_weights(rng, layer_k, layer_l):
    shapes_k = [tuple(w.shape) for w in layer_k.get_weights()]
    shapes_l = [tuple(w.shape) for w in layer_l.get_weights()]
    assert shapes_l == shapes_k, "weight lists differ in shapes or order"
    weights = [rng.normal(0.0, 0.5, size=s).astype("float32") for s in shapes_k]
    layer_k.set_weights(weights)
    layer_l.set_weights(weights)


def assert_close(actual, expected):
    if isinstance(expected, list):
        assert len(actual) == len(expected)
        for a, e in zip(actual, expected):
            assert_close(a, e)
        return
    assert actual.shape == expected.shape
    np.testing.assert_allclose(actual, expected, rtol=RTOL, atol=ATOL)


def config_keys(layer):
    return set(layer.get_config())


# -- MultiHeadAttention ----------------------------------------------------------------------


def run_mha(keras, rng, layer_kwargs, arrays, call_kwargs=None, masks=None):
    """Build MHA in both libraries on (query, value, key) arrays; return both outputs."""
    call_kwargs = dict(call_kwargs or {})
    results = []
    layers = []
    for lib in (keras, lamina):
        layer = lib.layers.MultiHeadAttention(**layer_kwargs)
        q, v, k = tensors(lib, arrays)
        if masks is not None:  # padding masks carried on the inputs, as Masking would set them
            for t, m in zip((q, v, k), masks):
                if t is not None and m is not None:
                    t._keras_mask = lib.ops.convert_to_tensor(m)
        kw = {k_: (lib.ops.convert_to_tensor(v_) if isinstance(v_, np.ndarray) else v_)
              for k_, v_ in call_kwargs.items()}
        layer.build(q.shape, v.shape, None if k is None else k.shape)
        layers.append((layer, lib, (q, v, k), kw))
    share_weights(rng, layers[0][0], layers[1][0])
    for layer, lib, (q, v, k), kw in layers:
        args = (q, v) if k is None else (q, v, k)
        results.append(np_of(lib, layer(*args, **kw)))
    return results


def _qvk(rng, b=2, t=4, s=6, dq=8, dv=5, dk=None):
    q = rng.normal(size=(b, t, dq)).astype("float32")
    v = rng.normal(size=(b, s, dv)).astype("float32")
    k = None if dk is None else rng.normal(size=(b, s, dk)).astype("float32")
    return q, v, k


def test_mha_query_value_key_of_different_lengths(keras, rng):
    expected, actual = run_mha(keras, rng, dict(num_heads=3, key_dim=4, value_dim=2),
                               _qvk(rng, dk=7))
    assert_close(actual, expected)


def test_mha_self_attention_batch_of_one(keras, rng):
    q, _, _ = _qvk(rng, b=1)
    expected, actual = run_mha(keras, rng, dict(num_heads=2, key_dim=3), (q, q, None))
    assert_close(actual, expected)


@pytest.mark.parametrize("return_scores", [False, True])
def test_mha_attention_mask(keras, rng, return_scores):
    arrays = _qvk(rng)
    mask = rng.random((2, 4, 6)) > 0.3
    mask[:, :, 0] = True
    expected, actual = run_mha(keras, rng, dict(num_heads=2, key_dim=4), arrays,
                               dict(attention_mask=mask, return_attention_scores=return_scores))
    assert_close(actual, expected)


@pytest.mark.parametrize("return_scores", [False, True])
def test_mha_causal_mask(keras, rng, return_scores):
    q, _, _ = _qvk(rng, t=5)
    expected, actual = run_mha(keras, rng, dict(num_heads=2, key_dim=4), (q, q, None),
                               dict(use_causal_mask=True, return_attention_scores=return_scores))
    assert_close(actual, expected)


def test_mha_causal_and_attention_mask(keras, rng):
    q, _, _ = _qvk(rng, t=5)
    mask = rng.random((2, 5, 5)) > 0.4
    mask[:, :, 0] = True
    expected, actual = run_mha(keras, rng, dict(num_heads=2, key_dim=4), (q, q, None),
                               dict(use_causal_mask=True, attention_mask=mask))
    assert_close(actual, expected)


def test_mha_returns_scores(keras, rng):
    expected, actual = run_mha(keras, rng, dict(num_heads=4, key_dim=2, output_shape=3),
                               _qvk(rng, dk=3), dict(return_attention_scores=True))
    assert actual[1].shape == (2, 4, 4, 6)
    assert_close(actual, expected)


@pytest.mark.parametrize("return_scores", [False, True])
def test_mha_padding_masks_on_inputs(keras, rng, return_scores):
    arrays = _qvk(rng, dk=3)
    q_mask = np.array([[1, 1, 1, 0], [1, 1, 0, 0]], bool)
    v_mask = np.array([[1, 1, 1, 1, 0, 0], [1, 1, 1, 0, 0, 0]], bool)
    k_mask = np.array([[1, 1, 1, 1, 1, 0], [1, 1, 1, 1, 0, 0]], bool)
    expected, actual = run_mha(keras, rng, dict(num_heads=2, key_dim=4), arrays,
                               dict(return_attention_scores=return_scores),
                               masks=(q_mask, v_mask, k_mask))
    assert_close(actual, expected)


def test_mha_attention_axes_and_no_bias(keras, rng):
    q = rng.normal(size=(2, 3, 4, 6)).astype("float32")
    expected, actual = run_mha(
        keras, rng, dict(num_heads=2, key_dim=3, attention_axes=(1, 2), use_bias=False),
        (q, q, None), dict(return_attention_scores=True))
    assert_close(actual, expected)


def test_mha_gate_and_sliding_window(keras, rng):
    q, _, _ = _qvk(rng, t=6)
    expected, actual = run_mha(keras, rng, dict(num_heads=2, key_dim=4, use_gate=True,
                                                sliding_window=2), (q, q, None))
    assert_close(actual, expected)


def test_mha_config_and_build_config_match_keras(keras, rng):
    q, v, _ = _qvk(rng)
    kw = dict(num_heads=2, key_dim=4, dropout=0.1, output_shape=(3,), seed=1)
    mk, ml = keras.layers.MultiHeadAttention(**kw), lamina.layers.MultiHeadAttention(**kw)
    assert config_keys(ml) == config_keys(mk)
    mk(q, v)
    ml(q, v)
    ck, cl = mk.get_config(), ml.get_config()
    for key in ("num_heads", "key_dim", "value_dim", "dropout", "output_shape",
                "attention_axes", "use_gate", "sliding_window", "seed"):
        assert cl[key] == ck[key], key
    bk = mk.get_build_config()["shapes_dict"]
    bl = ml.get_build_config()["shapes_dict"]
    assert {k: list(v) for k, v in bk.items()} == bl


def test_mha_functional_model_matches_keras(keras, rng):
    q, v, _ = _qvk(rng)
    models = []
    for lib in (keras, lamina):
        qi, vi = lib.Input((4, 8)), lib.Input((6, 5))
        out, scores = lib.layers.MultiHeadAttention(2, 3)(qi, value=vi,
                                                          return_attention_scores=True)
        models.append(lib.Model([qi, vi], [out, scores]))
    share_weights(rng, *models)
    assert tuple(models[1].outputs[1].shape) == (None, 2, 4, 6)
    expected = np_of(keras, models[0].predict([q, v], verbose=0))
    actual = np_of(lamina, models[1].predict([q, v], verbose=0))
    assert_close(actual, expected)


# -- Attention / AdditiveAttention -----------------------------------------------------------


def run_attention(keras, rng, cls, layer_kwargs, arrays, call_kwargs=None):
    call_kwargs = dict(call_kwargs or {})
    built = []
    for lib in (keras, lamina):
        layer = getattr(lib.layers, cls)(**layer_kwargs)
        inputs = [t for t in tensors(lib, arrays) if t is not None]
        layer.build([tuple(t.shape) for t in inputs])
        kw = dict(call_kwargs)
        if "mask" in kw:
            kw["mask"] = [None if m is None else lib.ops.convert_to_tensor(m) for m in kw["mask"]]
        built.append((layer, lib, inputs, kw))
    if built[0][0].get_weights():
        share_weights(rng, built[0][0], built[1][0])
    return [np_of(lib, layer(inputs, **kw)) for layer, lib, inputs, kw in built]


ATTENTION_CASES = [
    ("Attention", dict()),
    ("Attention", dict(use_scale=True)),
    ("Attention", dict(score_mode="concat")),
    ("Attention", dict(score_mode="concat", use_scale=True)),
    ("AdditiveAttention", dict()),
    ("AdditiveAttention", dict(use_scale=False)),
]


@pytest.mark.parametrize("cls,layer_kwargs", ATTENTION_CASES)
@pytest.mark.parametrize("with_key", [False, True])
def test_attention_layers(keras, rng, cls, layer_kwargs, with_key):
    arrays = _qvk(rng, dv=8, dk=8 if with_key else None)
    expected, actual = run_attention(keras, rng, cls, layer_kwargs, arrays,
                                     dict(return_attention_scores=True))
    assert_close(actual, expected)


@pytest.mark.parametrize("cls,layer_kwargs", ATTENTION_CASES)
def test_attention_layers_with_masks(keras, rng, cls, layer_kwargs):
    arrays = _qvk(rng, dv=8)
    q_mask = np.array([[1, 1, 1, 0], [1, 0, 0, 0]], bool)
    v_mask = np.array([[1, 1, 1, 1, 0, 0], [1, 1, 0, 0, 0, 0]], bool)
    expected, actual = run_attention(keras, rng, cls, layer_kwargs, arrays,
                                     dict(mask=[q_mask, v_mask], return_attention_scores=True))
    assert_close(actual, expected)


@pytest.mark.parametrize("cls", ["Attention", "AdditiveAttention"])
def test_attention_causal_mask(keras, rng, cls):
    q, _, _ = _qvk(rng, t=5, dq=8)
    v_mask = np.array([[1, 1, 1, 1, 0], [1, 1, 1, 0, 0]], bool)
    expected, actual = run_attention(keras, rng, cls, {}, (q, q),
                                     dict(mask=[None, v_mask], use_causal_mask=True))
    assert_close(actual, expected)


@pytest.mark.parametrize("cls", ["Attention", "AdditiveAttention"])
def test_attention_config_keys_match_keras(keras, cls):
    lk, ll = getattr(keras.layers, cls)(dropout=0.2), getattr(lamina.layers, cls)(dropout=0.2)
    assert config_keys(ll) == config_keys(lk)
    ck, cl = lk.get_config(), ll.get_config()
    for key in ck:
        if key not in ("name", "dtype"):
            assert cl[key] == ck[key], key


# -- activation layers -----------------------------------------------------------------------

ACTIVATION_CASES = [
    ("ReLU", {}),
    ("ReLU", dict(max_value=1.5)),
    ("ReLU", dict(negative_slope=0.2, threshold=0.3)),
    ("ReLU", dict(max_value=2.0, negative_slope=0.1, threshold=0.5)),
    ("LeakyReLU", {}),
    ("LeakyReLU", dict(negative_slope=0.05)),
    ("ELU", {}),
    ("ELU", dict(alpha=0.5)),
    ("Softmax", {}),
    ("Softmax", dict(axis=1)),
    ("Softmax", dict(axis=[1, 2])),
    ("PReLU", {}),
    ("PReLU", dict(shared_axes=[1])),
    ("PReLU", dict(shared_axes=2, alpha_initializer="ones")),
]


@pytest.mark.parametrize("cls,kwargs", ACTIVATION_CASES)
def test_activation_layers(keras, rng, cls, kwargs):
    x = (rng.normal(size=(2, 3, 4)) * 2).astype("float32")
    lk, ll = getattr(keras.layers, cls)(**kwargs), getattr(lamina.layers, cls)(**kwargs)
    expected_first = np_of(keras, lk(x))
    actual_first = np_of(lamina, ll(lamina.ops.convert_to_tensor(x)))
    if lk.get_weights():
        share_weights(rng, lk, ll)
        expected = np_of(keras, lk(x))
        actual = np_of(lamina, ll(lamina.ops.convert_to_tensor(x)))
    else:
        expected, actual = expected_first, actual_first
    assert_close(actual_first, expected_first)
    assert_close(actual, expected)
    assert config_keys(ll) == config_keys(lk)
    ck, cl = lk.get_config(), ll.get_config()
    for key in ck:
        if key not in ("name", "dtype"):
            assert cl[key] == ck[key], key


def test_softmax_with_mask(keras, rng):
    x = rng.normal(size=(2, 3, 4)).astype("float32")
    mask = rng.random((2, 1, 4)) > 0.4
    mask[0, 0] = False  # a fully masked slice comes out all zeros
    expected = np_of(keras, keras.layers.Softmax()(x, mask=keras.ops.convert_to_tensor(mask)))
    actual = np_of(lamina, lamina.layers.Softmax()(lamina.ops.convert_to_tensor(x),
                                                   mask=lamina.ops.convert_to_tensor(mask)))
    assert_close(actual, expected)
    assert not actual[0].any()


def test_leaky_relu_default_slope_is_keras_3s(keras):
    assert lamina.layers.LeakyReLU().negative_slope == keras.layers.LeakyReLU().negative_slope


# -- files -----------------------------------------------------------------------------------


def test_keras_files_with_attention_load_both_ways(keras, rng, tmp_path):
    x = rng.normal(size=(2, 5, 8)).astype("float32")
    inp = keras.Input((5, 8))
    h = keras.layers.MultiHeadAttention(2, 4, use_gate=True)(inp, inp, use_causal_mask=True)
    h = keras.layers.LeakyReLU()(h)
    h = keras.layers.Attention(use_scale=True)([h, inp])
    h = keras.layers.AdditiveAttention()([h, inp])
    h = keras.layers.PReLU()(h)
    km = keras.Model(inp, h)
    km.set_weights([rng.normal(0, 0.5, size=w.shape).astype("float32")
                    for w in km.get_weights()])
    expected = np_of(keras, km.predict(x, verbose=0))
    km.save(str(tmp_path / "k.keras"))
    lm = lamina.models.load_model(str(tmp_path / "k.keras"))
    assert_close(np_of(lamina, lm.predict(x, verbose=0)), expected)
    lm.save(str(tmp_path / "l.keras"))
    km2 = keras.models.load_model(str(tmp_path / "l.keras"))
    assert_close(np_of(keras, km2.predict(x, verbose=0)), expected)


def test_masks_from_embedding_flow_through_attention_in_models(keras, rng):
    tokens = np.array([[3, 1, 4, 0, 0], [2, 7, 0, 0, 0]], "int32")
    models = []
    for lib in (keras, lamina):
        inp = lib.Input((5,), dtype="int32")
        e = lib.layers.Embedding(10, 6, mask_zero=True)(inp)
        h = lib.layers.MultiHeadAttention(2, 3)(e, e)
        h = lib.layers.Attention()([h, e])
        models.append(lib.Model(inp, h))
    share_weights(rng, *models)
    expected = np_of(keras, models[0].predict(tokens, verbose=0))
    actual = np_of(lamina, models[1].predict(tokens, verbose=0))
    assert_close(actual, expected)
