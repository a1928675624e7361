"""What the feature layers' ``adapt`` and NumPy-side ``call`` accept, turned into NumPy arrays.

``adapt(data)`` takes, as Keras does: a NumPy array, an engine tensor, a Python list, a
``PyDataset`` (or any object with ``__len__`` and ``__getitem__`` returning batches), or any
other iterable of batches (a generator, a ``Dataset``, a list of arrays). A batch given as a
tuple ``(x, y)`` or ``(x, y, sample_weight)`` contributes its ``x`` only (Keras'
``_extract_batch``).

>>> [b.shape for b in iter_batches([np.zeros((2, 3)), (np.ones((4, 3)), np.ones(4))])]
... # doctest: +SKIP
[(2, 3), (4, 3)]
"""

from __future__ import annotations

import numpy as np

from lamina.backend import core as backend
from lamina.ops.symbolic import is_symbolic


def to_numpy(x, layer: str = "layer") -> np.ndarray:
    """``x`` (tensor, array, list, scalar) as a NumPy array; engine tensors are copied to host."""
    if is_symbolic(x):
        raise TypeError(f"{layer}: cannot compute on a symbolic tensor here; call it on data.")
    if backend.is_tensor(x):
        return backend.convert_to_numpy(x)
    if hasattr(x, "numpy") and not isinstance(x, np.ndarray):  # e.g. a tf.Tensor
        return np.asarray(x.numpy())
    return np.asarray(x)


def is_string_array(a: np.ndarray) -> bool:
    if a.dtype.kind in "US":
        return True
    if a.dtype.kind == "O":
        flat = a.reshape(-1)
        return flat.size == 0 or isinstance(flat[0], (str, bytes))
    return False


def as_str_array(a: np.ndarray, encoding: str = "utf-8") -> np.ndarray:
    """A NumPy array of Python ``str`` (object dtype): bytes are decoded with ``encoding``."""
    a = np.asarray(a)
    out = np.empty(a.shape, dtype=object)
    flat_in = a.reshape(-1)
    flat_out = out.reshape(-1)
    for i, v in enumerate(flat_in.tolist()):
        flat_out[i] = v.decode(encoding) if isinstance(v, bytes) else str(v)
    return out


def _x_of(batch):
    # Keras: a tuple batch is (x, y[, sample_weight]); a list batch is data itself
    return batch[0] if isinstance(batch, tuple) else batch


def _is_sequence_dataset(data) -> bool:
    return (hasattr(data, "__getitem__") and hasattr(data, "__len__")
            and not isinstance(data, (list, tuple, np.ndarray, dict, str, bytes))
            and not backend.is_tensor(data))


def is_single_array(data) -> bool:
    """Data ``adapt`` treats as one array (not as an iterable of batches)."""
    return isinstance(data, (np.ndarray, list, tuple, str, bytes, int, float)) \
        or backend.is_tensor(data) or (hasattr(data, "numpy") and hasattr(data, "shape"))


def iter_batches(data, steps: int | None = None, layer: str = "layer"):
    """Yield the ``x`` of each batch of ``data`` as a NumPy array (at most ``steps`` batches)."""
    if data is None:
        raise ValueError(f"{layer}.adapt() needs data; received None.")
    if isinstance(data, dict):
        raise TypeError(f"{layer}.adapt() expects an array or batches of arrays, got a dict.")
    if _is_sequence_dataset(data):
        n = len(data)
        for i in range(n if steps is None else min(n, steps)):
            yield to_numpy(_x_of(data[i]), layer)
        return
    if not hasattr(data, "__iter__"):
        raise TypeError(
            f"{layer}.adapt() expects a NumPy array, a tensor, a list, a PyDataset or an "
            f"iterable of batches; received {type(data).__name__}."
        )
    for i, batch in enumerate(data):
        if steps is not None and i >= steps:
            break
        yield to_numpy(_x_of(batch), layer)
