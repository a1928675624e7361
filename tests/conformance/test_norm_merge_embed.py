"""Normalization, merging, regularization, Embedding and Masking layers against real Keras 3.

Each test builds a layer twice from the same arguments (``keras`` and ``lamina``), checks the
weights (names, shapes, order), gives both the same seeded random weights with
``set_weights``, and compares outputs, masks, moving statistics and ``get_config``.
"""

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


def twin(keras, name, kwargs, shape, rng, positive=()):
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
    weights = []
    for i, w in enumerate(k.get_weights()):
        v = rng.normal(size=w.shape).astype("float32")
        weights.append(np.abs(v) + 0.1 if i in positive else v)
    k.set_weights(weights)
    m.set_weights(weights)
    assert config_without_name(m) == config_without_name(k)
    return k, m


# -- BatchNormalization ----------------------------------------------------------------------

BN_CASES = [
    ({}, (8, 5)),
    ({}, (4, 6, 5)),
    ({"axis": 1}, (3, 4, 5, 6)),
    ({}, (3, 4, 5, 6)),
    ({"axis": 2, "momentum": 0.9, "epsilon": 1e-5}, (3, 4, 5, 6)),
    ({"center": False}, (6, 4)),
    ({"scale": False, "center": False}, (6, 4)),
]


@pytest.mark.parametrize("kwargs,shape", BN_CASES)
def test_batch_normalization_inference_and_training(keras, rng, kwargs, shape):
    last = int(kwargs.get("scale", True)) + int(kwargs.get("center", True)) + 1
    k, m = twin(keras, "BatchNormalization", kwargs, shape, rng, positive={last})
    x = (rng.normal(size=shape) * 3 + 1).astype("float32")
    close(np_of(lamina, m(x, training=False)), np_of(keras, k(x, training=False)))
    for _ in range(2):  # two steps: the moving statistics move twice
        close(np_of(lamina, m(x, training=True)), np_of(keras, k(x, training=True)))
    for a, b in zip(m.get_weights(), k.get_weights()):
        close(a, b)
    close(np_of(lamina, m(x)), np_of(keras, k(x)))


def test_batch_normalization_frozen_runs_in_inference_mode(keras, rng):
    shape = (8, 4)
    k, m = twin(keras, "BatchNormalization", {}, shape, rng, positive={3})
    k.trainable = False
    m.trainable = False
    x = (rng.normal(size=shape) * 2 + 3).astype("float32")
    close(np_of(lamina, m(x, training=True)), np_of(keras, k(x, training=True)))
    for a, b in zip(m.get_weights(), k.get_weights()):
        close(a, b)
    assert m.trainable_weights == [] and len(m.non_trainable_weights) == 4
    assert config_without_name(m) == config_without_name(k)


def test_batch_normalization_masked_training(keras, rng):
    shape = (3, 5, 4)
    k, m = twin(keras, "BatchNormalization", {}, shape, rng, positive={3})
    x = rng.normal(size=shape).astype("float32")
    mask = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1], [1, 0, 0, 0, 0]], dtype=bool)
    yk = k(x, training=True, mask=keras.ops.convert_to_tensor(mask))
    ym = m(x, training=True, mask=lamina.ops.convert_to_tensor(mask))
    close(np_of(lamina, ym), np_of(keras, yk))
    for a, b in zip(m.get_weights(), k.get_weights()):
        close(a, b)


def test_batch_normalization_renorm(keras, rng):
    shape = (6, 4)
    kwargs = {"renorm": True, "renorm_clipping": {"rmax": 2.0, "rmin": 0.5, "dmax": 1.0}}
    k, m = twin(keras, "BatchNormalization", kwargs, shape, rng, positive={3, 4, 6})
    x = (rng.normal(size=shape) * 2 + 1).astype("float32")
    for _ in range(2):
        close(np_of(lamina, m(x, training=True)), np_of(keras, k(x, training=True)))
    for a, b in zip(m.get_weights(), k.get_weights()):
        close(a, b)


def test_batch_normalization_in_a_fitted_model(keras, rng):
    """One training step of Dense -> BatchNormalization -> Dense: weights and moving stats."""
    x = rng.normal(size=(16, 3)).astype("float32")
    y = rng.normal(size=(16, 2)).astype("float32")
    models = []
    for lib in (keras, lamina):
        model = lib.Sequential([lib.Input((3,)), lib.layers.Dense(4),
                                lib.layers.BatchNormalization(), lib.layers.Dense(2)])
        models.append(model)
    weights = [rng.normal(size=w.shape).astype("float32") for w in models[0].get_weights()]
    weights[5] = np.abs(weights[5]) + 0.5  # moving variance
    for model, lib in zip(models, (keras, lamina)):
        model.set_weights(weights)
        model.compile(optimizer=lib.optimizers.SGD(0.1), loss="mse")
        model.fit(x, y, batch_size=16, epochs=1, verbose=0, shuffle=False)
    for a, b in zip(models[1].get_weights(), models[0].get_weights()):
        close(a, b, rtol=1e-4, atol=1e-5)


# -- other normalization layers --------------------------------------------------------------

NORM_CASES = [
    ("LayerNormalization", {}, (3, 4, 6)),
    ("LayerNormalization", {"axis": [1, 2]}, (3, 4, 6)),
    ("LayerNormalization", {"center": False, "epsilon": 1e-5}, (3, 6)),
    ("LayerNormalization", {"rms_scaling": True}, (3, 4, 6)),
    ("GroupNormalization", {"groups": 2}, (3, 4, 6)),
    ("GroupNormalization", {"groups": 2, "axis": 1}, (3, 4, 6)),
    ("GroupNormalization", {"groups": -1}, (3, 5, 6)),
    ("GroupNormalization", {"groups": 3, "axis": -2, "scale": False}, (2, 3, 6, 4)),
    ("UnitNormalization", {}, (3, 6)),
    ("UnitNormalization", {"axis": [1, 2]}, (3, 4, 6)),
    ("RMSNormalization", {}, (3, 4, 6)),
]


@pytest.mark.parametrize("name,kwargs,shape", NORM_CASES)
def test_normalization_layers(keras, rng, name, kwargs, shape):
    k, m = twin(keras, name, kwargs, shape, rng)
    x = (rng.normal(size=shape) * 2 + 1).astype("float32")
    close(np_of(lamina, m(x)), np_of(keras, k(x)), atol=1e-5)
    assert config_without_name(m) == config_without_name(k)


# -- merging ---------------------------------------------------------------------------------

MERGE_CASES = [
    ("Add", {}, [(2, 3, 4), (2, 3, 4), (2, 3, 4)]),
    ("Add", {}, [(2, 3, 4), (2, 1, 4)]),
    ("Add", {}, [(2, 3, 4), (2, 4)]),
    ("Subtract", {}, [(2, 3, 4), (2, 3, 4)]),
    ("Multiply", {}, [(2, 5), (2, 5), (2, 5)]),
    ("Average", {}, [(2, 3, 4), (2, 3, 4)]),
    ("Maximum", {}, [(2, 3, 4), (2, 3, 4)]),
    ("Minimum", {}, [(2, 3, 4), (2, 3, 4)]),
    ("Concatenate", {}, [(2, 3, 4), (2, 3, 2)]),
    ("Concatenate", {"axis": 1}, [(2, 3, 4), (2, 5, 4)]),
    ("Dot", {"axes": 1}, [(2, 4), (2, 4)]),
    ("Dot", {"axes": 1, "normalize": True}, [(2, 3, 4), (2, 3, 5)]),
    ("Dot", {"axes": (2, 2)}, [(2, 3, 4), (2, 5, 4)]),
    ("Dot", {"axes": -1}, [(2, 4, 5), (2, 5)]),
    ("Dot", {"axes": (1, 2)}, [(2, 3, 4), (2, 5, 3)]),
]


@pytest.mark.parametrize("name,kwargs,shapes", MERGE_CASES)
def test_merging_layers(keras, rng, name, kwargs, shapes):
    xs = [rng.normal(size=s).astype("float32") for s in shapes]
    k = getattr(keras.layers, name)(**kwargs)
    m = getattr(lamina.layers, name)(**kwargs)
    yk = np_of(keras, k(xs))
    ym = np_of(lamina, m(xs))
    assert ym.shape == yk.shape
    close(ym, yk)
    assert config_without_name(m) == config_without_name(k)
    assert m.compute_output_shape(shapes) == tuple(k.compute_output_shape(shapes))


@pytest.mark.parametrize("name", ["add", "subtract", "multiply", "average", "maximum",
                                  "minimum", "concatenate"])
def test_merge_functions_in_functional_models(keras, rng, name):
    xs = [rng.normal(size=(3, 4)).astype("float32") for _ in range(2)]
    outs = []
    for lib in (keras, lamina):
        a, b = lib.Input((4,)), lib.Input((4,))
        model = lib.Model([a, b], getattr(lib.layers, name)([a, b]))
        outs.append(np_of(lib, model.predict(xs, verbose=0)))
    close(outs[1], outs[0])


# -- masks through Embedding and merging ------------------------------------------------------

IDS_A = np.array([[0, 1, 2, 3, 0], [4, 0, 0, 2, 1]], dtype="int32")
IDS_B = np.array([[5, 0, 2, 0, 0], [4, 3, 0, 0, 1]], dtype="int32")


def embed_pair(keras, rng, ids, mask_zero=True):
    k, m = twin(keras, "Embedding", {"input_dim": 6, "output_dim": 3, "mask_zero": mask_zero},
                None, rng)
    return k(ids), m(ids)


@pytest.mark.parametrize("name", ["Add", "Subtract", "Multiply", "Average", "Maximum",
                                  "Minimum", "Concatenate", "Dot"])
def test_masks_flow_from_embedding_through_merging(keras, rng, name):
    ka, ma = embed_pair(keras, rng, IDS_A)
    kb, mb = embed_pair(keras, rng, IDS_B)
    kwargs = {"axes": 2} if name == "Dot" else {}
    yk = getattr(keras.layers, name)(**kwargs)([ka, kb])
    ym = getattr(lamina.layers, name)(**kwargs)([ma, mb])
    close(np_of(lamina, ym), np_of(keras, yk))
    mk = getattr(yk, "_keras_mask", None)
    mm = getattr(ym, "_keras_mask", None)
    assert (mk is None) == (mm is None)
    if mk is not None:
        np.testing.assert_array_equal(np_of(lamina, mm), np_of(keras, mk))


@pytest.mark.parametrize("axis", [1, -1])
def test_concatenate_mask_with_one_unmasked_input(keras, rng, axis):
    ka, ma = embed_pair(keras, rng, IDS_A)
    kb, mb = embed_pair(keras, rng, IDS_B, mask_zero=False)
    yk = keras.layers.Concatenate(axis=axis)([ka, kb])
    ym = lamina.layers.Concatenate(axis=axis)([ma, mb])
    close(np_of(lamina, ym), np_of(keras, yk))
    np.testing.assert_array_equal(np_of(lamina, ym._keras_mask), np_of(keras, yk._keras_mask))


def test_masked_maximum_with_one_mask_matches(keras, rng):
    ka, ma = embed_pair(keras, rng, IDS_A)
    kb, mb = embed_pair(keras, rng, IDS_B, mask_zero=False)
    yk = keras.layers.Maximum()([ka, kb])
    ym = lamina.layers.Maximum()([ma, mb])
    close(np_of(lamina, ym), np_of(keras, yk))
    assert getattr(ym, "_keras_mask", None) is None


# -- Embedding and Masking -------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ["int32", "int64", "float32"])
def test_embedding_lookup_and_mask(keras, rng, dtype):
    k, m = twin(keras, "Embedding", {"input_dim": 7, "output_dim": 4, "mask_zero": True},
                None, rng)
    ids = rng.integers(0, 7, size=(3, 5)).astype(dtype)
    yk, ym = k(ids), m(ids)
    close(np_of(lamina, ym), np_of(keras, yk))
    np.testing.assert_array_equal(np_of(lamina, ym._keras_mask), np_of(keras, yk._keras_mask))
    np.testing.assert_array_equal(np_of(lamina, m.compute_mask(lamina.ops.convert_to_tensor(ids))),
                                  ids != 0)


def test_embedding_config_and_weights_argument(keras, rng):
    table = rng.normal(size=(5, 2)).astype("float32")
    k = keras.layers.Embedding(5, 2, weights=table, embeddings_initializer="zeros")
    m = lamina.layers.Embedding(5, 2, weights=table, embeddings_initializer="zeros")
    close(m.get_weights()[0], k.get_weights()[0])
    assert config_without_name(m) == config_without_name(k)


def test_embedding_lora(keras, rng):
    k, m = twin(keras, "Embedding", {"input_dim": 6, "output_dim": 4, "lora_rank": 2}, None, rng)
    ids = rng.integers(0, 6, size=(2, 3)).astype("int32")
    close(np_of(lamina, m(ids)), np_of(keras, k(ids)))
    assert len(m.trainable_weights) == len(k.trainable_weights) == 2


def test_masking_layer(keras, rng):
    x = rng.normal(size=(2, 4, 3)).astype("float32")
    x[0, 1] = 0.0
    x[1, 3] = 0.0
    x[1, 0, 0] = 0.0  # one zero feature does not mask the step
    k, m = keras.layers.Masking(), lamina.layers.Masking()
    yk, ym = k(x), m(x)
    close(np_of(lamina, ym), np_of(keras, yk))
    np.testing.assert_array_equal(np_of(lamina, ym._keras_mask), np_of(keras, yk._keras_mask))
    assert config_without_name(m) == config_without_name(k)
    k2, m2 = keras.layers.Masking(mask_value=2.5), lamina.layers.Masking(mask_value=2.5)
    x[0, 2] = 2.5
    np.testing.assert_array_equal(np_of(lamina, m2(x)._keras_mask), np_of(keras, k2(x)._keras_mask))


# -- regularization --------------------------------------------------------------------------

REG_CASES = [
    ("SpatialDropout1D", {"rate": 0.3}, (2, 5, 4)),
    ("SpatialDropout2D", {"rate": 0.3}, (2, 3, 3, 4)),
    ("SpatialDropout2D", {"rate": 0.3, "data_format": "channels_first"}, (2, 4, 3, 3)),
    ("SpatialDropout3D", {"rate": 0.3, "seed": 3}, (2, 2, 3, 3, 4)),
    ("GaussianNoise", {"stddev": 0.2, "seed": 1}, (3, 4)),
    ("GaussianDropout", {"rate": 0.2}, (3, 4)),
    ("AlphaDropout", {"rate": 0.2, "noise_shape": [None, 1]}, (3, 4)),
    ("ActivityRegularization", {"l1": 0.01, "l2": 0.02}, (3, 4)),
]


@pytest.mark.parametrize("name,kwargs,shape", REG_CASES)
def test_regularization_layers_in_inference(keras, rng, name, kwargs, shape):
    k = getattr(keras.layers, name)(**kwargs)
    m = getattr(lamina.layers, name)(**kwargs)
    x = rng.normal(size=shape).astype("float32")
    close(np_of(lamina, m(x, training=False)), np_of(keras, k(x, training=False)))
    close(np_of(lamina, m(x)), x)
    assert config_without_name(m) == config_without_name(k)


def test_activity_regularization_loss(keras, rng):
    x = rng.normal(size=(4, 3)).astype("float32")
    k = keras.layers.ActivityRegularization(l1=0.01, l2=0.02)
    m = lamina.layers.ActivityRegularization(l1=0.01, l2=0.02)
    k(x)
    m(x)
    assert len(m.losses) == len(k.losses) == 1
    close(np_of(lamina, m.losses[0]), np_of(keras, k.losses[0]))


def test_layers_round_trip_through_config(keras):
    for name, kwargs in [("BatchNormalization", {"momentum": 0.9}), ("Concatenate", {"axis": 1}),
                         ("Dot", {"axes": [1, 2]}), ("Embedding", {"input_dim": 3,
                                                                    "output_dim": 2}),
                         ("SpatialDropout2D", {"rate": 0.1}), ("GroupNormalization",
                                                              {"groups": 4})]:
        cfg = getattr(keras.layers, name)(**kwargs).get_config()
        layer = getattr(lamina.layers, name).from_config(cfg)
        assert config_without_name(layer) == {k: v for k, v in cfg.items() if k != "name"}
