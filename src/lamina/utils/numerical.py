"""NumPy helpers for preparing data: one-hot labels and normalised rows.

>>> to_categorical([0, 2], num_classes=3)
array([[1., 0., 0.],
       [0., 0., 1.]], dtype=float32)
"""

from __future__ import annotations

import numpy as np


class LabelRangeError(IndexError, ValueError):
    """A label outside ``[0, num_classes)``. Keras lets NumPy raise ``IndexError`` for a label
    that is too large; lamina raises this (an ``IndexError`` and a ``ValueError``) with the
    offending range, and also for negative labels, which Keras silently wraps to the last
    classes."""


def to_categorical(x, num_classes: int | None = None, dtype="float32") -> np.ndarray:
    """Convert integer class labels to one-hot rows (the class axis is last).

    Args:
        x: array-like of integer labels in ``[0, num_classes)``. A trailing axis of size 1
            (labels shaped ``(n, 1)``) is dropped first.
        num_classes: number of classes; ``None`` means ``max(x) + 1``.
        dtype: the output dtype. float32 by default (Keras 3 returns float64; lamina
            returns the float type models train in, as Keras 2 did, which also accepted
            ``dtype``).

    >>> tuple(to_categorical([[1], [0]]).shape)
    (2, 2)

    An engine tensor gives an engine tensor, as Keras returns a backend tensor for tensor
    input.
    """
    from lamina import backend

    if backend.core.is_tensor(x):
        out = to_categorical(backend.core.convert_to_numpy(x), num_classes, dtype=dtype)
        return backend.core.convert_to_tensor(out, dtype=dtype)
    x = np.asarray(x, dtype="int64")
    shape = x.shape
    if len(shape) > 1 and shape[-1] == 1:
        shape = shape[:-1]
    x = x.reshape(-1)
    if not num_classes:
        num_classes = int(np.max(x)) + 1 if x.size else 0
    if x.size and (x.min() < 0 or x.max() >= num_classes):
        raise LabelRangeError(
            f"to_categorical: labels must lie in [0, {num_classes}); got values from "
            f"{int(x.min())} to {int(x.max())}. Pass num_classes= large enough."
        )
    out = np.zeros((x.shape[0], num_classes), dtype=dtype)
    out[np.arange(x.shape[0]), x] = 1
    return out.reshape(shape + (num_classes,))


def normalize(x, axis: int = -1, order: int = 2) -> np.ndarray:
    """Divide ``x`` by its ``order``-norm along ``axis``; all-zero slices stay zero.

    A NumPy array gives a NumPy array; anything else (a tensor, a list) gives an engine
    tensor, floatx unless ``x`` is a float tensor already, as Keras' ``ops.normalize`` path.

    >>> normalize(np.array([[3.0, 4.0], [0.0, 0.0]]))
    array([[0.6, 0.8],
           [0. , 0. ]])
    """
    if not isinstance(x, np.ndarray):
        from lamina import backend, config

        x = backend.core.convert_to_tensor(x)
        if "float" not in backend.core.dtype_of(x):
            x = backend.core.convert_to_tensor(x, config.floatx())
        return backend.nn_ops.normalize(x, axis=axis, order=order)
    norm = np.atleast_1d(np.linalg.norm(x, order, axis))
    norm[norm == 0] = 1  # leave zero vectors alone rather than divide by zero
    return x / np.expand_dims(norm, axis if axis is not None else -1)
