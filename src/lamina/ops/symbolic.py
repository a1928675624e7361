"""Symbolic tensors: the placeholders a functional model is built from.

A ``SymbolicTensor`` has a shape (``None`` for unknown sizes), a dtype and, once a layer
produced it, the history ``(layer, node_index, tensor_index)`` Keras calls ``keras_history``.
It holds no data; ``Layer.__call__`` turns calls on it into graph nodes.
"""

from __future__ import annotations


class SymbolicTensor:
    """A placeholder for a tensor of known rank and partly known shape (Keras' KerasTensor)."""

    __slots__ = ("_history", "_mask", "dtype", "name", "shape", "sparse")

    def __init__(self, shape, dtype="float32", name=None, history=None, sparse=False):
        self.shape = tuple(None if d is None else int(d) for d in shape)
        self.dtype = dtype
        self.name = name
        self._history = history
        self._mask = None
        self.sparse = sparse

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def keras_history(self):
        return self._history

    def __repr__(self):
        return f"<SymbolicTensor shape={self.shape}, dtype={self.dtype}, name={self.name}>"

    def __len__(self):
        raise TypeError(
            "A symbolic tensor has no length: it stands for data that a model will receive. "
            f"Its shape is {self.shape}."
        )

    def __bool__(self):
        raise TypeError(
            "A symbolic tensor cannot be used as a Python bool (in `if` or `while`): it holds "
            "no values yet. Use lamina.ops.cond or write the logic inside a layer's call()."
        )

    def __array__(self, *args, **kwargs):
        raise TypeError(
            "A symbolic tensor cannot be converted to a NumPy array: it holds no values. "
            "Build a model with it and call model.predict() on real data."
        )


def is_symbolic(x) -> bool:
    """True if ``x`` (or any tensor in a list, tuple or dict ``x``) is symbolic."""
    if isinstance(x, SymbolicTensor):
        return True
    if isinstance(x, (list, tuple)):
        return any(is_symbolic(v) for v in x)
    if isinstance(x, dict):
        return any(is_symbolic(v) for v in x.values())
    return False
