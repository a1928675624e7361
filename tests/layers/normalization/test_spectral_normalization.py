"""SpectralNormalization and the Wrapper base: sigma by SVD, state, errors, config."""

import numpy as np
import pytest

import lamina
from lamina import layers


def _np(x):
    return np.asarray(lamina.ops.convert_to_numpy(x))


def test_many_power_iterations_reach_unit_spectral_norm():
    sn = layers.SpectralNormalization(layers.Dense(4), power_iterations=50)
    x = np.random.default_rng(0).normal(size=(3, 6)).astype("float32")
    sn(x, training=True)
    assert np.linalg.svd(_np(sn.kernel), compute_uv=False)[0] == pytest.approx(1.0, rel=1e-4)


def test_inference_leaves_kernel_and_vector_u_alone():
    sn = layers.SpectralNormalization(layers.Dense(4))
    x = np.ones((2, 3), "float32")
    sn(x)
    kernel, u = _np(sn.kernel).copy(), _np(sn.vector_u).copy()
    sn(x, training=False)
    np.testing.assert_array_equal(_np(sn.kernel), kernel)
    np.testing.assert_array_equal(_np(sn.vector_u), u)
    sn(x, training=True)
    assert not np.allclose(_np(sn.vector_u), u)


def test_weights_counted_once_and_regularizer_once():
    dense = layers.Dense(3, kernel_regularizer=lamina.regularizers.L2(0.1))
    sn = layers.SpectralNormalization(dense)
    sn.build((None, 2))
    assert [w.name for w in sn.weights] == ["kernel", "vector_u", "bias"]
    assert sn.count_params() == 2 * 3 + 3 + 3
    assert len(list(sn.parameters())) == 3  # kernel, bias, vector_u: no duplicate parameter
    assert len(sn.losses) == 1


def test_errors_name_the_problem():
    with pytest.raises(ValueError, match="power_iterations"):
        layers.SpectralNormalization(layers.Dense(2), power_iterations=0)
    with pytest.raises(ValueError, match="valid Keras layer"):
        layers.SpectralNormalization("dense")
    with pytest.raises(ValueError, match="nor 'embeddings'"):
        layers.SpectralNormalization(layers.Flatten()).build((None, 3, 2))


def test_config_round_trip_rebuilds_the_wrapped_layer():
    sn = layers.SpectralNormalization(layers.Conv2D(2, 3), power_iterations=3)
    clone = layers.SpectralNormalization.from_config(sn.get_config())
    assert clone.power_iterations == 3
    assert type(clone.layer) is layers.Conv2D and clone.layer.filters == 2
    assert layers.get_builtin_layer("SpectralNormalization") is layers.SpectralNormalization


def test_wrapper_subclass_builds_and_saves_inner_layer(tmp_path):
    @lamina.saving.register_keras_serializable(package="tests")
    class Doubled(layers.Wrapper):
        def call(self, x):
            return 2.0 * self.layer(x)

    inp = lamina.Input(shape=(3,))
    model = lamina.Model(inp, Doubled(layers.Dense(2))(inp))
    x = np.random.default_rng(1).normal(size=(4, 3)).astype("float32")
    model.save(tmp_path / "w.keras")
    again = lamina.models.load_model(tmp_path / "w.keras")
    np.testing.assert_allclose(_np(again.predict(x, verbose=0)), _np(model.predict(x, verbose=0)),
                               rtol=1e-6)
