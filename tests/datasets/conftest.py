"""A local HTTP server standing in for Keras' data-set hosts, and isolated cache homes.

``served`` starts ``http.server`` on 127.0.0.1 in a thread, serving a tmp folder, and points
``LAMINA_DATASETS_ORIGIN`` at it, so ``load_data`` runs its real download, hash, extraction
and parsing code on small files the tests write in each data set's true format.
"""

import functools
import gzip
import http.server
import io
import os
import pickle
import tarfile
import threading

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "torch")  # real Keras, for the comparisons


@pytest.fixture
def homes(tmp_path, monkeypatch):
    lamina_home, keras_home = tmp_path / "lamina", tmp_path / "keras"
    monkeypatch.setenv("LAMINA_HOME", str(lamina_home))
    monkeypatch.setenv("KERAS_HOME", str(keras_home))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("LAMINA_OFFLINE", raising=False)
    monkeypatch.delenv("LAMINA_DATASETS_ORIGIN", raising=False)
    return lamina_home, keras_home


class Server:
    def __init__(self, root):
        self.root = root
        self.requests = []
        server = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *args):
                server.requests.append(self.path)

        self.httpd = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(Handler, directory=str(root)))
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def path(self, name):
        return str(self.root / name)

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def served(tmp_path, homes, monkeypatch):
    """The running server (``.root`` is the folder it serves, ``.requests`` the paths asked)."""
    root = tmp_path / "www"
    root.mkdir()
    server = Server(root)
    monkeypatch.setenv("LAMINA_DATASETS_ORIGIN", server.url)
    yield server
    server.close()


# -- writers of each data set's real file format ---------------------------------------------

def cifar_batch(images, labels_by_key):
    """A pickled CIFAR batch dict with bytes keys, as the real files have."""
    data = {b"batch_label": b"test", b"data": images.reshape(len(images), -1)}
    for key, labels in labels_by_key.items():
        data[key.encode()] = [int(v) for v in labels]
    return pickle.dumps(data, protocol=4)


def write_tar(path, folder, files):
    with tarfile.open(path, "w:gz") as tar:
        for name, payload in files.items():
            info = tarfile.TarInfo(f"{folder}/{name}")
            info.size = len(payload)
            tar.addfile(info, io.BytesIO(payload))


def write_idx_gz(path, array):
    """An IDX file (magic 0x0803 images / 0x0801 labels, big-endian sizes), gzipped."""
    array = np.asarray(array, np.uint8)
    magic = (0x0800 | array.ndim).to_bytes(4, "big")
    header = magic + b"".join(int(d).to_bytes(4, "big") for d in array.shape)
    with gzip.open(path, "wb") as f:
        f.write(header + array.tobytes())


def word_lists(rng, n, max_len=12, vocab=40):
    out = np.empty(n, dtype=object)
    for i in range(n):
        out[i] = [int(w) for w in rng.integers(1, vocab, rng.integers(1, max_len))]
    return out
