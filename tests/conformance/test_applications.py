"""lamina.applications against real Keras 3: the same architecture (parameter count, input
and output shapes, the weighted layers' names and shapes in order) and, through weight files
that Keras itself writes, the same predictions.

Keras' published ImageNet files are legacy ``.h5`` files read by layer order, so a model whose
weighted layers come in Keras' order with Keras' shapes loads them; the weight tests write such
a file (and a Keras 3 ``.weights.h5``) from a randomly initialised Keras model and check that
lamina, given the file as ``weights=``, predicts what Keras predicts.

The big builds are marked slow (``-m slow`` runs them): Keras takes 5-60 s for each on the
shared CPUs.
"""

import re

import h5py
import numpy as np
import pytest

from lamina import applications, ops

slow = pytest.mark.slow

# constructor -> the Keras module that serves it
FAMILY = {
    "VGG16": "vgg16", "VGG19": "vgg19",
    "ResNet50": "resnet", "ResNet101": "resnet", "ResNet152": "resnet",
    "ResNet50V2": "resnet_v2", "ResNet101V2": "resnet_v2", "ResNet152V2": "resnet_v2",
    "MobileNet": "mobilenet", "MobileNetV2": "mobilenet_v2",
    "MobileNetV3Small": "mobilenet_v3", "MobileNetV3Large": "mobilenet_v3",
    **{f"EfficientNetB{i}": "efficientnet" for i in range(8)},
    **{f"EfficientNetV2{v}": "efficientnet_v2" for v in ("B0", "B1", "B2", "B3", "S", "M", "L")},
    "InceptionV3": "inception_v3", "InceptionResNetV2": "inception_resnet_v2",
    "DenseNet121": "densenet", "DenseNet169": "densenet", "DenseNet201": "densenet",
    "Xception": "xception",
    **{f"ConvNeXt{v}": "convnext" for v in ("Tiny", "Small", "Base", "Large", "XLarge")},
    "NASNetMobile": "nasnet", "NASNetLarge": "nasnet",
}
# checked in the default run (one or two per family); the rest are slow
FAST = {"ResNet50", "MobileNet", "MobileNetV2", "MobileNetV3Small", "ConvNeXtTiny"}

_AUTO_NAME = re.compile(
    r"^(conv2d|batch_normalization|dense|separable_conv2d|depthwise_conv2d|"
    r"layer_normalization|normalization)(_\d+)?$")


def weighted_layers(model):
    """(name, weight shapes) of each layer with weights, in order; automatic names
    (``conv2d_17``) depend on what was built before, so only their stem is compared."""
    rows = []
    for layer in model.layers:
        if layer.weights:
            m = _AUTO_NAME.match(layer.name)
            rows.append((m.group(1) if m else layer.name,
                         [tuple(w.shape) for w in layer.weights]))
    return rows


def keras_build(keras, name, **kwargs):
    if name == "NASNetMobile":
        # keras.applications.NASNetMobile refuses the torch backend; the same network
        from keras.src.applications import nasnet

        if not kwargs.get("include_top", True) and "input_shape" not in kwargs:
            kwargs["input_shape"] = (224, 224, 3)
        return nasnet.NASNet(penultimate_filters=1056, num_blocks=4, stem_block_filters=32,
                             skip_reduction=False, filter_multiplier=2, default_size=224,
                             name="nasnet_mobile", **kwargs)
    return getattr(keras.applications, name)(**kwargs)


def assert_same_architecture(k, m):
    assert m.count_params() == k.count_params()
    assert tuple(m.output.shape) == tuple(k.output.shape)
    assert tuple(m.input.shape) == tuple(k.input.shape)
    assert weighted_layers(m) == weighted_layers(k)
    assert len(m.trainable_weights) == len(k.trainable_weights)
    assert len(m.non_trainable_weights) == len(k.non_trainable_weights)


def _cases(names):
    return [n if n in FAST else pytest.param(n, marks=slow) for n in names]


@pytest.mark.parametrize("name", _cases(FAMILY))
def test_architecture_matches_keras(keras, name):
    """The default model (ImageNet top) and the headless, average-pooled feature extractor."""
    k = keras_build(keras, name, weights=None)
    m = getattr(applications, name)(weights=None)
    assert m.name == k.name
    assert_same_architecture(k, m)
    k = keras_build(keras, name, weights=None, include_top=False, pooling="avg")
    m = getattr(applications, name)(weights=None, include_top=False, pooling="avg")
    assert_same_architecture(k, m)
    assert len(m.output.shape) == 2
    # served from its family module too (keras.applications.resnet.ResNet50)
    assert getattr(getattr(applications, FAMILY[name]), name) is getattr(applications, name)


def test_resnet50_module_alias():
    assert applications.resnet50.ResNet50 is applications.ResNet50
    assert applications.resnet50.preprocess_input is applications.resnet.preprocess_input


# -- weights that Keras writes, loaded by lamina -------------------------------------------

# (constructor, kwargs): small inputs keep these fast
def _case(name, is_slow=False, label=None, **kwargs):
    return pytest.param(name, kwargs, marks=[slow] if is_slow else [], id=label or name)


WEIGHT_CASES = [
    _case("VGG16", include_top=False, input_shape=(32, 32, 3)),
    _case("ResNet50", include_top=False, input_shape=(32, 32, 3)),
    _case("MobileNetV2", include_top=True, classes=10, input_shape=(32, 32, 3)),
    _case("MobileNetV3Small", include_top=False, pooling="avg", input_shape=(32, 32, 3)),
    _case("EfficientNetB0", include_top=False, input_shape=(32, 32, 3)),
    _case("DenseNet121", include_top=False, pooling="max", input_shape=(32, 32, 3)),
    _case("InceptionV3", include_top=False, input_shape=(75, 75, 3)),
    _case("ConvNeXtTiny", include_top=False, pooling="avg", input_shape=(32, 32, 3)),
    _case("ResNet50V2", True, include_top=False, input_shape=(32, 32, 3)),
    _case("MobileNet", True, include_top=True, alpha=0.5, classes=7, input_shape=(32, 32, 3)),
    _case("MobileNetV3Large", True, include_top=True, classes=5, minimalistic=True,
          input_shape=(32, 32, 3)),
    _case("Xception", True, include_top=False, input_shape=(71, 71, 3)),
    _case("InceptionResNetV2", True, include_top=False, input_shape=(75, 75, 3)),
    _case("EfficientNetV2B0", True, include_top=False, input_shape=(32, 32, 3)),
    _case("NASNetMobile", True, include_top=False, input_shape=(32, 32, 3)),
    _case("DenseNet121", True, "DenseNet121-top", include_top=True, classes=3,
          input_shape=(32, 32, 3)),
]


def randomise(keras_model, rng):
    """Give every weight of the Keras model a distinct random value (BatchNorm statistics
    included), so that loading in the wrong order or skipping a weight shows."""
    for w in keras_model.weights:
        value = np.asarray(w.numpy())
        if "variance" in w.path or w.path.endswith("gamma"):
            new = rng.uniform(0.5, 1.5, value.shape)
        elif value.ndim <= 1:
            new = rng.normal(0.0, 0.1, value.shape)
        else:
            new = value * rng.uniform(0.8, 1.2, value.shape)
        w.assign(new.astype(value.dtype))


def write_legacy_h5(keras_model, path):
    """The layout of Keras' published weight files (layer_names / weight_names)."""
    from keras.src.legacy.saving import legacy_h5_format

    with h5py.File(path, "w") as f:
        legacy_h5_format.save_weights_to_hdf5_group(f, keras_model)


def assert_close(a, b, rel=1e-4):
    a, b = np.asarray(a), np.asarray(b)
    assert a.shape == b.shape
    scale = max(float(np.abs(b).max()), 1e-6)
    assert float(np.abs(a - b).max()) <= rel * scale, float(np.abs(a - b).max()) / scale


@pytest.mark.parametrize("name,kwargs", WEIGHT_CASES)
def test_keras_weight_files_give_keras_predictions(keras, rng, tmp_path, name, kwargs):
    k = keras_build(keras, name, weights=None, **kwargs)
    randomise(k, rng)
    shape = tuple(k.input.shape[1:])
    x = rng.uniform(0, 255, (2,) + shape).astype("float32")
    expected = keras.ops.convert_to_numpy(k(x, training=False))
    legacy = tmp_path / "legacy.h5"
    write_legacy_h5(k, legacy)
    keras3 = tmp_path / "model.weights.h5"
    k.save_weights(keras3)
    m = getattr(applications, name)(weights=str(legacy), **kwargs)
    assert_close(m.predict(x, verbose=0), expected)
    for w in m.weights:  # forget the legacy file's values, then read Keras 3's file
        w.assign(np.zeros_like(ops.convert_to_numpy(w)))
    m.load_weights(str(keras3))
    assert_close(m.predict(x, verbose=0), expected)


# -- preprocess_input against Keras' own ---------------------------------------------------

PREPROCESSING = sorted(set(FAMILY.values()) | {"resnet50", "imagenet_utils"})


@pytest.mark.parametrize("module", PREPROCESSING)
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_preprocess_input_matches_keras(keras, rng, module, data_format):
    import keras.applications as ka  # noqa: F401  (loads the family modules)

    theirs = getattr(keras.applications, module).preprocess_input
    ours = getattr(applications, module).preprocess_input
    batch = rng.uniform(0, 255, (2, 3, 5, 5) if data_format == "channels_first"
                        else (2, 5, 5, 3)).astype("float32")
    modes = ["caffe", "tf", "torch"] if module == "imagenet_utils" else [None]
    for mode in modes:
        kw = {"data_format": data_format, **({"mode": mode} if mode else {})}
        for x in (batch, batch[0]):  # 4-d and 3-d
            expected = np.asarray(theirs(x.copy(), **kw))
            np.testing.assert_allclose(ours(x.copy(), **kw), expected, rtol=1e-6, atol=1e-4)
            # tensors (not arrays) go through lamina.ops: same numbers
            got = ours(keras_free_tensor(x), **kw)
            np.testing.assert_allclose(np.asarray(got), expected, rtol=1e-6, atol=1e-4)
        # integer images become float32 as in Keras
        ints = batch.astype("uint8")
        np.testing.assert_allclose(ours(ints.copy(), **kw), np.asarray(theirs(ints.copy(), **kw)),
                                   rtol=1e-6, atol=1e-4)


def keras_free_tensor(x):
    from lamina import ops

    return ops.convert_to_tensor(x.copy())


# -- whole-model files ---------------------------------------------------------------------


@pytest.mark.parametrize("name,kwargs", [
    _case("ConvNeXtTiny", True, include_top=False, input_shape=(32, 32, 3)),
    _case("InceptionResNetV2", True, include_top=False, input_shape=(75, 75, 3)),
])
def test_keras_model_file_with_application_layers_loads(keras, rng, tmp_path, name, kwargs):
    """A Keras ``.keras`` file of a model with the families' own layers (ConvNeXt's
    LayerScale, InceptionResNetV2's CustomScaleLayer) loads in lamina and predicts the same."""
    import lamina

    k = keras_build(keras, name, weights=None, **kwargs)
    randomise(k, rng)
    path = tmp_path / "model.keras"
    k.save(path)
    x = rng.uniform(0, 255, (2,) + tuple(k.input.shape[1:])).astype("float32")
    m = lamina.saving.load_model(str(path))
    assert_close(m.predict(x, verbose=0), keras.ops.convert_to_numpy(k(x, training=False)))
