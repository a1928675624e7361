"""The image ops Keras 3 has op classes for (``PerspectiveTransform``, ``ElasticTransform``,
``ScaleAndTranslate``, ``SobelEdges``, ``SSIM``, ``ExtractPatches`` for 3-D patches), called
between layers, save as those classes: the file loads back in lamina and in real Keras 3 with
the same outputs. With a constant tensor argument they save as lamina's engine op instead."""

import json
import zipfile

import numpy as np
import pytest

import lamina
from lamina import ops


def _image_models(rng):
    images = rng.uniform(0, 1, (2, 6, 7, 3)).astype("float32")
    corners = np.float32([[0, 0], [6, 0], [0, 5], [6, 5]])
    moved = np.float32([[1, 0], [6, 1], [0, 4], [5, 5]])
    x, y = lamina.Input((6, 7, 3)), lamina.Input((6, 7, 3))
    p, q = lamina.Input((4, 2)), lamina.Input((4, 2))
    s, t = lamina.Input((2,), batch_size=2), lamina.Input((2,), batch_size=2)
    v = lamina.Input((4, 4, 4, 2))
    volumes = rng.uniform(0, 1, (2, 4, 4, 4, 2)).astype("float32")
    scale = np.float32([[1.5, 0.8], [1.5, 0.8]])
    shift = np.float32([[0.5, -0.2], [0.5, -0.2]])
    return {
        "PerspectiveTransform": (
            [x, p, q], ops.image.perspective_transform(x, p, q, fill_value=0.5),
            [images, np.stack([corners] * 2), np.stack([moved] * 2)]),
        "ScaleAndTranslate": (
            [x, s, t], ops.image.scale_and_translate(x, (2, 9, 5, 3), s[0], t[0], (1, 2),
                                                     "bilinear"),
            [images, scale, shift]),
        "SobelEdges": ([x], ops.image.sobel_edges(x), [images]),
        "SSIM": ([x, y], ops.image.ssim(x, y, filter_size=3), [images, images[:, ::-1]]),
        "ExtractPatches": ([v], ops.image.extract_patches_3d(v, 2), [volumes]),
    }


def _saved_class(path):
    config = json.loads(zipfile.ZipFile(path).read("config.json"))
    return [(layer["class_name"], layer.get("module")) for layer in config["config"]["layers"]]


@pytest.mark.parametrize("class_name", ["PerspectiveTransform", "ScaleAndTranslate",
                                        "SobelEdges", "SSIM", "ExtractPatches"])
def test_image_op_between_layers_saves_as_keras_op(class_name, keras, rng, tmp_path):
    inputs, output, data = _image_models(rng)[class_name]
    model = lamina.Model(inputs, output)
    want = np.asarray(model(data if len(data) > 1 else data[0]))
    path = tmp_path / "model.keras"
    model.save(path)
    assert (class_name, "keras.src.ops.image") in _saved_class(path)
    loaded = lamina.saving.load_model(path)
    np.testing.assert_allclose(np.asarray(loaded(data if len(data) > 1 else data[0])), want,
                               rtol=1e-6, atol=1e-6)
    theirs = keras.saving.load_model(path)
    got = keras.ops.convert_to_numpy(theirs(data))
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)


def test_elastic_transform_between_layers_saves_with_its_config(keras, tmp_path):
    x = lamina.Input((8, 8, 1))
    model = lamina.Model(x, ops.image.elastic_transform(x, alpha=3.0, sigma=1.0, seed=7))
    path = tmp_path / "model.keras"
    model.save(path)
    assert ("ElasticTransform", "keras.src.ops.image") in _saved_class(path)
    loaded = lamina.saving.load_model(path)
    node = [layer for layer in loaded.layers if type(layer).__name__ == "ElasticTransform"][0]
    assert node.get_config()["alpha"] == 3.0 and node.get_config()["seed"] == 7
    assert tuple(loaded(np.ones((2, 8, 8, 1), "float32")).shape) == (2, 8, 8, 1)
    # random noise: Keras loads the op with the same config and gives the shape
    theirs = keras.saving.load_model(path)
    op = [layer for layer in theirs.operations if type(layer).__name__ == "ElasticTransform"][0]
    assert op.alpha == 3.0 and op.sigma == 1.0 and op.seed == 7
    assert tuple(theirs([np.ones((2, 8, 8, 1), "float32")]).shape) == (2, 8, 8, 1)


def test_image_op_with_a_constant_tensor_saves_as_lamina_engine_op(rng, tmp_path):
    images = rng.uniform(0, 1, (2, 6, 7, 3)).astype("float32")
    x = lamina.Input((6, 7, 3))
    out = ops.image.scale_and_translate(x, (2, 9, 5, 3), np.float32([1.5, 0.8]),
                                        np.float32([0.5, -0.2]), (1, 2), "bilinear")
    model = lamina.Model(x, out)
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = lamina.saving.load_model(path)
    np.testing.assert_allclose(np.asarray(loaded(images)), np.asarray(model(images)))
    eager = ops.image.scale_and_translate(images, (2, 9, 5, 3), np.float32([1.5, 0.8]),
                                          np.float32([0.5, -0.2]), (1, 2), "bilinear")
    np.testing.assert_allclose(np.asarray(loaded(images)), np.asarray(eager), rtol=1e-6)
