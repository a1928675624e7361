"""Boston housing prices: 506 rows of 13 features, the target being the median home value
in thousands of dollars (a 1970s data set, kept for the books that use it).

>>> from lamina.datasets import boston_housing
>>> (x_train, y_train), (x_test, y_test) = boston_housing.load_data()   # doctest: +SKIP
>>> x_train.shape, x_test.shape                                        # doctest: +SKIP
((404, 13), (102, 13))
"""

from __future__ import annotations

import numpy as np

from lamina.datasets import cache, tabular

ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/boston_housing.npz"
FILE_HASH = "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5"


def load_data(path: str = "boston_housing.npz", test_split: float = 0.2, seed: int = 113):
    """Load the data as ``(x_train, y_train), (x_test, y_test)``, float64 NumPy arrays,
    shuffled with ``seed``; the last ``test_split`` fraction of rows is the test set."""
    tabular.check_test_split("boston_housing.load_data", test_split)
    local = cache.fetch("boston_housing.load_data", path, ORIGIN, FILE_HASH)
    with np.load(local, allow_pickle=False) as f:
        x, y = f["x"], f["y"]
    return tabular.shuffle_and_split(x, y, test_split, seed)
