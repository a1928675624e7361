"""Convolution, pooling and reshaping layers against real Keras 3 (same args, same weights).

float32 tolerances are rtol/atol 1e-5: both sides run torch's kernels, but not always the same
ones (lamina convolves channels_last data in place; Keras copies it to NCHW first), so sums
are accumulated in different orders.
"""

import numpy as np
import pytest

import lamina
from lamina import layers

CF, CL = "channels_first", "channels_last"

CASES = [
    # (class, kwargs, input shape)
    ("Conv1D", dict(filters=4, kernel_size=3), (2, 9, 3)),
    ("Conv1D", dict(filters=4, kernel_size=2, strides=2, padding="same"), (2, 9, 3)),
    ("Conv1D", dict(filters=4, kernel_size=3, padding="causal", dilation_rate=2), (2, 9, 3)),
    ("Conv1D", dict(filters=4, kernel_size=3, groups=2, data_format=CF), (1, 4, 7)),
    ("Conv2D", dict(filters=4, kernel_size=3, activation="relu"), (2, 7, 6, 3)),
    ("Conv2D", dict(filters=5, kernel_size=(2, 4), strides=(2, 3), padding="same"), (2, 7, 8, 3)),
    ("Conv2D", dict(filters=4, kernel_size=2, strides=2, padding="same"), (1, 6, 6, 2)),
    ("Conv2D", dict(filters=4, kernel_size=3, padding="same", dilation_rate=2), (2, 7, 6, 3)),
    ("Conv2D", dict(filters=6, kernel_size=3, groups=3, use_bias=False), (2, 5, 5, 6)),
    ("Conv2D", dict(filters=4, kernel_size=3, strides=2, padding="same", data_format=CF),
     (2, 3, 7, 6)),
    ("Conv2D", dict(filters=4, kernel_size=1), (1, 1, 1, 3)),
    ("Conv3D", dict(filters=3, kernel_size=2, padding="same", strides=2), (1, 5, 4, 3, 2)),
    ("Conv3D", dict(filters=4, kernel_size=(1, 2, 3), groups=2, data_format=CF),
     (2, 2, 3, 4, 5)),
    ("Conv1DTranspose", dict(filters=3, kernel_size=3, strides=2), (2, 5, 2)),
    ("Conv1DTranspose", dict(filters=3, kernel_size=4, strides=2, padding="same"), (2, 5, 2)),
    ("Conv1DTranspose", dict(filters=3, kernel_size=3, strides=3, output_padding=2), (1, 4, 2)),
    ("Conv2DTranspose", dict(filters=4, kernel_size=3, strides=2, padding="same"), (2, 4, 5, 3)),
    ("Conv2DTranspose", dict(filters=4, kernel_size=(2, 3), strides=(2, 1)), (2, 4, 5, 3)),
    ("Conv2DTranspose", dict(filters=4, kernel_size=3, strides=2, padding="same",
                             output_padding=0), (1, 4, 4, 3)),
    ("Conv2DTranspose", dict(filters=4, kernel_size=3, strides=2, padding="same",
                             output_padding=1, data_format=CF), (2, 3, 4, 5)),
    ("Conv2DTranspose", dict(filters=2, kernel_size=3, dilation_rate=2, padding="same"),
     (1, 5, 5, 3)),
    ("Conv3DTranspose", dict(filters=2, kernel_size=2, strides=2), (1, 2, 3, 2, 3)),
    ("Conv3DTranspose", dict(filters=2, kernel_size=3, strides=(1, 2, 2), padding="same",
                             data_format=CF), (1, 3, 3, 2, 2)),
    ("DepthwiseConv1D", dict(kernel_size=3, depth_multiplier=2), (2, 8, 3)),
    ("DepthwiseConv1D", dict(kernel_size=2, strides=2, padding="same", data_format=CF), (2, 3, 7)),
    ("DepthwiseConv2D", dict(kernel_size=3, padding="same"), (2, 6, 5, 3)),
    ("DepthwiseConv2D", dict(kernel_size=(2, 3), strides=2, depth_multiplier=3, padding="same",
                             data_format=CF), (1, 2, 7, 6)),
    ("DepthwiseConv2D", dict(kernel_size=3, dilation_rate=2, use_bias=False), (2, 7, 7, 2)),
    ("SeparableConv1D", dict(filters=4, kernel_size=3, depth_multiplier=2), (2, 8, 3)),
    ("SeparableConv1D", dict(filters=4, kernel_size=3, strides=2, padding="same",
                             data_format=CF), (2, 3, 8)),
    ("SeparableConv2D", dict(filters=5, kernel_size=3, padding="same", activation="tanh"),
     (2, 6, 5, 3)),
    ("SeparableConv2D", dict(filters=4, kernel_size=2, strides=2, depth_multiplier=2,
                             data_format=CF), (1, 3, 6, 7)),
    ("MaxPooling1D", dict(), (2, 7, 3)),
    ("MaxPooling1D", dict(pool_size=3, strides=2, padding="same", data_format=CF), (2, 3, 8)),
    ("MaxPooling2D", dict(), (2, 7, 6, 3)),
    ("MaxPooling2D", dict(pool_size=(3, 2), strides=(2, 1), padding="same"), (2, 7, 6, 3)),
    ("MaxPooling2D", dict(pool_size=2, padding="same", data_format=CF), (1, 3, 5, 5)),
    ("MaxPooling3D", dict(pool_size=2, padding="same"), (1, 3, 4, 5, 2)),
    ("MaxPooling3D", dict(pool_size=2, data_format=CF), (1, 2, 4, 4, 5)),
    ("AveragePooling1D", dict(pool_size=2), (2, 7, 3)),
    ("AveragePooling1D", dict(pool_size=3, strides=1, padding="same"), (2, 7, 3)),
    ("AveragePooling2D", dict(pool_size=2), (2, 7, 6, 3)),
    ("AveragePooling2D", dict(pool_size=3, strides=1, padding="same", data_format=CF),
     (2, 3, 5, 6)),
    ("AveragePooling3D", dict(pool_size=2, strides=1), (1, 3, 4, 5, 2)),
    ("GlobalMaxPooling1D", dict(), (2, 7, 3)),
    ("GlobalMaxPooling2D", dict(keepdims=True), (2, 5, 4, 3)),
    ("GlobalMaxPooling3D", dict(data_format=CF), (2, 3, 2, 3, 4)),
    ("GlobalAveragePooling1D", dict(data_format=CF, keepdims=True), (2, 3, 7)),
    ("GlobalAveragePooling2D", dict(), (2, 5, 4, 3)),
    ("GlobalAveragePooling3D", dict(keepdims=True), (1, 2, 3, 4, 3)),
    ("UpSampling1D", dict(size=3), (2, 4, 3)),
    ("UpSampling2D", dict(size=(2, 3)), (2, 3, 4, 2)),
    ("UpSampling2D", dict(size=2, data_format=CF), (2, 2, 3, 4)),
    ("UpSampling2D", dict(size=2, interpolation="bilinear"), (2, 3, 4, 2)),
    ("UpSampling2D", dict(size=(3, 2), interpolation="bilinear", data_format=CF), (1, 2, 3, 4)),
    ("UpSampling3D", dict(size=(1, 2, 3)), (1, 2, 3, 2, 2)),
    ("UpSampling3D", dict(data_format=CF), (1, 2, 2, 3, 2)),
    ("ZeroPadding1D", dict(padding=(1, 2)), (2, 4, 3)),
    ("ZeroPadding1D", dict(padding=2, data_format=CF), (2, 3, 4)),
    ("ZeroPadding2D", dict(padding=((1, 2), (0, 3))), (2, 3, 4, 2)),
    ("ZeroPadding2D", dict(padding=(1, 2), data_format=CF), (2, 2, 3, 4)),
    ("ZeroPadding3D", dict(padding=1), (1, 2, 3, 2, 2)),
    ("ZeroPadding3D", dict(padding=((0, 1), (2, 0), (1, 1)), data_format=CF), (1, 2, 2, 3, 2)),
    ("Cropping1D", dict(cropping=(1, 2)), (2, 6, 3)),
    ("Cropping2D", dict(cropping=((1, 0), (2, 1))), (2, 5, 6, 2)),
    ("Cropping2D", dict(cropping=1, data_format=CF), (2, 2, 5, 6)),
    ("Cropping3D", dict(), (1, 4, 5, 3, 2)),
    ("Cropping3D", dict(cropping=(0, 1, 2), data_format=CF), (1, 2, 4, 5, 6)),
    ("Permute", dict(dims=(2, 1)), (2, 3, 4)),
    ("Permute", dict(dims=(3, 1, 2)), (2, 3, 4, 5)),
    ("RepeatVector", dict(n=3), (2, 4)),
]


def _id(case):
    name, kwargs, shape = case
    parts = [f"{k}={v}" for k, v in kwargs.items()]
    return f"{name}[{','.join(parts)}]{shape}"


def _normalise(value):
    if isinstance(value, (list, tuple)):
        return [_normalise(v) for v in value]
    if isinstance(value, dict):
        return {k: _normalise(v) for k, v in value.items() if k != "module"}
    return value


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_layer_matches_keras(keras, rng, case):
    name, kwargs, shape = case
    ours = getattr(layers, name)(**kwargs)
    theirs = getattr(keras.layers, name)(**kwargs)
    x = rng.normal(size=shape).astype("float32")
    ours.build(shape)
    theirs.build(shape)
    assert [tuple(w.shape) for w in ours.weights] == [tuple(w.shape) for w in theirs.weights]
    assert [w.path.split("/")[-1] for w in theirs.weights] == \
        [w._lamina_path.split("/")[-1] for w in ours.weights]
    weights = [rng.normal(size=w.shape).astype("float32") for w in theirs.weights]
    ours.set_weights(weights)
    theirs.set_weights(weights)
    got = lamina.ops.convert_to_numpy(ours(x))
    want = keras.ops.convert_to_numpy(theirs(x))
    assert got.shape == want.shape
    assert tuple(ours.compute_output_shape(shape)) == tuple(theirs.compute_output_shape(shape))
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)

    ours_cfg, theirs_cfg = ours.get_config(), theirs.get_config()
    assert list(ours_cfg) == list(theirs_cfg)
    ours_cfg.pop("name"), theirs_cfg.pop("name")
    assert _normalise(ours_cfg) == _normalise(theirs_cfg)


def test_config_round_trip_and_aliases(keras):
    for alias, real in [("Convolution2D", "Conv2D"), ("Convolution1DTranspose", "Conv1DTranspose"),
                        ("SeparableConvolution2D", "SeparableConv2D"), ("MaxPool2D", "MaxPooling2D"),
                        ("AvgPool3D", "AveragePooling3D"), ("GlobalAvgPool1D", "GlobalAveragePooling1D"),
                        ("GlobalMaxPool2D", "GlobalMaxPooling2D")]:
        assert getattr(layers, alias) is getattr(layers, real)
        assert hasattr(keras.layers, alias)
    layer = layers.Conv2D(3, (2, 3), strides=2, padding="same", activation="relu")
    clone = layers.Conv2D.from_config(layer.get_config())
    assert clone.get_config() == {**layer.get_config(), "name": clone.name}


def test_average_pool_same_excludes_padding_cells():
    """Asymmetric 'same' average pooling follows TF and Keras' JAX backend: padded cells are not
    counted. (Keras 3's torch backend pads by edge replication there and counts the copies,
    giving [2, 3.667] below; that is a Keras bug, not its documented semantics.)"""
    x = np.arange(1, 5, dtype="float32").reshape(1, 4, 1)  # [1, 2, 3, 4]
    ours = lamina.ops.convert_to_numpy(layers.AveragePooling1D(3, strides=2, padding="same")(x))
    np.testing.assert_allclose(ours[0, :, 0], [2.0, 3.5])
    x2 = np.arange(1, 17, dtype="float32").reshape(1, 4, 4, 1)
    ours2 = lamina.ops.convert_to_numpy(layers.AveragePooling2D(3, strides=2, padding="same")(x2))
    np.testing.assert_allclose(ours2[0, :, :, 0], [[6.0, 7.5], [12.0, 13.5]])


def test_masked_global_average_pooling_1d_matches_keras(keras, rng):
    x = rng.normal(size=(2, 5, 3)).astype("float32")
    mask = np.array([[1, 1, 1, 0, 0], [1, 0, 1, 1, 1]], bool)
    got = lamina.ops.convert_to_numpy(
        layers.GlobalAveragePooling1D()(x, mask=lamina.ops.convert_to_tensor(mask)))
    want = keras.ops.convert_to_numpy(keras.layers.GlobalAveragePooling1D()(x, mask=mask))
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)


def test_seed_convnet_matches_keras(keras, rng):
    """The seeds' convnet (without dropout): same weights -> same predictions."""
    def build(lib):
        return lib.Sequential([
            lib.layers.Input(shape=(12, 12, 1)),
            lib.layers.Conv2D(4, 3, activation="relu"),
            lib.layers.Conv2D(6, 3, activation="relu"),
            lib.layers.MaxPooling2D(2),
            lib.layers.Flatten(),
            lib.layers.Dense(5, activation="softmax"),
        ])
    ours, theirs = build(lamina), build(keras)
    weights = [rng.normal(size=w.shape).astype("float32") * 0.3 for w in theirs.weights]
    ours.set_weights(weights)
    theirs.set_weights(weights)
    x = rng.normal(size=(3, 12, 12, 1)).astype("float32")
    np.testing.assert_allclose(ours.predict(x, verbose=0), theirs.predict(x, verbose=0),
                               rtol=1e-5, atol=1e-6)
