"""CIFAR-100: 50,000 training and 10,000 test colour images, 32x32, in 100 fine classes
grouped into 20 coarse ones.

>>> from lamina.datasets import cifar100
>>> (x_train, y_train), _ = cifar100.load_data(label_mode="coarse")   # doctest: +SKIP
>>> x_train.shape, int(y_train.max())                                # doctest: +SKIP
((50000, 32, 32, 3), 19)
"""

from __future__ import annotations

import os

from lamina.datasets import cache
from lamina.datasets.cifar import read_batch, to_keras_layout

ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
FILE_HASH = "85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7"
DIRNAME = "cifar-100-python-target"


def load_data(label_mode: str = "fine"):
    """Load CIFAR-100 as ``(x_train, y_train), (x_test, y_test)``.

    Args:
        label_mode: ``"fine"`` (100 classes) or ``"coarse"`` (20 super-classes).

    Returns:
        uint8 images ``(50000, 32, 32, 3)`` and ``(10000, 32, 32, 3)`` (channels first
        when so configured); int64 labels ``(50000, 1)`` and ``(10000, 1)``, as Keras.
    """
    if label_mode not in ("fine", "coarse"):
        raise ValueError(
            f'cifar100.load_data: `label_mode` must be "fine" or "coarse"; received '
            f"label_mode={label_mode!r}"
        )
    inner = "cifar-100-python"
    folder = cache.fetch(
        "cifar100.load_data", DIRNAME, ORIGIN, FILE_HASH, extract=True,
        required=[os.path.join(inner, "train"), os.path.join(inner, "test")],
    )
    key = f"{label_mode}_labels"
    x_train, y_train = read_batch(os.path.join(folder, inner, "train"), key)
    x_test, y_test = read_batch(os.path.join(folder, inner, "test"), key)
    # Keras reshapes the Python label lists, which gives int64.
    return to_keras_layout(x_train, y_train, x_test, y_test, "int64")
