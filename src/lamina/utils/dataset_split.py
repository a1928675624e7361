"""``split_dataset``: cut arrays or a ``Dataset`` into a left and a right part (train/test).

>>> import numpy as np
>>> left, right = split_dataset(np.arange(10), left_size=0.8)
>>> len(left), len(right)
(8, 2)
"""

from __future__ import annotations

import random

import numpy as np

from lamina.utils.dataset import Dataset


def _size(name: str, value, total: int):
    """``value`` (an int count, a float fraction or None) as a float count, checked."""
    if value is None:
        return None
    if type(value) is int:
        if not 0 < value < total:
            raise ValueError(
                f"`{name}` should be either a positive integer smaller than {total}, or a "
                f"float within the range `[0, 1]`. Received: {name}={value}"
            )
        return float(value)
    if type(value) is float:
        if not 0 < value < 1:
            raise ValueError(
                f"`{name}` should be either a positive integer smaller than {total}, or a "
                f"float within the range `[0, 1]`. Received: {name}={value}"
            )
        return float(round(value * total))
    raise TypeError(
        f"Invalid `{name}` type. Expected: int or float or None; received "
        f"type({name})={type(value).__name__}"
    )


def split_sizes(left_size, right_size, total: int) -> tuple[int, int]:
    """Keras' rule: fractions are rounded, a missing side is the rest, neither may be empty."""
    if left_size is None and right_size is None:
        raise ValueError(
            "At least one of the `left_size` or `right_size` must be specified. Received: "
            "left_size=None and right_size=None"
        )
    if left_size == 0 and right_size == 0:
        raise ValueError("Both `left_size` and `right_size` are zero. At least one of the "
                         "split sizes must be non-zero.")
    if type(left_size) is float and type(right_size) is float and left_size + right_size > 1:
        raise ValueError("The sum of `left_size` and `right_size` is greater than 1. It must "
                         "be less than or equal to 1.")
    left, right = _size("left_size", left_size, total), _size("right_size", right_size, total)
    left = total - right if left is None else left
    right = total - left if right is None else right
    if left + right > total:
        raise ValueError(
            f"The sum of `left_size` and `right_size` should be smaller than the {total}. "
            f"Received: left_size + right_size = {left + right} and total_length = {total}"
        )
    for value, side in ((left, "left"), (right, "right")):
        if value == 0:
            raise ValueError(
                f"With `dataset` of length={total}, `left_size`={left} and "
                f"`right_size`={right}. Resulting {side} side dataset split will be empty. "
                "Adjust any of the aforementioned parameters"
            )
    return int(left), int(right)


def _samples(dataset):
    """(the samples as a list, how to rebuild a part from a list of them)."""
    if isinstance(dataset, (tuple, list)) and dataset and all(
            isinstance(a, np.ndarray) for a in dataset):
        if len({len(a) for a in dataset}) != 1:
            raise ValueError(
                "split_dataset: the arrays must have the same length; received lengths "
                f"{[len(a) for a in dataset]}"
            )
        return list(zip(*dataset)), lambda part: tuple(np.array(c) for c in zip(*part))
    if isinstance(dataset, np.ndarray):
        return list(dataset), np.array
    if isinstance(dataset, Dataset):
        batch = getattr(dataset, "_batch_size", None)
        source = dataset.unbatch() if batch else dataset
        samples = list(source)
        if not samples:
            raise ValueError("split_dataset: the dataset is empty")

        def rebuild(part):
            first = part[0]
            if isinstance(first, (tuple, dict)):
                # Column-wise arrays keep each part's structure for from_tensor_slices.
                if isinstance(first, dict):
                    cols = {k: np.array([s[k] for s in part]) for k in first}
                else:
                    cols = tuple(np.array(c) for c in zip(*part))
            else:
                cols = np.array(part)
            ds = Dataset.from_tensor_slices(cols)
            return ds.batch(batch) if batch else ds

        return samples, rebuild
    raise TypeError(
        "The `dataset` argument must be a NumPy array, a list/tuple of NumPy arrays or a "
        f"lamina.utils.Dataset. Received: dataset of type {type(dataset).__name__}"
    )


def split_dataset(dataset, left_size=None, right_size=None, shuffle: bool = False,
                  seed: int | None = None, **kwargs):
    """Split ``dataset`` into ``(left, right)``, each a ``Dataset`` of samples (re-batched
    with the same batch size when ``dataset`` is a batched ``Dataset``).

    Args:
        dataset: a NumPy array, a tuple/list of arrays of the same length, or a Dataset.
        left_size: samples in the left part: an int count, a float fraction (rounded) or
            None (the rest).
        right_size: the same for the right part, taken from the END of the data.
        shuffle: shuffle the samples first (Python's ``random`` with ``seed``, as Keras).
        seed: seed of that shuffle.
    """
    kwargs.pop("preferred_backend", None)
    if kwargs:
        raise TypeError(f"split_dataset: unexpected arguments {sorted(kwargs)}")
    samples, rebuild = _samples(dataset)
    if shuffle:
        if seed is None:
            seed = random.randint(0, 1_000_000)
        random.Random(seed).shuffle(samples)
    left, right = split_sizes(left_size, right_size, len(samples))
    left_part, right_part = rebuild(samples[:left]), rebuild(samples[-right:])
    if not isinstance(left_part, Dataset):
        left_part, right_part = (Dataset.from_tensor_slices(left_part),
                                 Dataset.from_tensor_slices(right_part))
    return left_part, right_part
