"""Reading the CIFAR "python version" batch files (shared by ``cifar10`` and ``cifar100``).

Each batch is a pickled dict with ``b"data"`` (uint8, ``(n, 3072)``: the red, green and blue
planes of each 32x32 image, row by row) and the labels under ``b"labels"`` (CIFAR-10) or
``b"fine_labels"`` / ``b"coarse_labels"`` (CIFAR-100).
"""

from __future__ import annotations

import numpy as np

from lamina import config
from lamina.datasets.safe_pickle import load_pickle


def read_batch(path: str, label_key: str = "labels"):
    """``(images uint8 (n, 3, 32, 32), labels)`` of one batch file."""
    with open(path, "rb") as f:
        batch = load_pickle(f, encoding="bytes")
    batch = {(k.decode("utf8") if isinstance(k, bytes) else k): v for k, v in batch.items()}
    data = np.asarray(batch["data"], dtype="uint8")
    return data.reshape(data.shape[0], 3, 32, 32), batch[label_key]


def to_keras_layout(x_train, y_train, x_test, y_test, label_dtype):
    """Labels as ``(n, 1)`` columns and images channels_last unless the configured image
    data format is channels_first, as Keras returns them."""
    y_train = np.asarray(y_train, dtype=label_dtype).reshape(-1, 1)
    y_test = np.asarray(y_test, dtype=label_dtype).reshape(-1, 1)
    if config.image_data_format() == "channels_last":
        x_train, x_test = x_train.transpose(0, 2, 3, 1), x_test.transpose(0, 2, 3, 1)
    return (x_train, y_train), (x_test, y_test)
