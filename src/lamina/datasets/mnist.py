"""MNIST handwritten digits: 60,000 training and 10,000 test images, 28x28 greyscale.

>>> from lamina.datasets import mnist
>>> (x_train, y_train), (x_test, y_test) = mnist.load_data()   # doctest: +SKIP
>>> x_train.shape, x_train.dtype, y_train.dtype                  # doctest: +SKIP
((60000, 28, 28), dtype('uint8'), dtype('uint8'))

Where the data comes from, in order:

1. a valid ``mnist.npz`` in lamina's cache, ``$LAMINA_HOME/datasets`` (``~/.lamina/datasets``);
2. a valid one that Keras already downloaded, ``$KERAS_HOME/datasets`` (``~/.keras/datasets``),
   used where it is, so the 11 MB are not fetched twice;
3. a download from Keras' origin (skipped when ``LAMINA_OFFLINE=1``);
4. if all of that fails: the 2,500-digit sample bundled with lamina, with a ``UserWarning``,
   so examples and tests still run offline (shapes ``(2000, 28, 28)`` and ``(500, 28, 28)``).

Valid means the file's sha256 equals Keras' published hash.

License: Yann LeCun and Corinna Cortes hold the copyright of MNIST, a derivative work of
the NIST data sets; it is available under the Creative Commons Attribution-Share Alike 3.0
license.
"""

from __future__ import annotations

import os
import warnings

import numpy as np

from lamina import config
from lamina.datasets import cache

ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"
SAMPLE_PATH = os.path.join(os.path.dirname(__file__), "data", "mnist_sample.npz")


def _read(path: str):
    # allow_pickle=False: the file is data, never code.
    with np.load(path, allow_pickle=False) as f:
        return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])


def _find_or_download(fname: str) -> tuple[str | None, str]:
    """The path of a valid full data set, or None and the reason none was found."""
    try:
        return cache.fetch("mnist.load_data", fname, ORIGIN, SHA256), ""
    except (OSError, ValueError) as e:
        return None, str(e)


def load_data(path: str = "mnist.npz"):
    """Load MNIST as ``(x_train, y_train), (x_test, y_test)``, uint8 NumPy arrays.

    Args:
        path: the file name in the cache folders (``$LAMINA_HOME/datasets``, then
            ``~/.keras/datasets``).

    Returns:
        ``x_train`` (60000, 28, 28), ``y_train`` (60000,), ``x_test`` (10000, 28, 28),
        ``y_test`` (10000,); or, offline with nothing cached, the bundled sample of
        2,000 + 500 digits (200 and 50 per class), with a ``UserWarning``.
    """
    if os.sep in path or (os.altsep and os.altsep in path):
        # A user error, not a network one: refuse it rather than fall back to the sample.
        cache.fetch("mnist.load_data", path, ORIGIN, SHA256)  # raises the ValueError
    found, reason = _find_or_download(path)
    if found is not None:
        return _read(found)
    lamina_copy = os.path.join(config.lamina_home(), "datasets", path)
    warnings.warn(
        "lamina.datasets.mnist: the full MNIST data set could not be found or downloaded "
        f"({reason}). Using the 2,500-digit sample bundled with lamina instead "
        "(x_train (2000, 28, 28), x_test (500, 28, 28)), so results will differ from the "
        f"full set. To get all 70,000 digits, download {ORIGIN} to {lamina_copy} "
        "(or ~/.keras/datasets/mnist.npz), or run once with network access and "
        "LAMINA_OFFLINE unset.",
        UserWarning,
        stacklevel=2,
    )
    return _read(SAMPLE_PATH)
