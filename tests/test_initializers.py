"""lamina.initializers: distributions (statistics on large samples), seeds, configs, lookup."""

import math

import numpy as np
import pytest

from lamina import config, initializers
from lamina.backend import core
from lamina.backend import random as backend_random


def values(init, shape, dtype=None):
    return core.convert_to_numpy(init(shape, dtype=dtype))


# --- fans and variance scaling ------------------------------------------------------------


@pytest.mark.parametrize(
    "shape, fans",
    [((), (1, 1)), ((7,), (7, 7)), ((4, 5), (4, 5)), ((3, 16, 8), (48, 24)),
     ((3, 3, 16, 32), (144, 288)), ((2, 2, 2, 4, 6), (32, 48))],
)
def test_compute_fans_uses_the_receptive_field_for_conv_kernels(shape, fans):
    assert initializers.compute_fans(shape) == fans


def test_compute_fans_with_explicit_axes():
    assert initializers.compute_fans((2, 3, 5), input_axes=(0, 1), output_axes=(2,)) == (6, 5)


SHAPE = (200, 300)  # fan_in 200, fan_out 300, fan_avg 250
FAN = {"fan_in": 200, "fan_out": 300, "fan_avg": 250}


@pytest.mark.parametrize(
    "cls, scale, mode",
    [(initializers.GlorotUniform, 1.0, "fan_avg"), (initializers.HeUniform, 2.0, "fan_in"),
     (initializers.LecunUniform, 1.0, "fan_in")],
)
def test_uniform_presets_have_keras_limits(cls, scale, mode):
    w = values(cls(seed=1), SHAPE)
    limit = math.sqrt(3.0 * scale / FAN[mode])
    assert np.abs(w).max() <= limit
    assert np.abs(w).max() > 0.99 * limit
    assert abs(w.std() - limit / math.sqrt(3)) < 0.02 * limit
    assert abs(w.mean()) < 0.01 * limit


@pytest.mark.parametrize(
    "cls, scale, mode",
    [(initializers.GlorotNormal, 1.0, "fan_avg"), (initializers.HeNormal, 2.0, "fan_in"),
     (initializers.LecunNormal, 1.0, "fan_in")],
)
def test_truncated_normal_presets_have_keras_variance(cls, scale, mode):
    w = values(cls(seed=1), SHAPE)
    target = math.sqrt(scale / FAN[mode])
    # the 0.8796... correction makes the truncated draws' stddev equal the target
    assert abs(w.std() - target) < 0.02 * target
    assert np.abs(w).max() <= 2 * target / 0.87962566103423978 + 1e-6


@pytest.mark.parametrize("mode", ["fan_in", "fan_out", "fan_avg"])
def test_variance_scaling_modes_and_untruncated_normal(mode):
    w = values(initializers.VarianceScaling(3.0, mode, "untruncated_normal", seed=2), SHAPE)
    target = math.sqrt(3.0 / FAN[mode])
    assert abs(w.std() - target) < 0.02 * target
    assert np.abs(w).max() > 3 * target  # not truncated


def test_variance_scaling_accepts_keras2_normal_and_rejects_bad_arguments():
    assert initializers.VarianceScaling(distribution="normal").distribution == "truncated_normal"
    with pytest.raises(ValueError, match="scale"):
        initializers.VarianceScaling(scale=0.0)
    with pytest.raises(ValueError, match="mode"):
        initializers.VarianceScaling(mode="fan_max")
    with pytest.raises(ValueError, match="distribution"):
        initializers.VarianceScaling(distribution="cauchy")


# --- plain random initializers ------------------------------------------------------------


def test_random_normal_uniform_truncated_statistics():
    w = values(initializers.RandomNormal(mean=1.0, stddev=2.0, seed=3), (100_000,))
    assert abs(w.mean() - 1.0) < 0.03 and abs(w.std() - 2.0) < 0.03
    w = values(initializers.RandomUniform(minval=-1.0, maxval=3.0, seed=3), (100_000,))
    assert w.min() >= -1.0 and w.max() <= 3.0 and abs(w.mean() - 1.0) < 0.03
    w = values(initializers.TruncatedNormal(mean=0.5, stddev=1.0, seed=3), (100_000,))
    assert w.min() >= 0.5 - 2.0 and w.max() <= 0.5 + 2.0
    assert abs(w.std() - 0.87962566103423978) < 0.01


def test_keras_default_arguments():
    assert initializers.RandomNormal().get_config() == {"seed": None, "mean": 0.0, "stddev": 0.05}
    assert initializers.RandomUniform().get_config() == {"seed": None, "minval": -0.05, "maxval": 0.05}
    assert initializers.TruncatedNormal().get_config() == {"seed": None, "mean": 0.0, "stddev": 0.05}


# --- seeds ---------------------------------------------------------------------------------


def test_int_seed_gives_the_same_values_every_call_and_every_instance():
    a = initializers.GlorotUniform(seed=7)
    np.testing.assert_array_equal(values(a, (4, 5)), values(a, (4, 5)))
    np.testing.assert_array_equal(values(a, (4, 5)), values(initializers.GlorotUniform(seed=7), (4, 5)))
    assert not np.array_equal(values(a, (4, 5)), values(initializers.GlorotUniform(seed=8), (4, 5)))


def test_unseeded_instances_differ_and_global_seed_makes_them_reproducible():
    backend_random.set_global_seed(123)
    first = values(initializers.HeNormal(), (6, 6))
    other = values(initializers.HeNormal(), (6, 6))
    backend_random.set_global_seed(123)
    again = values(initializers.HeNormal(), (6, 6))
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)


def test_unseeded_instance_repeats_its_values_like_keras3():
    init = initializers.RandomNormal()
    np.testing.assert_array_equal(values(init, (3,)), values(init, (3,)))
    assert init.get_config()["seed"] is None


def test_bad_seed_is_refused():
    with pytest.raises(ValueError, match="seed"):
        initializers.RandomNormal(seed="abc")


# --- orthogonal, identity, constants --------------------------------------------------------


@pytest.mark.parametrize("shape", [(5, 5), (8, 3), (3, 8), (3, 3, 4, 8)])
def test_orthogonal_has_orthonormal_rows_or_columns(shape):
    w = values(initializers.Orthogonal(gain=2.0, seed=4), shape, "float64")
    assert w.shape == shape
    m = w.reshape(-1, shape[-1]) / 2.0
    gram = m.T @ m if m.shape[0] >= m.shape[1] else m @ m.T
    np.testing.assert_allclose(gram, np.eye(gram.shape[0]), atol=1e-10)


def test_orthogonal_rejects_vectors():
    with pytest.raises(ValueError, match="two-dimensional"):
        initializers.Orthogonal()((5,))


def test_identity():
    np.testing.assert_array_equal(values(initializers.Identity(gain=3.0), (3, 3)), 3 * np.eye(3))
    np.testing.assert_array_equal(values(initializers.Identity(), (2, 4)), np.eye(2, 4))
    with pytest.raises(ValueError, match="2D"):
        initializers.Identity()((2, 2, 2))


def test_constants_and_dtypes():
    assert values(initializers.Zeros(), (2, 3)).dtype == np.dtype(config.floatx())
    assert (values(initializers.Zeros(), (2, 3)) == 0).all()
    assert (values(initializers.Ones(), (4,), "int32") == 1).all()
    assert values(initializers.Ones(), (4,), "int32").dtype == np.int32
    np.testing.assert_array_equal(values(initializers.Constant(2.5), (2, 2)), np.full((2, 2), 2.5))
    np.testing.assert_array_equal(values(initializers.Constant([1.0, 2.0]), (3, 2)), [[1, 2]] * 3)
    assert values(initializers.GlorotUniform(seed=1), (3, 3), "float64").dtype == np.float64
    assert core.dtype_of(initializers.HeNormal(seed=1)((3, 3), dtype="float16")) == "float16"


# --- lookup and configs --------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, cls",
    [("glorot_uniform", "GlorotUniform"), ("GlorotUniform", "GlorotUniform"),
     ("glorot_normal", "GlorotNormal"), ("he_uniform", "HeUniform"), ("he_normal", "HeNormal"),
     ("lecun_uniform", "LecunUniform"), ("lecun_normal", "LecunNormal"), ("zeros", "Zeros"),
     ("ones", "Ones"), ("constant", "Constant"), ("identity", "Identity"),
     ("orthogonal", "Orthogonal"), ("truncated_normal", "TruncatedNormal"),
     ("random_normal", "RandomNormal"), ("random_uniform", "RandomUniform"),
     ("variance_scaling", "VarianceScaling"), ("normal", "RandomNormal"),
     ("uniform", "RandomUniform"), ("one", "Ones"), ("zero", "Zeros"),
     ("IdentityInitializer", "Identity"), ("OrthogonalInitializer", "Orthogonal")],
)
def test_get_by_name(name, cls):
    assert type(initializers.get(name)).__name__ == cls
    assert getattr(initializers, cls) is type(initializers.get(name))


def test_get_passes_instances_and_functions_and_builds_classes():
    init = initializers.Ones()
    assert initializers.get(init) is init
    assert isinstance(initializers.get(initializers.HeNormal), initializers.HeNormal)
    fn = lambda shape, dtype=None: initializers.Zeros()(shape, dtype)
    assert initializers.get(fn) is fn
    assert initializers.get(None) is None


def test_get_with_an_array_returns_those_values():
    arr = np.arange(6.0).reshape(2, 3)
    init = initializers.get(arr)
    np.testing.assert_array_equal(core.convert_to_numpy(init((2, 3))), arr)
    with pytest.raises(ValueError, match="shape"):
        init((3, 2))


def test_unknown_name_raises_and_lists_names():
    with pytest.raises(ValueError, match="initializer.*'nope'.*glorot_uniform"):
        initializers.get("nope")


def test_serialize_matches_keras3_dicts():
    assert initializers.serialize(initializers.RandomNormal(seed=3)) == {
        "module": "keras.initializers", "class_name": "RandomNormal",
        "config": {"seed": 3, "mean": 0.0, "stddev": 0.05}, "registered_name": None,
    }
    assert initializers.GlorotUniform().get_config() == {"seed": None, "input_axes": None, "output_axes": None}
    assert initializers.VarianceScaling().get_config() == {
        "seed": None, "scale": 1.0, "mode": "fan_in", "distribution": "truncated_normal",
        "input_axes": None, "output_axes": None,
    }
    assert initializers.Orthogonal().get_config() == {"seed": None, "gain": 1.0}
    assert initializers.Zeros().get_config() == {}
    assert initializers.Constant(3).get_config() == {"value": 3}
    assert initializers.Constant(np.array([1.0, 2.0])).get_config() == {
        "value": {"class_name": "__numpy__", "config": {"value": [1.0, 2.0], "dtype": "float64"}}
    }


@pytest.mark.parametrize(
    "init",
    [initializers.HeUniform(seed=5), initializers.VarianceScaling(2.0, "fan_out", "uniform", seed=5),
     initializers.Orthogonal(gain=0.5, seed=5), initializers.Constant(np.array([1.0, 2.0])),
     initializers.RandomUniform(-1.0, 1.0, seed=5), initializers.Identity(2.0)],
)
def test_round_trip_through_config_gives_the_same_values(init):
    back = initializers.deserialize(initializers.serialize(init))
    assert type(back) is type(init)
    np.testing.assert_array_equal(values(back, (3, 2)), values(init, (3, 2)))
    assert back.get_config() == init.get_config()
    assert init.clone().get_config() == init.get_config()


def test_identity_keeps_its_gain_in_the_config():
    # Keras 3.15 writes {} and so loses gain on reload; {"gain": g} is still loadable by Keras.
    assert initializers.Identity(gain=2.0).get_config() == {"gain": 2.0}
    assert initializers.deserialize({"class_name": "Identity", "config": {}}).gain == 1.0


def test_keras2_style_config_loads():
    init = initializers.get({"class_name": "VarianceScaling",
                             "config": {"scale": 2.0, "mode": "fan_in", "distribution": "normal", "seed": None}})
    assert init.distribution == "truncated_normal" and init.scale == 2.0
