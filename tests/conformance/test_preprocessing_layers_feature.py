"""Feature preprocessing layers against real Keras 3 (torch backend, no TensorFlow).

Normalization, Discretization and CategoryEncoding run in Keras without TensorFlow, so each
test feeds both libraries the same data: adapt results (weights, boundaries), outputs, configs,
and .keras files written by one and read by the other. (The string layers need TensorFlow in
Keras; they are checked against Keras-with-TF values in tests/layers/preprocessing/.)
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


def both(keras, name, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return getattr(keras.layers, name)(**kwargs), getattr(lamina.layers, name)(**kwargs)


def config_without_name(layer):
    cfg = dict(layer.get_config())
    cfg.pop("name", None)
    return cfg


# -- Normalization ---------------------------------------------------------------------------

NORM_CASES = [
    ({"axis": -1}, (32, 5)),
    ({"axis": None}, (20, 3)),
    ({"axis": 1}, (6, 4, 3)),
    ({"axis": (1, 2)}, (5, 3, 2)),
    ({"axis": -1, "invert": True}, (10, 4)),
]


@pytest.mark.parametrize("kwargs,shape", NORM_CASES)
def test_normalization_adapt_on_array(keras, rng, kwargs, shape):
    data = rng.normal(3.0, 2.0, size=shape).astype("float32")
    k, m = both(keras, "Normalization", **kwargs)
    k.adapt(data)
    m.adapt(data)
    assert [w.name for w in m.weights] == [w.name for w in k.weights]
    assert [tuple(w.shape) for w in m.weights] == [tuple(w.shape) for w in k.weights]
    assert [w.dtype for w in m.get_weights()] == [w.dtype for w in k.get_weights()]
    for a, b in zip(m.get_weights(), k.get_weights()):
        close(a, b)
    x = rng.normal(size=(3,) + shape[1:]).astype("float32")
    close(np_of(lamina, m(x)), np_of(keras, k(x)))
    assert config_without_name(m) == config_without_name(k)


@pytest.mark.parametrize("make_batches", ["list", "generator", "xy_tuples", "pydataset"])
def test_normalization_adapt_on_batches(rng, make_batches):
    """Keras' adapt on batches needs TensorFlow (it checks for tf.data first); its running
    combination is exact maths for the whole-data mean and variance, the reference here."""
    data = rng.normal(-1.0, 3.0, size=(37, 4)).astype("float32")
    chunks = [data[i:i + 8] for i in range(0, 37, 8)]  # uneven last batch

    class Batches(lamina.utils.PyDataset):
        def __len__(self):
            return len(chunks)

        def __getitem__(self, i):
            return chunks[i], np.zeros(len(chunks[i]))

    batches = {"list": list(chunks), "generator": (c for c in chunks),
               "xy_tuples": [(c, np.zeros(len(c))) for c in chunks],
               "pydataset": Batches()}[make_batches]
    m = lamina.layers.Normalization()
    m.adapt(batches)
    close(m.get_weights()[0], data.astype(np.float64).mean(0), atol=1e-5)
    close(m.get_weights()[1], data.astype(np.float64).var(0), rtol=1e-5, atol=1e-5)


def test_normalization_given_mean_variance(keras, rng):
    x = rng.normal(size=(4, 3, 2)).astype("float32")
    for kwargs in ({"mean": 3.0, "variance": 2.0},
                   {"axis": -1, "mean": [1.0, -1.0], "variance": [4.0, 0.25]},
                   {"axis": (1, 2), "mean": [0.5, 1.0], "variance": [2.0, 3.0], "invert": True}):
        k, m = both(keras, "Normalization", **kwargs)
        assert m.weights == [] and k.weights == []
        close(np_of(lamina, m(x)), np_of(keras, k(x)))
        assert config_without_name(m) == config_without_name(k)


def test_normalization_in_models_and_keras_files(keras, rng, tmp_path):
    data = rng.normal(5.0, 2.0, size=(50, 3)).astype("float32")
    x = rng.normal(size=(4, 3)).astype("float32")
    kn = keras.layers.Normalization()
    kn.adapt(data)
    kmodel = keras.Sequential([keras.Input((3,)), kn, keras.layers.Dense(2)])
    kmodel.save(tmp_path / "k.keras")
    restored = lamina.saving.load_model(tmp_path / "k.keras")
    close(restored.predict(x, verbose=0), kmodel.predict(x, verbose=0))

    mn = lamina.layers.Normalization()
    mn.adapt(data)
    mmodel = lamina.Sequential([lamina.Input((3,)), mn, lamina.layers.Dense(2)])
    mmodel.save(tmp_path / "m.keras")
    back = keras.saving.load_model(tmp_path / "m.keras")
    close(back.predict(x, verbose=0), mmodel.predict(x, verbose=0))
    close(back.layers[0].get_weights()[0], data.mean(0))


def test_normalization_errors():
    with pytest.raises(ValueError, match="both `mean` and `variance`"):
        lamina.layers.Normalization(mean=1.0)
    layer = lamina.layers.Normalization()
    layer.adapt(np.ones((4, 3), "float32"))
    with pytest.raises(ValueError, match="incompatible shape"):
        layer.adapt(np.ones((4, 2), "float32"))
    with pytest.raises(ValueError, match="empty iterable"):
        lamina.layers.Normalization().adapt([])


# -- Discretization --------------------------------------------------------------------------

def keras_adapt(layer, data):
    """Keras' Discretization.adapt on an array, minus its tf.data check (which needs TF)."""
    layer.reset_state()
    layer.update_state(data)
    layer.finalize_state()


@pytest.mark.parametrize("kwargs", [
    {"num_bins": 4},
    {"num_bins": 5, "epsilon": 0.05},
    {"num_bins": 3, "output_mode": "one_hot"},
    {"num_bins": 6, "epsilon": 0.001},
])
def test_discretization_adapt_matches_keras(keras, rng, kwargs):
    data = rng.gamma(2.0, size=(300, 1)).astype("float32")
    k, m = both(keras, "Discretization", **kwargs)
    keras_adapt(k, data)
    m.adapt(data)
    close(m.bin_boundaries, k.bin_boundaries)
    x = rng.gamma(2.0, size=(7, 1)).astype("float32")
    out_m, out_k = np_of(lamina, m(x)), np_of(keras, k(x))
    assert out_m.dtype == out_k.dtype
    close(out_m, out_k)
    assert config_without_name(m) == config_without_name(k)


def test_discretization_adapt_on_batches(keras, rng):
    chunks = [rng.normal(size=(40,)).astype("float32") for _ in range(5)]
    k, m = both(keras, "Discretization", num_bins=4)
    # Keras' adapt on an iterable checks for tf.data first (needs TensorFlow); its per-batch
    # steps are update_state then finalize_state, called here directly
    k.reset_state()
    for c in chunks:
        k.update_state(c)
    k.finalize_state()
    m.adapt(iter(chunks))
    close(m.bin_boundaries, k.bin_boundaries)


@pytest.mark.parametrize("mode,shape", [("int", (4, 3)), ("one_hot", (5, 1)), ("one_hot", (6,)),
                                        ("multi_hot", (4, 3)), ("count", (4, 3)),
                                        ("count", (5,))])
def test_discretization_boundaries_and_modes(keras, rng, mode, shape):
    k, m = both(keras, "Discretization", bin_boundaries=[-1.0, 0.0, 0.5, 2.0], output_mode=mode)
    x = rng.normal(size=shape).astype("float32")
    x.flat[0] = 0.5  # a value on a boundary goes to the upper bin
    close(np_of(lamina, m(x)), np_of(keras, k(x)))
    assert m.compute_output_shape(shape) == tuple(k.compute_output_shape(shape))


def test_discretization_keras_files_both_ways(keras, rng, tmp_path):
    data = rng.normal(size=(200, 2)).astype("float32")
    x = rng.normal(size=(5, 2)).astype("float32")
    kd = keras.layers.Discretization(num_bins=4)
    keras_adapt(kd, data)
    kmodel = keras.Sequential([keras.Input((2,)), kd])
    kmodel.save(tmp_path / "k.keras")
    restored = lamina.saving.load_model(tmp_path / "k.keras")
    close(np_of(lamina, restored(x)), np_of(keras, kmodel(x)))
    md = lamina.layers.Discretization(num_bins=4)
    md.adapt(data)
    lamina.Sequential([lamina.Input((2,)), md]).save(tmp_path / "m.keras")
    back = keras.saving.load_model(tmp_path / "m.keras")
    close(np_of(keras, back(x)), np_of(lamina, md(x)))


# -- CategoryEncoding ------------------------------------------------------------------------

@pytest.mark.parametrize("mode,shape", [("one_hot", (6,)), ("one_hot", (6, 1)),
                                        ("multi_hot", (5, 3)), ("multi_hot", (4,)),
                                        ("count", (5, 3)), ("count", (7,))])
def test_category_encoding_modes(keras, rng, mode, shape):
    k, m = both(keras, "CategoryEncoding", num_tokens=6, output_mode=mode)
    x = rng.integers(0, 6, size=shape)
    out_m, out_k = np_of(lamina, m(x)), np_of(keras, k(x))
    assert out_m.dtype == out_k.dtype and out_m.shape == out_k.shape
    close(out_m, out_k)
    assert m.compute_output_shape(shape) == tuple(k.compute_output_shape(shape))
    assert config_without_name(m) == config_without_name(k)


def test_category_encoding_count_weights_and_model(keras, rng, tmp_path):
    x = rng.integers(0, 4, size=(5, 3))
    w = rng.uniform(size=(5, 3)).astype("float32")
    k, m = both(keras, "CategoryEncoding", num_tokens=4, output_mode="count")
    close(np_of(lamina, m(x, count_weights=w)), np_of(keras, k(x, count_weights=w)))
    inputs = lamina.Input((3,), dtype="int32")
    model = lamina.Model(inputs, lamina.layers.CategoryEncoding(4)(inputs))
    close(model.predict(x, verbose=0), np_of(keras, keras.layers.CategoryEncoding(4)(x)))
    model.save(tmp_path / "m.keras")
    back = keras.saving.load_model(tmp_path / "m.keras")
    close(np_of(keras, back(x)), model.predict(x, verbose=0))


def test_category_encoding_errors():
    with pytest.raises(ValueError, match="sparse"):
        lamina.layers.CategoryEncoding(3, sparse=True)
    with pytest.raises(ValueError, match="num_tokens"):
        lamina.layers.CategoryEncoding()
    with pytest.raises(ValueError, match="0 <= values < num_tokens=3"):
        lamina.layers.CategoryEncoding(3)(np.array([[0, 3]]))
    with pytest.raises(ValueError, match="count_weights"):
        lamina.layers.CategoryEncoding(3)(np.array([[0, 1]]), count_weights=np.ones((1, 2)))
