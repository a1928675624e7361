"""California housing prices (1990 census): 20,640 districts with 8 features, the target
being the median house value in dollars.

>>> from lamina.datasets import california_housing
>>> (x_train, y_train), _ = california_housing.load_data(version="small")   # doctest: +SKIP
>>> x_train.shape                                                          # doctest: +SKIP
(480, 8)
"""

from __future__ import annotations

import numpy as np

from lamina.datasets import cache, tabular

ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/california_housing.npz"
FILE_HASH = "1a2e3a52e0398de6463aebe6f4a8da34fb21fbb6b934cf88c3425e766f2a1a6f"


def load_data(version: str = "large", path: str = "california_housing.npz",
              test_split: float = 0.2, seed: int = 113):
    """Load the data as ``(x_train, y_train), (x_test, y_test)``.

    Args:
        version: ``"large"`` (all 20,640 rows) or ``"small"`` (the first 600, before the
            shuffle).
        path: the file name in the cache folders.
        test_split: the fraction of rows kept for testing (the last ones after the shuffle).
        seed: seed of the shuffle.
    """
    tabular.check_test_split("california_housing.load_data", test_split)
    if version not in ("large", "small"):
        raise ValueError(
            "california_housing.load_data: `version` must be 'small' or 'large'; received "
            f"version={version!r}"
        )
    local = cache.fetch("california_housing.load_data", path, ORIGIN, FILE_HASH)
    with np.load(local, allow_pickle=False) as f:
        x, y = f["x"], f["y"]
    if version == "small":
        x, y = x[:600], y[:600]
    return tabular.shuffle_and_split(x, y, test_split, seed)
