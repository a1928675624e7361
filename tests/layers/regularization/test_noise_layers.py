"""Noise and regularization layers: identity in inference, the right statistics in training."""

import numpy as np
import pytest

import lamina
from lamina import ops

X = np.random.default_rng(0).normal(size=(400, 50)).astype("float32")


def np_(x):
    return ops.convert_to_numpy(x)


@pytest.mark.parametrize("layer", [
    lamina.layers.GaussianNoise(0.3), lamina.layers.GaussianDropout(0.3),
    lamina.layers.AlphaDropout(0.3), lamina.layers.SpatialDropout1D(0.3),
    lamina.layers.ActivityRegularization(0.1),
])
def test_identity_in_inference(layer):
    x = X.reshape(400, 5, 10)
    np.testing.assert_array_equal(np_(layer(x, training=False)), x)
    np.testing.assert_array_equal(np_(layer(x)), x)


def test_gaussian_noise_statistics_and_seed():
    noise = np_(lamina.layers.GaussianNoise(0.5)(np.zeros((200, 100), "float32"), training=True))
    assert abs(noise.mean()) < 0.01 and abs(noise.std() - 0.5) < 0.01
    a = np_(lamina.layers.GaussianNoise(0.5, seed=7)(X, training=True))
    b = np_(lamina.layers.GaussianNoise(0.5, seed=7)(X, training=True))
    np.testing.assert_array_equal(a, b)


def test_gaussian_dropout_statistics():
    # 20,000 draws of N(1, 0.5): standard errors 0.0035 (mean) and 0.0025 (std); 5 of them
    out = np_(lamina.layers.GaussianDropout(0.2, seed=3)(np.ones((200, 100), "float32"),
                                                          training=True))
    assert abs(out.mean() - 1.0) < 0.018 and abs(out.std() - 0.5) < 0.0125


def test_alpha_dropout_keeps_standard_statistics():
    x = np.random.default_rng(1).normal(size=(400, 200)).astype("float32")
    out = np_(lamina.layers.AlphaDropout(0.2)(x, training=True))
    assert abs(out.mean()) < 0.02 and abs(out.std() - 1.0) < 0.02
    kept = np_(lamina.layers.AlphaDropout(0.5, noise_shape=(None, 1))(x, training=True))
    # with a (batch, 1) noise shape whole rows are dropped: a dropped row is constant
    assert np.isclose(kept.std(axis=1), 0.0).sum() > 100


@pytest.mark.parametrize("cls,shape,fmt", [
    (lamina.layers.SpatialDropout1D, (50, 6, 8), None),
    (lamina.layers.SpatialDropout2D, (50, 4, 4, 8), "channels_last"),
    (lamina.layers.SpatialDropout2D, (50, 8, 4, 4), "channels_first"),
    (lamina.layers.SpatialDropout3D, (50, 2, 3, 3, 8), None),
])
def test_spatial_dropout_drops_whole_channels(cls, shape, fmt):
    layer = cls(0.5) if fmt is None else cls(0.5, data_format=fmt)
    out = np_(layer(np.ones(shape, "float32"), training=True))
    assert set(np.unique(out)) <= {0.0, 2.0}
    channel_axis = 1 if fmt == "channels_first" else -1
    per_channel = np.moveaxis(out, channel_axis, 1).reshape(shape[0], out.shape[channel_axis], -1)
    assert (per_channel.min(-1) == per_channel.max(-1)).all()
    assert 0.3 < (out == 0).mean() < 0.7


def test_spatial_dropout_checks_rank_and_rates_are_checked():
    with pytest.raises(ValueError, match="ndim"):
        lamina.layers.SpatialDropout2D(0.5)(np.ones((2, 3, 4), "float32"))
    for cls in (lamina.layers.GaussianDropout, lamina.layers.AlphaDropout):
        with pytest.raises(ValueError, match="rate"):
            cls(1.5)
    with pytest.raises(ValueError, match="stddev"):
        lamina.layers.GaussianNoise(-1)


def test_activity_regularization_adds_the_loss_per_sample():
    layer = lamina.layers.ActivityRegularization(l1=0.1, l2=0.2)
    x = np.array([[1.0, -2.0], [3.0, 0.0]], dtype="float32")
    layer(x)
    expected = (0.1 * np.abs(x).sum() + 0.2 * (x ** 2).sum()) / 2
    np.testing.assert_allclose(float(layer.losses[0]), expected, rtol=1e-6)
    assert "activity_regularizer" not in layer.get_config()
