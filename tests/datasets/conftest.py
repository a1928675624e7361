"""A local HTTP server standing in for Keras' data-set hosts, and isolated cache homes.

``served`` starts ``http.server`` on 127.0.0.1 in a thread, serving a tmp folder, and points
``LAMINA_DATASETS_ORIGIN`` at it, so ``load_data`` runs its real download, hash, extraction
and parsing code on small files the tests write in each data set's true format.
"""

import functools
import http.server
import os
import threading

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
