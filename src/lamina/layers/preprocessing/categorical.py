"""Integer ids to one-hot / multi-hot / count / tf-idf rows, computed in NumPy.

The lookup, hashing and text layers work on host data (strings have no engine tensor), so
their encoding is NumPy too, with the rules Keras-with-TensorFlow applies
(``tf_utils.tf_encode_categorical_inputs``): ids outside ``[0, depth)`` (the mask's marker)
count nowhere; ``one_hot`` needs inputs of rank 1 or a last axis of 1; ``multi_hot``/``count``
of a rank-1 input encode it as one sample; the output has rank 2 at most.

>>> encode(np.array([[1, 1, 3]]), "count", depth=4).tolist()
[[0.0, 2.0, 0.0, 1.0]]
"""

from __future__ import annotations

import numpy as np

MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")


def check_mode(output_mode, layer: str, allowed=MODES) -> str:
    """Keras' spellings ``binary`` and ``tf-idf`` accepted; anything else refused by name."""
    mode = {"binary": "multi_hot", "tf-idf": "tf_idf"}.get(output_mode, output_mode)
    if mode not in allowed:
        raise ValueError(
            f"{layer}: `output_mode` must be one of {', '.join(repr(m) for m in allowed)}; "
            f"received output_mode={output_mode!r}"
        )
    return mode


def encode_rows(rows, output_mode: str, depth: int, dtype="float32", count_weights=None,
                idf_weights=None) -> np.ndarray:
    """Encode a list of 1-D id arrays (one per output row) into a ``(len(rows), depth)`` array."""
    n = len(rows)
    lengths = np.array([len(r) for r in rows], dtype=np.int64)
    ids = np.concatenate([np.asarray(r, np.int64).reshape(-1) for r in rows]) if n else \
        np.zeros(0, np.int64)
    row_of = np.repeat(np.arange(n, dtype=np.int64), lengths)
    valid = (ids >= 0) & (ids < depth)
    weights = None
    if count_weights is not None and output_mode == "count":
        weights = np.concatenate([np.asarray(w, np.float64).reshape(-1) for w in count_weights])
        weights = weights[valid]
    flat = row_of[valid] * depth + ids[valid]
    out = np.bincount(flat, weights=weights, minlength=n * depth).reshape(n, depth)
    if output_mode in ("one_hot", "multi_hot"):
        out = np.minimum(out, 1)
    out = out.astype(dtype)
    if output_mode == "tf_idf":
        out = out * np.asarray(idf_weights, dtype=dtype)[:depth]
    return out


def encode(ids: np.ndarray, output_mode: str, depth: int, dtype="float32", count_weights=None,
           idf_weights=None, layer: str = "layer") -> np.ndarray:
    """Encode a dense id array (rank 0, 1 or 2) as Keras-with-TF does."""
    ids = np.asarray(ids)
    if count_weights is not None:
        count_weights = np.broadcast_to(np.asarray(count_weights), ids.shape)
    if ids.ndim == 0:
        ids = ids.reshape(1)
        count_weights = None if count_weights is None else count_weights.reshape(1)
    if output_mode == "one_hot" and ids.shape[-1] != 1:
        ids = ids[..., None]
    if ids.ndim > 2:
        raise ValueError(
            f"{layer}: when output_mode is not 'int', the output rank is at most 2; received "
            f"output_mode={output_mode!r} and inputs of shape {ids.shape[:-1] if output_mode == 'one_hot' else ids.shape}"
        )
    if ids.ndim == 1:
        rows, weights = [ids], None if count_weights is None else [count_weights]
        return encode_rows(rows, output_mode, depth, dtype, weights, idf_weights)[0]
    weights = None if count_weights is None else list(count_weights.reshape(ids.shape))
    return encode_rows(list(ids), output_mode, depth, dtype, weights, idf_weights)


def encoded_shape(input_shape, output_mode: str, depth) -> tuple:
    """The output shape :func:`encode` gives for inputs of ``input_shape``."""
    input_shape = tuple(input_shape)
    if output_mode == "int":
        return input_shape
    if not input_shape:
        return (depth,)
    if output_mode == "one_hot":
        if len(input_shape) > 1 and input_shape[-1] == 1:
            return input_shape[:-1] + (depth,)
        return input_shape + (depth,)
    return input_shape[:-1] + (depth,)


def encode_tensor(x, output_mode: str, depth: int, dtype="float32", count_weights=None):
    """Encode an integer tensor with engine ops (works inside a model), with the rules Keras
    applies on its non-TensorFlow backends: ``one_hot`` drops a last axis of 1; ``multi_hot``
    and ``count`` reduce axis 1 (axis 0 for a rank-1 input); negative ids count nowhere."""
    from lamina import ops

    if output_mode == "int":
        return ops.cast(x, dtype)
    if len(x.shape) == 0:
        x = ops.expand_dims(x, -1)
    if output_mode == "one_hot":
        if len(x.shape) > 1 and x.shape[-1] == 1:
            x = ops.squeeze(x, -1)
        return ops.one_hot(ops.cast(x, "int32"), depth, dtype=dtype)
    axis = 1 if len(x.shape) > 1 else 0
    hot = ops.one_hot(ops.cast(x, "int32"), depth, dtype=dtype)
    if output_mode == "multi_hot":
        return ops.max(hot, axis=axis)
    if count_weights is not None:
        hot = hot * ops.expand_dims(ops.cast(count_weights, dtype), -1)
    return ops.sum(hot, axis=axis)
