"""Fashion-MNIST: 60,000 training and 10,000 test greyscale images of clothes, 28x28, in
10 classes (a drop-in for MNIST).

>>> from lamina.datasets import fashion_mnist
>>> (x_train, y_train), (x_test, y_test) = fashion_mnist.load_data()   # doctest: +SKIP
>>> x_train.shape, y_train.dtype                                        # doctest: +SKIP
((60000, 28, 28), dtype('uint8'))

Labels: 0 T-shirt/top, 1 trouser, 2 pullover, 3 dress, 4 coat, 5 sandal, 6 shirt, 7 sneaker,
8 bag, 9 ankle boot. The four gzipped IDX files are cached under ``datasets/fashion-mnist``
as Keras caches them (Keras publishes no hash for them, so none is checked).

License: Copyright (c) 2017 Zalando SE, MIT license.
"""

from __future__ import annotations

import gzip
import os

import numpy as np

from lamina.datasets import cache

ORIGIN_FOLDER = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
FILES = [
    "train-labels-idx1-ubyte.gz",
    "train-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
]
FILE_HASHES = dict.fromkeys(FILES)  # None: Keras checks no hash for these files


def _read_idx(path: str, header_bytes: int) -> np.ndarray:
    # IDX files: a big-endian header (magic number, then sizes) followed by raw uint8 data.
    with gzip.open(path, "rb") as f:
        return np.frombuffer(f.read(), np.uint8, offset=header_bytes)


def load_data():
    """Load Fashion-MNIST as ``(x_train, y_train), (x_test, y_test)``, uint8 NumPy arrays.

    Returns:
        ``x_train`` (60000, 28, 28), ``y_train`` (60000,), ``x_test`` (10000, 28, 28),
        ``y_test`` (10000,).
    """
    subdir = os.path.join("datasets", "fashion-mnist")
    paths = [
        cache.fetch("fashion_mnist.load_data", name, ORIGIN_FOLDER + name, FILE_HASHES[name],
                    cache_subdir=subdir)
        for name in FILES
    ]
    y_train = _read_idx(paths[0], 8)
    x_train = _read_idx(paths[1], 16).reshape(len(y_train), 28, 28)
    y_test = _read_idx(paths[2], 8)
    x_test = _read_idx(paths[3], 16).reshape(len(y_test), 28, 28)
    return (x_train, y_train), (x_test, y_test)
