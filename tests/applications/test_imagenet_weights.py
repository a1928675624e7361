"""``weights="imagenet"`` through the real download path: Keras' file names, the
``~/.keras/models`` cache (``$KERAS_HOME/models``), a clear error offline, and a weight file in
Keras' published layout served from a local HTTP server loading into the model."""

import functools
import hashlib
import http.server
import json
import socket
import threading

import h5py
import numpy as np
import pytest

from lamina import ops
from lamina.applications import imagenet_utils, mobilenet_v2, resnet
from lamina.utils.file_utils import DownloadError


@pytest.fixture
def keras_home(tmp_path, monkeypatch):
    home = tmp_path / "keras_home"
    monkeypatch.setenv("KERAS_HOME", str(home))
    monkeypatch.setenv("HOME", str(tmp_path / "user"))
    return home


@pytest.fixture
def server(tmp_path):
    root = tmp_path / "www"
    root.mkdir()
    hits = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            hits.append(self.path)

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                            functools.partial(Handler, directory=str(root)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield root, f"http://127.0.0.1:{httpd.server_address[1]}/", hits
    httpd.shutdown()
    httpd.server_close()


def closed_port_url():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    return f"http://127.0.0.1:{port}/"


def write_published_layout(model, path):
    """A weight file as Keras publishes them: root ``layer_names``, one group per layer with
    ``weight_names`` (Keras 2 style ``conv1/kernel:0``), trainable weights first."""
    with h5py.File(path, "w") as f:
        f.attrs["layer_names"] = np.array([layer.name.encode() for layer in model.layers])
        f.attrs["backend"] = b"tensorflow"
        f.attrs["keras_version"] = b"2.2.4"
        for layer in model.layers:
            group = f.create_group(layer.name)
            variables = list(layer.trainable_weights) + list(layer.non_trainable_weights)
            names = [f"{layer.name}/{v.name}:0" for v in variables]
            group.attrs["weight_names"] = np.array([n.encode() for n in names])
            for name, v in zip(names, variables):
                group.create_dataset(name, data=ops.convert_to_numpy(v))


def md5(path):
    return hashlib.md5(path.read_bytes()).hexdigest()


def test_offline_without_cache_names_url_and_cache_path(keras_home, monkeypatch):
    url = closed_port_url()
    monkeypatch.setattr(resnet, "BASE_WEIGHTS_PATH", url)
    with pytest.raises(DownloadError) as info:
        resnet.ResNet50(weights="imagenet", include_top=False, input_shape=(32, 32, 3))
    message = str(info.value)
    fname = "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5"
    assert url + fname in message
    assert str(keras_home / "models" / fname) in message


def test_served_weight_file_loads_through_get_file(keras_home, server, rng_np, monkeypatch):
    root, url, hits = server
    source = mobilenet_v2.MobileNetV2(weights=None, include_top=False, alpha=0.35,
                                      input_shape=(96, 96, 3))
    for v in source.weights:  # distinct values, statistics included
        v.assign(rng_np.uniform(0.5, 1.5, tuple(v.shape)).astype("float32") * 0.1
                 if "variance" not in v.path else
                 rng_np.uniform(0.5, 1.5, tuple(v.shape)).astype("float32"))
    fname = "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_96_no_top.h5"
    write_published_layout(source, root / fname)
    monkeypatch.setattr(mobilenet_v2, "BASE_WEIGHT_PATH", url)
    model = mobilenet_v2.MobileNetV2(weights="imagenet", include_top=False, alpha=0.35,
                                     input_shape=(96, 96, 3))
    again = mobilenet_v2.MobileNetV2(weights="imagenet", include_top=False, alpha=0.35,
                                     input_shape=(96, 96, 3))
    assert (keras_home / "models" / fname).is_file()
    assert hits == ["/" + fname]  # the second model used the cache
    x = rng_np.uniform(0, 255, (2, 96, 96, 3)).astype("float32")
    x = mobilenet_v2.preprocess_input(x)
    expected = source.predict(x, verbose=0)
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(again.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-5)
    assert model.name == "mobilenetv2_0.35_96"


def test_hash_checked_download(keras_home, server, monkeypatch):
    root, url, _ = server
    source = resnet.ResNet50(weights=None, include_top=False, input_shape=(32, 32, 3))
    fname = "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5"
    write_published_layout(source, root / fname)
    monkeypatch.setattr(resnet, "BASE_WEIGHTS_PATH", url)
    # Keras' published hash does not match this file: refused, and nothing left in the cache
    with pytest.raises(ValueError, match="corrupted"):
        resnet.ResNet50(weights="imagenet", include_top=False, input_shape=(32, 32, 3))
    assert not (keras_home / "models" / fname).exists()
    monkeypatch.setitem(resnet.WEIGHTS_HASHES, "resnet50", ("0" * 32, md5(root / fname)))
    model = resnet.ResNet50(weights="imagenet", include_top=False, input_shape=(32, 32, 3))
    for a, b in zip(model.weights, source.weights):
        np.testing.assert_array_equal(ops.convert_to_numpy(a), ops.convert_to_numpy(b))


def test_decode_predictions_reads_class_index(keras_home, server, monkeypatch):
    root, url, _ = server
    index = {str(i): [f"n{i:08d}", f"class_{i}"] for i in range(1000)}
    (root / "imagenet_class_index.json").write_text(json.dumps(index))
    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX", None)
    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX_PATH", url + "imagenet_class_index.json")
    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX_HASH", None)
    preds = np.zeros((2, 1000), "float32")
    preds[0, [7, 3, 999]] = [0.5, 0.3, 0.2]
    preds[1, 42] = 1.0
    top = resnet.decode_predictions(preds, top=3)
    assert [r[:2] for r in top[0]] == [("n00000007", "class_7"), ("n00000003", "class_3"),
                                       ("n00000999", "class_999")]
    assert top[0][0][2] == pytest.approx(0.5)
    assert top[1][0][:2] == ("n00000042", "class_42")
    assert (keras_home / "models" / "imagenet_class_index.json").is_file()


def test_decode_predictions_offline_and_bad_shape(keras_home, monkeypatch):
    with pytest.raises(ValueError, match=r"\(samples, 1000\)"):
        imagenet_utils.decode_predictions(np.zeros((2, 10)))
    url = closed_port_url() + "imagenet_class_index.json"
    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX", None)
    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX_PATH", url)
    with pytest.raises(DownloadError) as info:
        imagenet_utils.decode_predictions(np.zeros((1, 1000)))
    assert url in str(info.value)
    assert str(keras_home / "models" / "imagenet_class_index.json") in str(info.value)


@pytest.fixture
def rng_np():
    return np.random.default_rng(0)
