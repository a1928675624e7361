"""CIFAR-10: 50,000 training and 10,000 test colour images, 32x32, in 10 classes.

>>> from lamina.datasets import cifar10
>>> (x_train, y_train), (x_test, y_test) = cifar10.load_data()   # doctest: +SKIP
>>> x_train.shape, x_train.dtype, y_train.shape                   # doctest: +SKIP
((50000, 32, 32, 3), dtype('uint8'), (50000, 1))

Labels: 0 airplane, 1 automobile, 2 bird, 3 cat, 4 deer, 5 dog, 6 frog, 7 horse, 8 ship,
9 truck. The archive (163 MB) comes from the CIFAR home page, as in Keras; see
``lamina.datasets.cache`` for the cache folders and ``LAMINA_DATASETS_ORIGIN``.
"""

from __future__ import annotations

import os

import numpy as np

from lamina.datasets import cache
from lamina.datasets.cifar import read_batch, to_keras_layout

ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
FILE_HASH = "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"
DIRNAME = "cifar-10-batches-py-target"  # Keras' cache name (the archive gets "_archive")
BATCHES = [f"data_batch_{i}" for i in range(1, 6)]


def load_data():
    """Load CIFAR-10 as ``(x_train, y_train), (x_test, y_test)``, uint8 NumPy arrays.

    Returns:
        ``x_train`` (50000, 32, 32, 3), ``y_train`` (50000, 1), ``x_test`` (10000, 32, 32, 3),
        ``y_test`` (10000, 1); images are ``(n, 3, 32, 32)`` when
        ``lamina.config.image_data_format()`` is "channels_first".
    """
    inner = "cifar-10-batches-py"
    folder = cache.fetch(
        "cifar10.load_data", DIRNAME, ORIGIN, FILE_HASH, extract=True,
        required=[os.path.join(inner, b) for b in [*BATCHES, "test_batch"]],
    )
    parts = [read_batch(os.path.join(folder, inner, b)) for b in BATCHES]
    x_train = np.concatenate([x for x, _ in parts])
    y_train = np.concatenate([np.asarray(y, dtype="uint8") for _, y in parts])
    x_test, y_test = read_batch(os.path.join(folder, inner, "test_batch"))
    return to_keras_layout(x_train, y_train, x_test, y_test, "uint8")
