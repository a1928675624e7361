"""What a transfer-learning script sees: Keras' argument checks, input_tensor, pooling, a
frozen base whose BatchNormalization stays in inference mode, preprocess_input inside a
model, and the names under ``keras.applications``."""

import os
import subprocess
import sys

import numpy as np
import pytest

import lamina
from lamina import applications, layers, ops


def test_bad_weights_argument_is_refused_before_building():
    with pytest.raises(ValueError, match="weights=resnet.h5"):
        applications.ResNet50(weights="resnet.h5")


def test_imagenet_top_needs_1000_classes():
    with pytest.raises(ValueError, match="classes=10"):
        applications.VGG16(weights="imagenet", classes=10)


def test_imagenet_top_needs_default_input_shape():
    with pytest.raises(ValueError, match=r"`input_shape` should be \(224, 224, 3\)"):
        applications.MobileNetV2(weights="imagenet", input_shape=(150, 150, 3))


def test_input_shape_checks():
    with pytest.raises(ValueError, match="at least 75x75"):
        applications.InceptionV3(weights=None, include_top=False, input_shape=(64, 64, 3))
    with pytest.raises(ValueError, match="tuple of three integers"):
        applications.ResNet50(weights=None, include_top=False, input_shape=(64, 64))
    with pytest.raises(ValueError, match="static `input_shape`"):
        applications.VGG16(weights=None, input_shape=(None, None, 3))
    with pytest.raises(ValueError, match="3 channels"):
        applications.VGG16(weights="imagenet", include_top=False, input_shape=(64, 64, 1))


def test_pooling_argument():
    with pytest.raises(ValueError, match="pooling='sum'"):
        applications.MobileNet(weights=None, include_top=False, pooling="sum")
    m = applications.MobileNet(weights=None, include_top=False, pooling="max",
                               input_shape=(32, 32, 3))
    assert tuple(m.output.shape) == (None, 1024)
    m = applications.MobileNet(weights=None, include_top=False, input_shape=(64, 64, 3))
    assert tuple(m.output.shape) == (None, 2, 2, 1024)


def test_pretrained_classifier_activation_must_be_softmax_or_none():
    with pytest.raises(ValueError, match="classifier_activation=relu"):
        applications.ResNet50(weights="imagenet", classifier_activation="relu")
    m = applications.MobileNetV3Small(weights=None, input_shape=(32, 32, 3), classes=4,
                                      classifier_activation=None)
    out = m.predict(np.full((1, 32, 32, 3), 128.0, "float32"), verbose=0)
    assert not np.allclose(out.sum(), 1.0)  # logits, not probabilities


def test_imagenet_alpha_checks():
    with pytest.raises(ValueError, match="alpha can be one of"):
        applications.MobileNet(weights="imagenet", alpha=0.3)
    with pytest.raises(ValueError, match="depth multiplier must be 1"):
        applications.MobileNet(weights="imagenet", depth_multiplier=2)
    with pytest.raises(ValueError, match="alpha must be one of"):
        applications.MobileNetV2(weights="imagenet", alpha=0.6)
    with pytest.raises(ValueError, match="minimalistic"):
        applications.MobileNetV3Large(weights="imagenet", alpha=0.75, minimalistic=True)


def test_default_names_follow_keras():
    assert applications.MobileNetV2(weights=None, include_top=False, alpha=0.5,
                                    input_shape=(128, 128, 3)).name == "mobilenetv2_0.50_128"
    assert applications.MobileNet(weights=None, include_top=False,
                                  input_shape=(32, 32, 3)).name == "mobilenet_1.00_32"


def test_input_tensor_becomes_the_model_input():
    inputs = lamina.Input((40, 40, 3))
    x = layers.Rescaling(1 / 255.0)(inputs)
    base = applications.ResNet50(weights=None, include_top=False, input_tensor=x)
    assert base.inputs[0] is inputs
    assert tuple(base.output.shape) == (None, 2, 2, 2048)


def test_frozen_base_keeps_batchnorm_in_inference_mode():
    base = applications.MobileNetV2(weights=None, include_top=False, input_shape=(32, 32, 3),
                                    alpha=0.35)
    base.trainable = False
    inputs = lamina.Input((32, 32, 3))
    x = base(inputs, training=False)
    x = layers.GlobalAveragePooling2D()(x)
    outputs = layers.Dense(2)(x)
    model = lamina.Model(inputs, outputs)
    model.compile(optimizer="adam", loss=lamina.losses.SparseCategoricalCrossentropy(
        from_logits=True))
    before = [ops.convert_to_numpy(w).copy() for w in base.weights]
    data = np.random.default_rng(0).uniform(-1, 1, (16, 32, 32, 3)).astype("float32")
    model.fit(data, np.arange(16) % 2, epochs=1, batch_size=8, verbose=0)
    after = [ops.convert_to_numpy(w) for w in base.weights]
    for a, b in zip(before, after):  # moving statistics included
        np.testing.assert_array_equal(a, b)
    assert base.trainable_weights == [] and len(model.trainable_weights) == 2
    # even called with training=True, a frozen BatchNormalization uses its moving statistics
    np.testing.assert_allclose(ops.convert_to_numpy(base(data[:4], training=True)),
                               ops.convert_to_numpy(base(data[:4], training=False)),
                               rtol=1e-5, atol=1e-6)


def test_preprocess_input_inside_a_model():
    inputs = lamina.Input((32, 32, 3))
    x = applications.resnet50.preprocess_input(inputs)
    model = lamina.Model(inputs, x)
    data = np.random.default_rng(1).uniform(0, 255, (2, 32, 32, 3)).astype("float32")
    expected = data[..., ::-1] - np.array([103.939, 116.779, 123.68], "float32")
    np.testing.assert_allclose(model.predict(data, verbose=0), expected, rtol=1e-5, atol=1e-4)


def test_numpy_preprocess_writes_over_float_input_as_keras():
    x = np.full((1, 2, 2, 3), 255.0, "float32")
    out = applications.mobilenet_v2.preprocess_input(x)
    assert out is x and float(x.max()) == 1.0
    ints = np.full((1, 2, 2, 3), 255, "uint8")
    out = applications.densenet.preprocess_input(ints)
    assert out.dtype == np.float32 and ints.max() == 255


def test_keras_applications_names_under_the_alias(tmp_path):
    code = (
        "from lamina.compat import keras_alias; keras_alias.install()\n"
        "import keras\n"
        "from keras.applications.resnet50 import ResNet50, preprocess_input, "
        "decode_predictions\n"
        "from keras.applications import EfficientNetB0, mobilenet_v2\n"
        "base = keras.applications.VGG16(weights=None, include_top=False, "
        "input_shape=(32, 32, 3))\n"
        "print(base.name, ResNet50 is keras.applications.ResNet50, "
        "callable(mobilenet_v2.preprocess_input), "
        "keras.applications.inception_v3.InceptionV3.__name__)\n"
    )
    env = dict(os.environ, KERAS_HOME=str(tmp_path))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["vgg16", "True", "True", "InceptionV3"]
