import os

import numpy as np
import pytest

from lamina.datasets import mnist
from lamina.utils.file_utils import hash_file


@pytest.fixture
def homes(tmp_path, monkeypatch):
    lamina_home, keras_home = tmp_path / "lamina", tmp_path / "keras"
    monkeypatch.setenv("LAMINA_HOME", str(lamina_home))
    monkeypatch.setenv("KERAS_HOME", str(keras_home))
    monkeypatch.setenv("LAMINA_OFFLINE", "1")
    return lamina_home, keras_home


def fake_npz(path, n=3):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    rng = np.random.default_rng(0)
    np.savez(
        path,
        x_train=rng.integers(0, 255, (n, 28, 28), dtype=np.uint8),
        y_train=np.arange(n, dtype=np.uint8),
        x_test=np.zeros((1, 28, 28), np.uint8),
        y_test=np.zeros(1, np.uint8),
    )
    return hash_file(path)


def test_offline_falls_back_to_bundled_sample(homes):
    with pytest.warns(UserWarning, match="2,500-digit sample") as record:
        (x_train, y_train), (x_test, y_test) = mnist.load_data()
    message = str(record[0].message)
    assert mnist.ORIGIN in message and "LAMINA_OFFLINE" in message
    assert x_train.shape == (2000, 28, 28) and x_test.shape == (500, 28, 28)
    assert y_train.shape == (2000,) and y_test.shape == (500,)
    for array in (x_train, y_train, x_test, y_test):
        assert array.dtype == np.uint8
    np.testing.assert_array_equal(np.bincount(y_train), [200] * 10)
    np.testing.assert_array_equal(np.bincount(y_test), [50] * 10)
    assert x_train.max() == 255 and x_train.min() == 0


def test_failed_download_falls_back(homes, monkeypatch):
    monkeypatch.delenv("LAMINA_OFFLINE")
    monkeypatch.setattr(mnist, "ORIGIN", "http://127.0.0.1:9/mnist.npz")
    with pytest.warns(UserWarning, match="127.0.0.1:9"):
        (x_train, _), _ = mnist.load_data()
    assert x_train.shape == (2000, 28, 28)


def test_valid_lamina_cache_is_used(homes, monkeypatch):
    lamina_home, _ = homes
    monkeypatch.setattr(mnist, "SHA256", fake_npz(str(lamina_home / "datasets" / "mnist.npz")))
    (x_train, y_train), (x_test, _) = mnist.load_data()
    assert x_train.shape == (3, 28, 28) and list(y_train) == [0, 1, 2]
    assert x_test.shape == (1, 28, 28)


def test_valid_keras_cache_is_used_in_place(homes, monkeypatch):
    lamina_home, keras_home = homes
    monkeypatch.setattr(mnist, "SHA256", fake_npz(str(keras_home / "datasets" / "mnist.npz"), 4))
    (x_train, _), _ = mnist.load_data()
    assert x_train.shape == (4, 28, 28)
    assert not os.path.exists(lamina_home / "datasets" / "mnist.npz")  # not copied


def test_file_with_wrong_hash_is_ignored(homes):
    lamina_home, _ = homes
    fake_npz(str(lamina_home / "datasets" / "mnist.npz"))  # real hash won't match
    with pytest.warns(UserWarning, match="sample"):
        (x_train, _), _ = mnist.load_data()
    assert x_train.shape == (2000, 28, 28)


def test_path_with_folder_is_refused(homes):
    with pytest.raises(ValueError, match="LAMINA_HOME"):
        mnist.load_data("some/dir/mnist.npz")
