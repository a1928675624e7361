import os

import numpy as np
import pytest
from dataset_files import cifar_batch, write_tar

from lamina import config
from lamina.datasets import cifar10, cifar100
from lamina.utils.file_utils import DownloadError, hash_file


def images(rng, n):
    return rng.integers(0, 256, (n, 3072), dtype=np.uint8)


@pytest.fixture
def cifar10_tar(served, monkeypatch):
    rng = np.random.default_rng(0)
    batches = {f"data_batch_{i}": (images(rng, 3), rng.integers(0, 10, 3)) for i in range(1, 6)}
    batches["test_batch"] = (images(rng, 2), rng.integers(0, 10, 2))
    path = served.path("cifar-10-python.tar.gz")
    write_tar(path, "cifar-10-batches-py",
              {name: cifar_batch(x, {"labels": y}) for name, (x, y) in batches.items()})
    monkeypatch.setattr(cifar10, "FILE_HASH", hash_file(path))
    return batches


def test_cifar10_download_parse_and_layout(cifar10_tar, served, homes):
    (x_train, y_train), (x_test, y_test) = cifar10.load_data()
    assert served.requests == ["/cifar-10-python.tar.gz"]
    assert x_train.shape == (15, 32, 32, 3) and x_test.shape == (2, 32, 32, 3)
    assert y_train.shape == (15, 1) and y_test.shape == (2, 1)
    assert {a.dtype for a in (x_train, y_train, x_test, y_test)} == {np.dtype("uint8")}
    # By hand: row r, column c, channel k of image i is byte k*1024 + r*32 + c of its row.
    raw, labels = cifar10_tar["data_batch_2"]
    assert x_train[3 + 1, 5, 7, 2] == raw[1, 2 * 1024 + 5 * 32 + 7]
    assert x_train[3 + 1, 0, 31, 0] == raw[1, 31]
    assert y_train[3:6, 0].tolist() == labels.tolist()
    assert y_test[:, 0].tolist() == cifar10_tar["test_batch"][1].tolist()
    # Keras' cache layout: the archive as "<name>_archive", extracted beside it.
    folder = homes[0] / "datasets"
    assert (folder / "cifar-10-batches-py-target_archive").is_file()
    assert (folder / "cifar-10-batches-py-target" / "cifar-10-batches-py" / "test_batch").is_file()
    # A second load uses the cache: no new request.
    (again, _), _ = cifar10.load_data()
    assert served.requests == ["/cifar-10-python.tar.gz"]
    np.testing.assert_array_equal(again, x_train)


def test_cifar10_batches_match_keras_reader(cifar10_tar, homes):
    os.environ["KERAS_BACKEND"] = "torch"
    keras_cifar = pytest.importorskip("keras.src.datasets.cifar")
    (x_train, y_train), (x_test, _) = cifar10.load_data()
    inner = homes[0] / "datasets" / "cifar-10-batches-py-target" / "cifar-10-batches-py"
    parts = [keras_cifar.load_batch(str(inner / f"data_batch_{i}")) for i in range(1, 6)]
    expected = np.concatenate([x for x, _ in parts]).transpose(0, 2, 3, 1)
    np.testing.assert_array_equal(x_train, expected)
    np.testing.assert_array_equal(y_train[:, 0], np.concatenate([y for _, y in parts]))
    kx_test, _ = keras_cifar.load_batch(str(inner / "test_batch"))
    np.testing.assert_array_equal(x_test, kx_test.transpose(0, 2, 3, 1))


def test_cifar10_channels_first(cifar10_tar, monkeypatch):
    monkeypatch.setattr(config, "image_data_format", lambda: "channels_first")
    (x_train, _), (x_test, _) = cifar10.load_data()
    assert x_train.shape == (15, 3, 32, 32) and x_test.shape == (2, 3, 32, 32)


def test_cifar10_keras_cache_is_used_in_place(cifar10_tar, served, homes):
    lamina_home, keras_home = homes
    keras_folder = keras_home / "datasets"
    keras_folder.mkdir(parents=True)
    os.replace(served.path("cifar-10-python.tar.gz"),
               keras_folder / "cifar-10-batches-py-target_archive")
    (x_train, _), _ = cifar10.load_data()  # not downloaded: the server has no file any more
    assert x_train.shape == (15, 32, 32, 3) and served.requests == []
    assert not (lamina_home / "datasets" / "cifar-10-batches-py-target_archive").exists()


def test_cifar10_offline_without_cache_names_url_and_place(homes, monkeypatch):
    monkeypatch.setenv("LAMINA_OFFLINE", "1")
    with pytest.raises(DownloadError) as info:
        cifar10.load_data()
    message = str(info.value)
    assert cifar10.ORIGIN in message and "LAMINA_OFFLINE" in message
    assert str(homes[0] / "datasets" / "cifar-10-batches-py-target_archive") in message


def test_wrong_hash_download_is_an_error(cifar10_tar, monkeypatch):
    monkeypatch.setattr(cifar10, "FILE_HASH", "0" * 64)
    with pytest.raises(ValueError, match="corrupted"):
        cifar10.load_data()


def test_pickled_code_is_refused(served, monkeypatch):
    import pickle

    evil = pickle.dumps({b"data": os.system})  # a global outside the allowed NumPy names
    path = served.path("cifar-10-python.tar.gz")
    names = [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]
    write_tar(path, "cifar-10-batches-py", dict.fromkeys(names, evil))
    monkeypatch.setattr(cifar10, "FILE_HASH", hash_file(path))
    with pytest.raises(pickle.UnpicklingError, match="posix.system|os.system"):
        cifar10.load_data()


@pytest.fixture
def cifar100_tar(served, monkeypatch):
    rng = np.random.default_rng(1)
    files = {}
    for name, n in (("train", 6), ("test", 4)):
        files[name] = cifar_batch(images(rng, n), {"fine_labels": rng.integers(0, 100, n),
                                                   "coarse_labels": rng.integers(0, 20, n)})
    path = served.path("cifar-100-python.tar.gz")
    write_tar(path, "cifar-100-python", files)
    monkeypatch.setattr(cifar100, "FILE_HASH", hash_file(path))


@pytest.mark.parametrize("label_mode", ["fine", "coarse"])
def test_cifar100_matches_keras(cifar100_tar, homes, monkeypatch, label_mode):
    ours = cifar100.load_data(label_mode=label_mode)
    os.environ["KERAS_BACKEND"] = "torch"
    keras_cifar100 = pytest.importorskip("keras.src.datasets.cifar100")
    extracted = str(homes[0] / "datasets" / "cifar-100-python-target")
    monkeypatch.setattr(keras_cifar100, "get_file", lambda *a, **k: extracted)
    theirs = keras_cifar100.load_data(label_mode=label_mode)
    for a, b in zip((*ours[0], *ours[1]), (*theirs[0], *theirs[1])):
        assert a.shape == b.shape and a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)
    assert ours[0][0].shape == (6, 32, 32, 3) and ours[0][1].shape == (6, 1)


def test_cifar100_label_mode_checked():
    with pytest.raises(ValueError, match="label_mode"):
        cifar100.load_data(label_mode="medium")
