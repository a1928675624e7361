"""The layers of issue 12 (EinsumDense, ReversibleEmbedding, adaptive pooling, ...) against
real Keras 3: same weight names/shapes/order, same outputs for the same weights and inputs,
same config, and .keras files that load in the other library."""

import re
import warnings

import numpy as np
import pytest

import lamina

RTOL = 1e-5
ATOL = 1e-6


def np_of(lib, x):
    return np.asarray(lib.ops.convert_to_numpy(x))


def close(a, b, rtol=RTOL, atol=ATOL):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=rtol, atol=atol)


def config_without_name(layer):
    cfg = dict(layer.get_config())
    cfg.pop("name", None)
    return cfg


def twin(keras, name, kwargs, shape, rng):
    """The keras and lamina layers ``name(**kwargs)``, built for ``shape``, same weights."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        k = getattr(keras.layers, name)(**kwargs)
        m = getattr(lamina.layers, name)(**kwargs)
    k.build(shape)
    m.build(shape)
    assert [w.name for w in m.weights] == [w.name for w in k.weights]
    assert [tuple(w.shape) for w in m.weights] == [tuple(w.shape) for w in k.weights]
    assert [w.trainable for w in m.weights] == [w.trainable for w in k.weights]
    weights = [rng.normal(size=w.shape).astype("float32") for w in k.get_weights()]
    k.set_weights(weights)
    m.set_weights(weights)
    assert config_without_name(m) == config_without_name(k)
    return k, m


def roundtrip_both_ways(keras, build, x, tmp_path):
    """A model built by ``build(lib)`` saved by each library loads in the other, same outputs."""
    ours, theirs = build(lamina), build(keras)
    theirs.set_weights(ours.get_weights())
    close(np_of(lamina, ours.predict(x, verbose=0)), np_of(keras, theirs.predict(x, verbose=0)))
    ours.save(tmp_path / "ours.keras")
    theirs.save(tmp_path / "theirs.keras")
    in_keras = keras.saving.load_model(tmp_path / "ours.keras")
    in_lamina = lamina.models.load_model(tmp_path / "theirs.keras")
    close(np_of(keras, in_keras.predict(x, verbose=0)), np_of(lamina, ours.predict(x, verbose=0)))
    close(np_of(lamina, in_lamina.predict(x, verbose=0)),
          np_of(keras, theirs.predict(x, verbose=0)))
    return in_keras, in_lamina


# -- EinsumDense -----------------------------------------------------------------------------

EINSUM_CASES = [
    ("ab,bc->ac", 5, "c", (3, 4)),
    ("ab,bc->ac", 5, None, (1, 4)),
    ("abc,cd->abd", (None, 6), "d", (2, 3, 4)),
    ("...x,xy->...y", 6, "y", (2, 3, 4)),
    ("...x,xy->...y", 6, "y", (2, 4)),
    ("abc,cde->abde", (3, 2, 5), "de", (2, 3, 4)),
    ("abc,cde->abde", (3, 2, 5), "e", (2, 3, 4)),
    ("abcd,cde->abe", (3, 6), "e", (2, 3, 4, 5)),
    ("ab...,bc->ac...", (6,), "c", (2, 4, 3)),
    ("abc,cd->abd", (None, 6), None, (2, 3, 4)),
]


@pytest.mark.parametrize("equation,output_shape,bias_axes,shape", EINSUM_CASES)
@pytest.mark.parametrize("lora", [None, 2])
def test_einsum_dense_matches_keras(keras, rng, equation, output_shape, bias_axes, shape, lora):
    kwargs = {"equation": equation, "output_shape": output_shape, "bias_axes": bias_axes,
              "activation": "tanh", "lora_rank": lora}
    k, m = twin(keras, "EinsumDense", kwargs, shape, rng)
    x = rng.normal(size=shape).astype("float32")
    close(np_of(lamina, m(x)), np_of(keras, k(x)))
    sym = (None,) + shape[1:]
    assert m.compute_output_shape(sym) == k.compute_output_shape(sym)
    assert [w.trainable for w in m.trainable_weights] == [w.trainable for w in k.trainable_weights]


def test_einsum_dense_enable_lora_later_and_alpha(keras, rng):
    k, m = twin(keras, "EinsumDense", {"equation": "abc,cd->abd", "output_shape": (None, 4),
                                        "bias_axes": "d"}, (2, 3, 5), rng)
    k.enable_lora(3, lora_alpha=1.5)
    m.enable_lora(3, lora_alpha=1.5)
    weights = [rng.normal(size=w.shape).astype("float32") for w in k.get_weights()]
    k.set_weights(weights)
    m.set_weights(weights)
    assert [w.name for w in m.trainable_weights] == [w.name for w in k.trainable_weights]
    x = rng.normal(size=(2, 3, 5)).astype("float32")
    close(np_of(lamina, m(x)), np_of(keras, k(x)))
    assert config_without_name(m) == config_without_name(k)


def test_einsum_dense_errors_like_keras(keras):
    for args in [("ab,bc", 3), ("abc,cd->abe", 3)]:
        with pytest.raises(ValueError):
            keras.layers.EinsumDense(*args).build((2, 4, 5))
        with pytest.raises(ValueError, match="EinsumDense|einsum"):
            lamina.layers.EinsumDense(*args).build((2, 4, 5))
    with pytest.raises(ValueError, match="Bias dimension 'z'|bias dimension 'z'"):
        lamina.layers.EinsumDense("ab,bc->ac", 3, bias_axes="z").build((2, 4))


def _einsum_model(lib, lora_rank=None):
    inp = lib.layers.Input(shape=(3, 4))
    x = lib.layers.EinsumDense("abc,cde->abde", (3, 2, 5), bias_axes="de", name="proj",
                               lora_rank=lora_rank)(inp)
    out = lib.layers.EinsumDense("abcd,cde->abe", (3, 2), bias_axes="e", name="back")(x)
    return lib.Model(inp, out)


def test_einsum_dense_files_interchange(keras, rng, tmp_path):
    x = rng.normal(size=(2, 3, 4)).astype("float32")
    roundtrip_both_ways(keras, _einsum_model, x, tmp_path)


def test_einsum_dense_lora_file_holds_the_merged_kernel(keras, rng, tmp_path):
    # Keras writes kernel + (alpha/rank) * a @ b as the kernel; a plain EinsumDense reads it.
    ours = _einsum_model(lamina, lora_rank=2)
    ours.set_weights([rng.normal(size=w.shape).astype("float32") for w in ours.get_weights()])
    x = rng.normal(size=(2, 3, 4)).astype("float32")
    ours.save(tmp_path / "lora.keras")
    theirs = keras.saving.load_model(tmp_path / "lora.keras")
    close(np_of(keras, theirs.predict(x, verbose=0)), np_of(lamina, ours.predict(x, verbose=0)),
          rtol=1e-4)
    again = lamina.models.load_model(tmp_path / "lora.keras")
    layer = again.get_layer("proj")
    assert layer.lora_enabled
    assert not np.any(np_of(lamina, layer.lora_kernel_b))
    close(np_of(lamina, again.predict(x, verbose=0)), np_of(lamina, ours.predict(x, verbose=0)),
          rtol=1e-4)


# -- ReversibleEmbedding ---------------------------------------------------------------------

REV_CASES = [
    {"input_dim": 11, "output_dim": 4},
    {"input_dim": 11, "output_dim": 4, "tie_weights": False},
    {"input_dim": 11, "output_dim": 4, "logit_soft_cap": 1.5},
    {"input_dim": 11, "output_dim": 4, "tie_weights": False, "mask_zero": True,
     "logit_soft_cap": 0.5},
    # LoRA comes from Embedding; Keras fails to build it with tie_weights=False (its tracker
    # is locked after enable_lora), so only the tied form is compared
    {"input_dim": 11, "output_dim": 4, "lora_rank": 2},
]


@pytest.mark.parametrize("kwargs", REV_CASES)
def test_reversible_embedding_matches_keras(keras, rng, kwargs):
    k, m = twin(keras, "ReversibleEmbedding", kwargs, (2, 5), rng)
    ids = rng.integers(0, 11, size=(2, 5)).astype("int32")
    ids[0, 3:] = 0
    close(np_of(lamina, m(ids)), np_of(keras, k(ids)))
    if kwargs.get("mask_zero"):
        close(np_of(lamina, m(ids)._keras_mask), np_of(keras, k(ids)._keras_mask))
    hidden = rng.normal(size=(2, 5, 4)).astype("float32")
    close(np_of(lamina, m(hidden, reverse=True)), np_of(keras, k(hidden, reverse=True)))
    assert m.compute_output_shape((None, 5, 4), reverse=True) == tuple(
        k.compute_output_shape((None, 5, 4), reverse=True))


def _language_model(lib, tie_weights=True):
    ids = lib.layers.Input(shape=(6,), dtype="int32")
    emb = lib.layers.ReversibleEmbedding(13, 8, tie_weights=tie_weights, logit_soft_cap=3.0,
                                         name="emb")
    x = emb(ids)
    x = lib.layers.Dense(8, activation="tanh", name="mix")(x)
    return lib.Model(ids, emb(x, reverse=True))


@pytest.mark.parametrize("tie_weights", [True, False])
def test_reversible_embedding_model_files_interchange(keras, rng, tmp_path, tie_weights):
    ids = rng.integers(0, 13, size=(3, 6)).astype("int32")
    in_keras, in_lamina = roundtrip_both_ways(
        keras, lambda lib: _language_model(lib, tie_weights), ids, tmp_path)
    assert tuple(in_lamina.output.shape) == (None, 6, 13)


# -- Adaptive pooling ------------------------------------------------------------------------

ADAPTIVE_CASES = [
    (1, 4, (2, 10, 3), "channels_last"),
    (1, (3,), (1, 7, 2), "channels_first"),
    (1, 5, (2, 5, 3), "channels_last"),  # output as long as the input: identity bins
    (2, 3, (2, 7, 5, 3), "channels_last"),
    (2, (4, 2), (2, 3, 9, 6), "channels_first"),
    (2, (6, 4), (1, 5, 3, 2), "channels_last"),  # more bins than cells: cells repeat
    (3, 2, (2, 5, 4, 7, 3), "channels_last"),
    (3, (3, 1, 2), (1, 2, 6, 5, 4), "channels_first"),
]


@pytest.mark.parametrize("mode", ["Average", "Max"])
@pytest.mark.parametrize("rank,output_size,shape,data_format", ADAPTIVE_CASES)
def test_adaptive_pooling_matches_keras(keras, rng, mode, rank, output_size, shape, data_format):
    name = f"Adaptive{mode}Pooling{rank}D"
    k, m = twin(keras, name, {"output_size": output_size, "data_format": data_format}, shape, rng)
    x = rng.normal(size=shape).astype("float32")
    close(np_of(lamina, m(x)), np_of(keras, k(x)))
    sym = (None,) + shape[1:]
    assert tuple(m.compute_output_shape(sym)) == tuple(k.compute_output_shape(sym))


def test_adaptive_bins_by_hand(rng):
    # cell i of n pooled to m covers [floor(i*n/m), ceil((i+1)*n/m)): n=7, m=3 -> 0:3, 2:5, 4:7
    x = rng.normal(size=(1, 7, 1)).astype("float32")
    bins = [(0, 3), (2, 5), (4, 7)]
    avg = np_of(lamina, lamina.layers.AdaptiveAveragePooling1D(3)(x))[0, :, 0]
    top = np_of(lamina, lamina.layers.AdaptiveMaxPooling1D(3)(x))[0, :, 0]
    close(avg, [x[0, a:b, 0].mean() for a, b in bins])
    close(top, [x[0, a:b, 0].max() for a, b in bins])


def test_adaptive_pooling_refuses_bad_sizes():
    with pytest.raises(TypeError, match="AdaptiveMaxPooling2D.*output_size"):
        lamina.layers.AdaptiveMaxPooling2D((2, 2, 2))
    with pytest.raises(ValueError, match="positive"):
        lamina.layers.AdaptiveAveragePooling1D(0)
    with pytest.raises(ValueError, match="data_format"):
        lamina.layers.AdaptiveAveragePooling3D(2, data_format="nchw")


def _pooling_model(lib):
    inp = lib.layers.Input(shape=(9, 7, 3))
    x = lib.layers.Conv2D(4, 3, name="conv")(inp)
    x = lib.layers.AdaptiveMaxPooling2D((3, 2), name="amp")(x)
    x = lib.layers.AdaptiveAveragePooling2D(1, name="aap")(x)
    return lib.Model(inp, lib.layers.Flatten()(x))


def test_adaptive_pooling_files_interchange(keras, rng, tmp_path):
    x = rng.normal(size=(2, 9, 7, 3)).astype("float32")
    roundtrip_both_ways(keras, _pooling_model, x, tmp_path)


# -- SpectralNormalization (and the Wrapper base) ----------------------------------------------

def _json(cfg):
    import json

    return json.loads(json.dumps(cfg, default=list))


SN_CASES = [
    (lambda L: L.Dense(3), (5, 4), 1),
    (lambda L: L.Conv2D(3, 2), (2, 5, 5, 4), 2),
    (lambda L: L.Embedding(10, 3), (2, 5), 3),
    (lambda L: L.EinsumDense("abc,cd->abd", (None, 2), bias_axes="d"), (2, 3, 4), 1),
]


@pytest.mark.parametrize("make,shape,iterations", SN_CASES)
def test_spectral_normalization_matches_keras(keras, rng, make, shape, iterations):
    k = keras.layers.SpectralNormalization(make(keras.layers), power_iterations=iterations)
    m = lamina.layers.SpectralNormalization(make(lamina.layers), power_iterations=iterations)
    k.build(shape)
    m.build(shape)
    # paths below the wrapper, without the default-name counters (dense_3 -> dense), which
    # depend on how many layers each library made before
    def inner_paths(layer):
        return [re.sub(r"_\d+(?=/|$)", "", w.path.split("/", 1)[1]) for w in layer.weights]

    assert inner_paths(m) == inner_paths(k)
    assert [w.trainable for w in m.weights] == [w.trainable for w in k.weights]
    assert len(m.trainable_weights) == len(k.trainable_weights)
    weights = [rng.normal(size=w.shape).astype("float32") for w in k.get_weights()]
    k.set_weights(weights)
    m.set_weights(weights)
    if shape == (2, 5):
        x = rng.integers(0, 10, size=shape).astype("int32")
    else:
        x = rng.normal(size=shape).astype("float32")
    # inference leaves the kernel alone; each training call renormalizes it in place
    for training in (False, True, True, False):
        close(np_of(lamina, m(x, training=training)), np_of(keras, k(x, training=training)))
    for a, b in zip(m.get_weights(), k.get_weights()):
        close(a, b)
    mine, theirs = _json(config_without_name(m)), _json(config_without_name(k))
    for cfg in (mine, theirs):
        cfg["layer"]["config"].pop("name")
        # lamina's Dense does not write Keras' `quantization_config: None` (not this layer's)
        cfg["layer"]["config"].pop("quantization_config", None)
    assert mine == theirs


def test_spectral_normalization_all_zero_kernel_stays(keras):
    m = lamina.layers.SpectralNormalization(lamina.layers.Dense(2, kernel_initializer="zeros"))
    x = np.ones((3, 4), "float32")
    m(x, training=True)
    assert not np.any(np_of(lamina, m.kernel))


def _sn_model(lib):
    inp = lib.layers.Input(shape=(6,))
    x = lib.layers.SpectralNormalization(lib.layers.Dense(5, activation="relu"), name="sn")(inp)
    return lib.Model(inp, lib.layers.Dense(2, name="head")(x))


def test_spectral_normalization_trains_like_keras_and_files_interchange(keras, rng, tmp_path):
    x = rng.normal(size=(16, 6)).astype("float32")
    y = rng.normal(size=(16, 2)).astype("float32")
    ours, theirs = _sn_model(lamina), _sn_model(keras)
    weights = [rng.normal(scale=0.5, size=w.shape).astype("float32") for w in theirs.get_weights()]
    ours.set_weights(weights)
    theirs.set_weights(weights)
    ours.compile(optimizer=lamina.optimizers.SGD(0.05), loss="mse")
    theirs.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    ours.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    theirs.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        close(a, b)
    ours.save(tmp_path / "ours.keras")
    theirs.save(tmp_path / "theirs.keras")
    close(np_of(keras, keras.saving.load_model(tmp_path / "ours.keras").predict(x, verbose=0)),
          np_of(lamina, ours.predict(x, verbose=0)))
    back = lamina.models.load_model(tmp_path / "theirs.keras")
    close(np_of(lamina, back.predict(x, verbose=0)), np_of(keras, theirs.predict(x, verbose=0)))
    for a, b in zip(back.get_weights(), theirs.get_weights()):
        close(a, b)


# -- GroupQueryAttention ---------------------------------------------------------------------

GQA_CASES = [
    ({"head_dim": 4, "num_query_heads": 4, "num_key_value_heads": 2}, 5, 6),
    ({"head_dim": 3, "num_query_heads": 6, "num_key_value_heads": 1, "use_bias": False}, 4, 4),
    ({"head_dim": 4, "num_query_heads": 4, "num_key_value_heads": 4, "use_gate": True}, 3, 5),
    ({"head_dim": 2, "num_query_heads": 4, "num_key_value_heads": 2, "sliding_window": 2}, 6, 6),
    ({"head_dim": 4, "num_query_heads": 2, "num_key_value_heads": 1, "dropout": 0.3}, 1, 3),
]

GQA_CALLS = [
    {},
    {"return_attention_scores": True},
    {"use_causal_mask": True},
    {"attention_mask": True},
    {"attention_mask": True, "return_attention_scores": True},
    {"attention_mask": True, "use_causal_mask": True},
]


def _gqa_twin(keras, rng, kwargs, t, s, key_dim=None):
    k = keras.layers.GroupQueryAttention(**kwargs)
    m = lamina.layers.GroupQueryAttention(**kwargs)
    key_shape = None if key_dim is None else (2, s, key_dim)
    k.build((2, t, 8), (2, s, 8), key_shape)
    m.build((2, t, 8), (2, s, 8), key_shape)
    assert [w.path for w in m.weights] == [w.path for w in k.weights]
    assert [tuple(w.shape) for w in m.weights] == [tuple(w.shape) for w in k.weights]
    weights = [rng.normal(size=w.shape).astype("float32") for w in k.get_weights()]
    k.set_weights(weights)
    m.set_weights(weights)
    assert config_without_name(m) == config_without_name(k)
    return k, m


@pytest.mark.parametrize("kwargs,t,s", GQA_CASES)
@pytest.mark.parametrize("call", GQA_CALLS)
def test_group_query_attention_matches_keras(keras, rng, kwargs, t, s, call):
    k, m = _gqa_twin(keras, rng, kwargs, t, s)
    q = rng.normal(size=(2, t, 8)).astype("float32")
    v = rng.normal(size=(2, s, 8)).astype("float32")
    call = dict(call)
    if call.get("attention_mask"):
        mask = rng.random((2, t, s)) > 0.4
        mask[0, 0, :] = False  # a fully masked row
        call["attention_mask"] = mask
    ours, theirs = m(q, v, training=False, **call), k(q, v, training=False, **call)
    if call.get("return_attention_scores"):
        close(np_of(lamina, ours[1]), np_of(keras, theirs[1]))
        ours, theirs = ours[0], theirs[0]
    close(np_of(lamina, ours), np_of(keras, theirs), rtol=1e-5, atol=1e-5)


def test_group_query_attention_separate_key_and_padding_masks(keras, rng):
    kwargs = {"head_dim": 4, "num_query_heads": 4, "num_key_value_heads": 2}
    for lib in (lamina, keras):
        q_in = lib.layers.Input(shape=(5,), dtype="int32")
        v_in = lib.layers.Input(shape=(6,), dtype="int32")
        q = lib.layers.Embedding(10, 8, mask_zero=True, name="eq")(q_in)
        v = lib.layers.Embedding(10, 8, mask_zero=True, name="ev")(v_in)
        kk = lib.layers.Dense(7, name="kproj")(v)
        out = lib.layers.GroupQueryAttention(name="gqa", **kwargs)(q, v, kk)
        model = lib.Model([q_in, v_in], out)
        if lib is lamina:
            ours = model
        else:
            theirs = model
    theirs.set_weights([rng.normal(size=w.shape).astype("float32") for w in theirs.get_weights()])
    ours.set_weights(theirs.get_weights())
    qi = rng.integers(1, 10, size=(3, 5)).astype("int32")
    vi = rng.integers(1, 10, size=(3, 6)).astype("int32")
    qi[0, 3:] = 0
    vi[1, 2:] = 0
    close(np_of(lamina, ours.predict([qi, vi], verbose=0)),
          np_of(keras, theirs.predict([qi, vi], verbose=0)), rtol=1e-5, atol=1e-5)


def _gqa_model(lib):
    inp = lib.layers.Input(shape=(5, 8))
    x = lib.layers.GroupQueryAttention(4, 4, 2, use_gate=True, name="gqa")(inp, inp,
                                                                          use_causal_mask=True)
    return lib.Model(inp, x)


def test_group_query_attention_files_interchange(keras, rng, tmp_path):
    x = rng.normal(size=(2, 5, 8)).astype("float32")
    in_keras, in_lamina = roundtrip_both_ways(keras, _gqa_model, x, tmp_path)
    assert type(in_lamina.get_layer("gqa")) is lamina.layers.GroupQueryAttention


def test_group_query_attention_symbolic_scores_and_errors(keras):
    inp = lamina.layers.Input(shape=(5, 8))
    ctx = lamina.layers.Input(shape=(7, 8))
    out, scores = lamina.layers.GroupQueryAttention(4, 6, 3)(inp, ctx,
                                                             return_attention_scores=True)
    assert tuple(out.shape) == (None, 5, 8)
    assert tuple(scores.shape) == (None, 6, 5, 7)
    with pytest.raises(ValueError, match="divisible"):
        lamina.layers.GroupQueryAttention(4, 6, 4)
    with pytest.raises(ValueError, match="flash attention"):
        lamina.layers.GroupQueryAttention(4, 4, 2, dropout=0.1, flash_attention=True)
    layer = lamina.layers.GroupQueryAttention(4, 4, 2, flash_attention=True)
    x = np.ones((1, 3, 8), "float32")
    with pytest.raises(ValueError, match="attention scores"):
        layer(x, x, return_attention_scores=True)
    assert not hasattr(keras.layers, "GroupedQueryAttention")
    assert not hasattr(lamina.layers, "GroupedQueryAttention")


# -- TorchModuleWrapper ----------------------------------------------------------------------

def test_torch_module_wrapper_weights_and_file_layout_match_keras(keras, rng, tmp_path):
    import io
    import zipfile

    import h5py
    import torch

    def module():
        torch.manual_seed(0)
        return torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.ReLU(),
                                   torch.nn.Linear(6, 2))

    k = keras.layers.TorchModuleWrapper(module(), name="tm", output_shape=(None, 2))
    m = lamina.layers.TorchModuleWrapper(module(), name="tm", output_shape=(None, 2),
                                         module_config={})
    assert m.count_params() == k.count_params()
    assert [tuple(w.shape) for w in m.trainable_weights] == [
        tuple(w.shape) for w in k.trainable_weights]
    x = rng.normal(size=(3, 4)).astype("float32")
    close(np_of(lamina, m(x)), np_of(keras, k(x)))

    def weight_keys(path):
        with zipfile.ZipFile(path) as z:
            f = h5py.File(io.BytesIO(z.read("model.weights.h5")))
            keys = []
            f.visititems(lambda n, o: keys.append(n) if isinstance(o, h5py.Dataset) else None)
            return sorted(keys)

    for lib, layer in ((keras, k), (lamina, m)):
        inp = lib.layers.Input(shape=(4,))
        lib.Model(inp, layer(inp)).save(tmp_path / f"{lib.__name__}.keras")
    assert weight_keys(tmp_path / "lamina.keras") == weight_keys(tmp_path / "keras.keras")
    # Keras pickles the module into the config; lamina refuses to unpickle, and says so
    with pytest.raises(ValueError, match="pickled"):
        lamina.models.load_model(tmp_path / "keras.keras")


# -- STFT initializer, STFTSpectrogram, MelSpectrogram ---------------------------------------

@pytest.mark.parametrize("side", ["real", "imag"])
@pytest.mark.parametrize("window,scaling,periodic", [
    ("hann", "density", False), ("hamming", "spectrum", True), (None, None, False),
    ("blackman", "density", True), ("bartlett", None, False), ("boxcar", "spectrum", False),
])
def test_stft_initializer_matches_keras_bit_for_bit(keras, side, window, scaling, periodic):
    for shape in [(256, 1, 129), (31, 1, 33)]:
        ours = lamina.initializers.STFT(side, window, scaling, periodic)(shape)
        theirs = keras.initializers.STFT(side, window, scaling, periodic)(shape)
        np.testing.assert_array_equal(np_of(lamina, ours), np_of(keras, theirs))
    init = lamina.initializers.get({"class_name": "STFTInitializer",
                                    "config": {"side": side, "window": window}})
    assert init.get_config() == keras.initializers.STFT(side, window).get_config()


STFT_KW = [
    ({}, (2, 100, 1)),
    ({"data_format": "channels_first"}, (2, 2, 90)),
    ({"expand_dims": True, "padding": "same"}, (1, 77, 3)),
    ({"expand_dims": True, "data_format": "channels_first", "frame_step": 3, "fft_length": 32,
      "scaling": "spectrum", "window": "hamming", "periodic": True}, (2, 2, 50)),
]


@pytest.mark.parametrize("mode", ["log", "magnitude", "psd", "real", "imag", "angle", "stft"])
@pytest.mark.parametrize("kwargs,shape", STFT_KW)
def test_stft_spectrogram_matches_keras(keras, rng, mode, kwargs, shape):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        k = keras.layers.STFTSpectrogram(mode=mode, frame_length=20, **kwargs)
        m = lamina.layers.STFTSpectrogram(mode=mode, frame_length=20, **kwargs)
    k.build(shape)
    m.build(shape)
    assert [(w.name, tuple(w.shape), w.trainable) for w in m.weights] == [
        (w.name, tuple(w.shape), w.trainable) for w in k.weights]
    for a, b in zip(m.get_weights(), k.get_weights()):
        np.testing.assert_array_equal(a, b)  # the initial kernels, not set: drawn the same
    x = rng.normal(size=shape).astype("float32")
    close(np_of(lamina, m(x)), np_of(keras, k(x)), atol=1e-5)
    sym = (None,) + shape[1:]
    assert m.compute_output_shape(sym) == tuple(k.compute_output_shape(sym))
    assert config_without_name(m) == config_without_name(k)


MEL_KW = [
    ({"fft_length": 64, "sequence_stride": 16, "num_mel_bins": 8}, (2, 300)),
    ({"fft_length": 128, "sequence_length": 100, "sequence_stride": 32, "num_mel_bins": 20,
      "power_to_db": False, "mag_exp": 1.0, "sampling_rate": 8000, "max_freq": 3000.0,
      "min_freq": 100.0}, (3, 500)),
    ({"fft_length": 64, "sequence_stride": 20, "top_db": 20.0, "ref_power": 2.0}, (333,)),
    ({"fft_length": 64, "sequence_stride": 20, "window": None}, (2, 200)),
]


@pytest.mark.parametrize("kwargs,shape", MEL_KW)
def test_mel_spectrogram_matches_keras(keras, rng, kwargs, shape):
    k = keras.layers.MelSpectrogram(**kwargs)
    m = lamina.layers.MelSpectrogram(**kwargs)
    x = rng.normal(size=shape).astype("float32")
    # ops.linspace gives Keras-on-torch's float32 linspace (the filter edges), so the filters
    # agree to float32 rounding and the outputs at 1e-5
    close(np_of(lamina, m(x)), np_of(keras, k(x)), rtol=1e-5, atol=1e-5)
    bins = kwargs["fft_length"] // 2 + 1
    args = (kwargs.get("num_mel_bins", 128), bins, kwargs.get("sampling_rate", 16000),
            m.min_freq, m.max_freq)
    close(np_of(lamina, m.linear_to_mel_weight_matrix(*args)),
          np_of(keras, k.linear_to_mel_weight_matrix(*args)), rtol=1e-6, atol=1e-7)
    assert m.compute_output_shape(shape) == tuple(k.compute_output_shape(shape))
    assert config_without_name(m) == config_without_name(k)


def _audio_model(lib):
    inp = lib.layers.Input(shape=(120, 1))
    x = lib.layers.STFTSpectrogram(frame_length=32, frame_step=8, name="stft")(inp)
    return lib.Model(inp, lib.layers.Dense(3, name="head")(x))


def test_stft_spectrogram_files_interchange(keras, rng, tmp_path):
    x = rng.normal(size=(2, 120, 1)).astype("float32")
    roundtrip_both_ways(keras, _audio_model, x, tmp_path)
