import os

import numpy as np
import pytest
from dataset_files import write_idx_gz

from lamina.datasets import boston_housing, california_housing, fashion_mnist
from lamina.utils.file_utils import DownloadError, hash_file


@pytest.fixture
def fashion_files(served):
    rng = np.random.default_rng(5)
    arrays = {
        "train-images-idx3-ubyte.gz": rng.integers(0, 256, (6, 28, 28), dtype=np.uint8),
        "train-labels-idx1-ubyte.gz": rng.integers(0, 10, 6, dtype=np.uint8),
        "t10k-images-idx3-ubyte.gz": rng.integers(0, 256, (3, 28, 28), dtype=np.uint8),
        "t10k-labels-idx1-ubyte.gz": rng.integers(0, 10, 3, dtype=np.uint8),
    }
    for name, array in arrays.items():
        write_idx_gz(served.path(name), array)
    return arrays


def test_fashion_mnist_download_and_parse(fashion_files, served, homes):
    (x_train, y_train), (x_test, y_test) = fashion_mnist.load_data()
    np.testing.assert_array_equal(x_train, fashion_files["train-images-idx3-ubyte.gz"])
    np.testing.assert_array_equal(y_train, fashion_files["train-labels-idx1-ubyte.gz"])
    np.testing.assert_array_equal(x_test, fashion_files["t10k-images-idx3-ubyte.gz"])
    np.testing.assert_array_equal(y_test, fashion_files["t10k-labels-idx1-ubyte.gz"])
    assert x_train.dtype == np.uint8 and x_train.shape == (6, 28, 28)
    assert sorted(served.requests) == sorted(f"/{n}" for n in fashion_files)
    # Keras' cache layout: datasets/fashion-mnist/<file>.
    assert sorted(os.listdir(homes[0] / "datasets" / "fashion-mnist")) == sorted(fashion_files)


def test_fashion_mnist_keras_cache_in_place(fashion_files, served, homes):
    folder = homes[1] / "datasets" / "fashion-mnist"
    folder.mkdir(parents=True)
    for name in fashion_files:
        os.replace(served.path(name), folder / name)
    (x_train, _), _ = fashion_mnist.load_data()
    assert x_train.shape == (6, 28, 28) and served.requests == []


def test_fashion_mnist_offline_error(homes, monkeypatch):
    monkeypatch.setenv("LAMINA_OFFLINE", "1")
    with pytest.raises(DownloadError, match="train-labels-idx1-ubyte.gz") as info:
        fashion_mnist.load_data()
    assert "https://storage.googleapis.com/tensorflow/tf-keras-datasets/" in str(info.value)


@pytest.fixture
def housing_files(served, monkeypatch):
    rng = np.random.default_rng(6)
    np.savez(served.path("boston_housing.npz"), x=rng.normal(size=(21, 13)),
             y=rng.normal(size=21))
    np.savez(served.path("california_housing.npz"), x=rng.normal(size=(640, 8)),
             y=rng.normal(size=640))
    monkeypatch.setattr(boston_housing, "FILE_HASH", hash_file(served.path("boston_housing.npz")))
    monkeypatch.setattr(california_housing, "FILE_HASH",
                        hash_file(served.path("california_housing.npz")))
    return served


def keras_load(name, monkeypatch, path, **kwargs):
    os.environ["KERAS_BACKEND"] = "torch"
    module = pytest.importorskip(f"keras.src.datasets.{name}")
    monkeypatch.setattr(module, "get_file", lambda *a, **k: path)
    return module.load_data(**kwargs)


@pytest.mark.parametrize("kwargs", [{}, {"test_split": 0.33, "seed": 1}, {"test_split": 0.0}])
def test_boston_matches_keras(housing_files, monkeypatch, kwargs):
    ours = boston_housing.load_data(**kwargs)
    theirs = keras_load("boston_housing", monkeypatch,
                        housing_files.path("boston_housing.npz"), **kwargs)
    for a, b in zip((*ours[0], *ours[1]), (*theirs[0], *theirs[1])):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("kwargs", [{}, {"version": "small"},
                                    {"version": "small", "test_split": 0.1, "seed": 3}])
def test_california_matches_keras(housing_files, monkeypatch, kwargs):
    ours = california_housing.load_data(**kwargs)
    theirs = keras_load("california_housing", monkeypatch,
                        housing_files.path("california_housing.npz"), **kwargs)
    for a, b in zip((*ours[0], *ours[1]), (*theirs[0], *theirs[1])):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_array_equal(a, b)
    if kwargs.get("version") == "small" and "test_split" not in kwargs:
        assert ours[0][0].shape == (480, 8) and ours[1][0].shape == (120, 8)


def test_housing_arguments_checked():
    with pytest.raises(ValueError, match="test_split"):
        boston_housing.load_data(test_split=1)
    with pytest.raises(ValueError, match="version"):
        california_housing.load_data(version="medium")


def test_failed_download_names_url_and_where_to_put_the_file(served, homes):
    # The server runs but has no file: a 404, reported with the URL and the cache paths.
    with pytest.raises(DownloadError) as info:
        boston_housing.load_data()
    message = str(info.value)
    assert served.url + "boston_housing.npz" in message and "404" in message
    assert str(homes[0] / "datasets" / "boston_housing.npz") in message
    assert str(homes[1] / "datasets" / "boston_housing.npz") in message
    assert not os.listdir(homes[0] / "datasets")  # no partial file left behind
