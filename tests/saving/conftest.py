import numpy as np
import pytest

import lamina
import lamina.saving
from lamina import layers


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    return rng.random((16, 4), dtype=np.float32), rng.random((16, 1), dtype=np.float32)


@pytest.fixture
def seq_model():
    return lamina.Sequential(
        [lamina.Input((4,)), layers.Dense(8, activation="relu"), layers.Dense(1)], name="seq")


@pytest.fixture
def fresh_seq():
    return _fresh_seq


def _fresh_seq():
    return lamina.Sequential(
        [lamina.Input((4,)), layers.Dense(8, activation="relu"), layers.Dense(1)], name="seq")


@pytest.fixture
def h5_tree():
    return _h5_tree


def _h5_tree(path):
    import h5py

    out = {}
    with h5py.File(path, "r") as f:
        f.visititems(lambda name, obj: out.__setitem__(
            name, tuple(obj.shape) if hasattr(obj, "shape") else dict(obj.attrs)))
    return out
