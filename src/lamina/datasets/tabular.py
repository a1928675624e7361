"""The seeded train/test split of the small tabular data sets (Boston, California housing)."""

from __future__ import annotations

import numpy as np


def check_test_split(what: str, test_split) -> None:
    if not 0 <= test_split < 1:
        raise ValueError(
            f"{what}: `test_split` must be in [0, 1) (the fraction kept for testing); "
            f"received test_split={test_split}"
        )


def shuffle_and_split(x, y, test_split: float, seed: int):
    """Shuffle rows with ``np.random.RandomState(seed)``, then the first ``1 - test_split``
    of them train: ``(x_train, y_train), (x_test, y_test)``."""
    order = np.arange(len(x))
    np.random.RandomState(seed).shuffle(order)
    x, y = x[order], y[order]
    n = int(len(x) * (1 - test_split))
    return (x[:n], y[:n]), (x[n:], y[n:])
