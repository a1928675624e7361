"""lamina.applications against real Keras 3: the same architecture (parameter count, output
shape, weighted layers' names and shapes in order) and, through weight files that Keras itself
writes, the same predictions.

Keras' published ImageNet files are legacy ``.h5`` files read by layer order, so a model whose
weighted layers come in Keras' order with Keras' shapes loads them; the weight tests write such
a file (and a Keras 3 ``.weights.h5``) from a randomly initialised Keras model and check that
lamina, given the file as ``weights=``, predicts what Keras predicts.
"""

import h5py
import numpy as np
import pytest

from lamina import applications

slow = pytest.mark.slow

# (constructor, keras module): every architecture, default configuration
ARCHITECTURES = [
    ("VGG16", "vgg16"), ("VGG19", "vgg19"),
    ("ResNet50", "resnet"), ("ResNet101", "resnet"), ("ResNet152", "resnet"),
    ("ResNet50", "resnet50"),
    ("ResNet50V2", "resnet_v2"), ("ResNet101V2", "resnet_v2"), ("ResNet152V2", "resnet_v2"),
    ("MobileNet", "mobilenet"), ("MobileNetV2", "mobilenet_v2"),
]
# builds that take more than a few seconds (in Keras, mostly) on the shared CPUs
SLOW = {"VGG16", "VGG19", "ResNet101", "ResNet152", "ResNet101V2", "ResNet152V2"}


def weighted_layers(model):
    return [(layer.name, [tuple(w.shape) for w in layer.weights])
            for layer in model.layers if layer.weights]


def build_both(keras, name, **kwargs):
    k = getattr(keras.applications, name)(weights=None, **kwargs)
    m = getattr(applications, name)(weights=None, **kwargs)
    return k, m


def assert_same_architecture(k, m):
    assert m.count_params() == k.count_params()
    assert tuple(m.output.shape) == tuple(k.output.shape)
    assert tuple(m.input.shape) == tuple(k.input.shape)
    assert weighted_layers(m) == weighted_layers(k)
    assert len(m.trainable_weights) == len(k.trainable_weights)


def _params(names):
    return [pytest.param(n, mod, marks=slow) if n in SLOW else (n, mod) for n, mod in names]


@pytest.mark.parametrize("name,module", _params(ARCHITECTURES))
def test_default_architecture_matches_keras(keras, name, module):
    k, m = build_both(keras, name)
    assert m.name == k.name
    assert_same_architecture(k, m)
    # the family module serves the constructor too (keras.applications.vgg16.VGG16)
    assert getattr(getattr(applications, module), name) is getattr(applications, name)


@pytest.mark.parametrize("name,module", _params(ARCHITECTURES))
def test_headless_avg_pooling_matches_keras(keras, name, module):
    k, m = build_both(keras, name, include_top=False, pooling="avg")
    assert_same_architecture(k, m)
    assert len(m.output.shape) == 2


# -- weights that Keras writes, loaded by lamina -------------------------------------------

# (constructor, kwargs): small inputs keep these fast
WEIGHT_CASES = [
    ("VGG16", dict(include_top=False, input_shape=(32, 32, 3))),
    ("ResNet50", dict(include_top=False, input_shape=(32, 32, 3))),
    ("ResNet50V2", dict(include_top=False, pooling="max", input_shape=(32, 32, 3))),
    ("MobileNet", dict(include_top=False, input_shape=(32, 32, 3), alpha=0.5)),
    ("MobileNetV2", dict(include_top=True, classes=10, input_shape=(32, 32, 3))),
]


def randomise(keras_model, rng):
    """Give every weight of the Keras model a distinct random value (BatchNorm statistics
    included), so that loading in the wrong order or skipping a weight shows."""
    for w in keras_model.weights:
        value = np.asarray(w.numpy())
        path = w.path
        if "moving_variance" in path or path.endswith("gamma"):
            new = rng.uniform(0.5, 1.5, value.shape)
        elif value.ndim <= 1:
            new = rng.normal(0.0, 0.1, value.shape)
        else:
            new = value * rng.uniform(0.8, 1.2, value.shape)
        w.assign(new.astype(value.dtype))


def write_legacy_h5(keras_model, path):
    from keras.src.legacy.saving import legacy_h5_format

    with h5py.File(path, "w") as f:
        legacy_h5_format.save_weights_to_hdf5_group(f, keras_model)


def assert_close(a, b, rel=1e-4):
    a, b = np.asarray(a), np.asarray(b)
    assert a.shape == b.shape
    scale = max(float(np.abs(b).max()), 1e-6)
    assert float(np.abs(a - b).max()) <= rel * scale, float(np.abs(a - b).max()) / scale


@pytest.mark.parametrize("name,kwargs", WEIGHT_CASES, ids=[c[0] for c in WEIGHT_CASES])
def test_keras_weight_files_give_keras_predictions(keras, rng, tmp_path, name, kwargs):
    k = getattr(keras.applications, name)(weights=None, **kwargs)
    randomise(k, rng)
    shape = tuple(k.input.shape[1:])
    x = rng.uniform(0, 255, (2,) + shape).astype("float32")
    expected = np.asarray(k.predict(x, verbose=0))
    legacy = tmp_path / "legacy.h5"
    write_legacy_h5(k, legacy)
    keras3 = tmp_path / "model.weights.h5"
    k.save_weights(keras3)
    for path in (legacy, keras3):
        m = getattr(applications, name)(weights=str(path), **kwargs)
        assert_close(m.predict(x, verbose=0), expected)
