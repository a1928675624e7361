"""Conformance tests compare lamina with real Keras 3 running on the same torch.

Keras reads KERAS_BACKEND and writes ``$KERAS_HOME/keras.json`` when first imported, so both
are set here, at collection time, before any test module imports it.
"""

import os
import tempfile
import zlib

import numpy as np
import pytest

os.environ["KERAS_BACKEND"] = "torch"
os.environ["KERAS_HOME"] = tempfile.mkdtemp(prefix="lamina_keras_home_")


@pytest.fixture(scope="session")
def keras():
    """The real Keras 3 module (on the torch backend); the tests skip when it is absent."""
    return pytest.importorskip("keras")


@pytest.fixture
def rng(request):
    """A NumPy generator seeded from the test's name: fresh data per test, same on every run."""
    seed = zlib.crc32(request.node.nodeid.encode())
    return np.random.default_rng(seed)
