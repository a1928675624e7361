"""Small standard data sets, downloaded once and cached, as ``keras.datasets`` serves them.

>>> from lamina.datasets import cifar10
>>> (x_train, y_train), (x_test, y_test) = cifar10.load_data()   # doctest: +SKIP

The files, URLs and hashes are Keras' own; a copy Keras already downloaded to
``~/.keras/datasets`` is used in place (see ``lamina.datasets.cache``).
"""

from lamina.datasets import (
    boston_housing,
    california_housing,
    cifar10,
    cifar100,
    fashion_mnist,
    imdb,
    mnist,
    reuters,
)

__all__ = [
    "boston_housing", "california_housing", "cifar10", "cifar100", "fashion_mnist", "imdb",
    "mnist", "reuters",
]
