"""Convolution layers: argument errors, symbolic shapes, training, and NumPy references."""

import numpy as np
import pytest

import lamina
from lamina import layers, ops


def _np(x):
    return ops.convert_to_numpy(x)


@pytest.mark.parametrize("make, match", [
    (lambda: layers.Conv2D(0, 3), "filters"),
    (lambda: layers.Conv2D(4, (3, 3, 3)), "kernel_size"),
    (lambda: layers.Conv2D(4, 0), "kernel_size"),
    (lambda: layers.Conv2D(4, 3, strides=0), "strides"),
    (lambda: layers.Conv2D(4, 3, padding="full"), "padding"),
    (lambda: layers.Conv2D(4, 3, padding="causal"), "padding"),
    (lambda: layers.Conv2D(4, 3, strides=2, dilation_rate=2), "dilation_rate"),
    (lambda: layers.Conv2D(4, 3, groups=3), "groups"),
    (lambda: layers.Conv2D(4, 3, data_format="NHWC"), "data_format"),
    (lambda: layers.Conv2DTranspose(4, 3, strides=2, output_padding=2), "output_padding"),
    (lambda: layers.DepthwiseConv2D(3, depth_multiplier=0), "depth_multiplier"),
    (lambda: layers.SeparableConv1D(4, 3, padding="causal"), "padding"),
])
def test_bad_arguments_are_refused_when_given(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_conv1d_accepts_causal():
    layer = layers.Conv1D(2, 3, padding="causal")
    assert tuple(layer(np.ones((1, 5, 1), "float32")).shape) == (1, 5, 2)


def test_input_channels_not_divisible_by_groups_names_the_layer():
    layer = layers.Conv2D(4, 3, groups=2, name="grouped")
    with pytest.raises(ValueError, match="grouped.*3 channels"):
        layer.build((None, 8, 8, 3))


def test_too_small_input_for_valid_padding_is_explained():
    with pytest.raises(ValueError, match="padding='same'"):
        layers.Conv2D(2, 5)(np.ones((1, 3, 3, 1), "float32"))


def test_wrong_rank_input_is_refused():
    with pytest.raises(ValueError, match="ndim=4"):
        layers.Conv2D(2, 3)(np.ones((1, 5, 5), "float32"))


def test_conv2d_matches_a_numpy_convolution(rng=np.random.default_rng(0)):
    x = rng.normal(size=(2, 5, 6, 3)).astype("float32")
    k = rng.normal(size=(3, 2, 3, 4)).astype("float32")
    b = rng.normal(size=(4,)).astype("float32")
    layer = layers.Conv2D(4, (3, 2))
    layer.build(x.shape)
    layer.set_weights([k, b])
    want = np.zeros((2, 3, 5, 4), "float32")
    for i in range(3):
        for j in range(5):
            want[:, i, j] = np.einsum("nhwc,hwcf->nf", x[:, i:i + 3, j:j + 2], k) + b
    np.testing.assert_allclose(_np(layer(x)), want, rtol=1e-5, atol=1e-5)


def test_symbolic_shapes_in_a_functional_model():
    inputs = layers.Input(shape=(None, None, 3))
    y = layers.Conv2D(4, 3, strides=2, padding="same")(inputs)
    y = layers.Conv2DTranspose(2, 3, strides=2, padding="same")(y)
    y = layers.SeparableConv2D(5, 3)(y)
    assert tuple(y.shape) == (None, None, None, 5)
    model = lamina.Model(inputs, y)
    assert tuple(model.predict(np.ones((2, 8, 8, 3), "float32"), verbose=0).shape) == (2, 6, 6, 5)


def test_channels_last_convolution_makes_no_layout_copy():
    """DESIGN rule 5: the NHWC output is the NCHW (channels_last) result seen through a view."""
    layer = layers.Conv2D(8, 3, padding="same")
    out = layer(np.ones((2, 6, 6, 4), "float32"))
    assert out.is_contiguous()  # plain NHWC memory, produced without a final copy


def test_default_data_format_follows_config():
    lamina.config.set_image_data_format("channels_first")
    try:
        layer = layers.Conv2D(2, 3)
    finally:
        lamina.config.set_image_data_format("channels_last")
    assert layer.data_format == "channels_first"
    assert tuple(layer(np.ones((1, 3, 5, 5), "float32")).shape) == (1, 2, 3, 3)


def test_convnet_trains():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 8, 8, 1)).astype("float32")
    y = (x.mean(axis=(1, 2, 3)) > 0).astype("int64")
    model = lamina.Sequential([
        layers.Input(shape=(8, 8, 1)),
        layers.Conv2D(8, 3, activation="relu", kernel_regularizer="l2"),
        layers.MaxPooling2D(),
        layers.GlobalAveragePooling2D(),
        layers.Dense(2, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    history = model.fit(x, y, epochs=3, batch_size=16, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    assert len(model.losses) == 1  # the kernel's L2 penalty


def test_lora_only_where_keras_has_it():
    conv = layers.Conv2D(2, 3, lora_rank=2)
    conv.build((None, 5, 5, 3))
    assert conv.lora_enabled and not conv._kernel.trainable
    # Keras' transposed, depthwise and separable convolutions take no lora_rank
    for make in (lambda: layers.Conv2DTranspose(2, 3, lora_rank=2),
                 lambda: layers.DepthwiseConv2D(3, lora_rank=2)):
        with pytest.raises(TypeError, match="lora_rank"):
            make()
