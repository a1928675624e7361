"""Symbolic tensors: the placeholders a functional model is built from.

A ``SymbolicTensor`` has a shape (``None`` for unknown sizes), a dtype and, once a layer
produced it, the history ``(layer, node_index, tensor_index)`` Keras calls ``keras_history``.
It holds no data; ``Layer.__call__`` turns calls on it into graph nodes.

Ops work on it too, as on Keras' KerasTensor: ``ops.concatenate([a, b])``, ``a + b``,
``x[:, 0]`` or ``ops.mean(x, axis=1)`` between layers each record a node (an op layer) and
return a new symbolic tensor. The engine calls back into the symbolic tensor only when one is
among an op's arguments (torch's ``__torch_function__`` protocol), so ops on real tensors
carry no check for it (DESIGN rule 2).

>>> import lamina
>>> a = lamina.Input(shape=(3,))
>>> tuple((lamina.ops.concatenate([a, a * 2.0], axis=1)).shape)
(None, 6)
"""

from __future__ import annotations

from lamina.backend import symbolic as _engine


def _refuse_strings(what, values):
    """Ops compute on numbers: a string input (``Input(dtype="string")``) goes to a
    string-taking layer (StringLookup, TextVectorization, Hashing, ...) first."""
    for v in values:
        if isinstance(v, (list, tuple)):
            _refuse_strings(what, v)
        elif isinstance(v, dict):
            _refuse_strings(what, v.values())
        elif isinstance(v, SymbolicTensor) and v.dtype == "string":
            raise TypeError(
                f"{what} was applied to the string input {v.name!r} (shape {v.shape}); ops "
                "compute on numbers and strings have no engine tensor. Turn the strings into "
                "numbers first with a StringLookup, TextVectorization or Hashing layer."
            )


def _method(name):
    def method(self, *args):
        if self.dtype == "string":
            _refuse_strings(f"The operator {name}", (self,))
        return _engine.apply_method(name, self, *args)

    method.__name__ = name
    return method


class SymbolicTensor:
    """A placeholder for a tensor of known rank and partly known shape (Keras' KerasTensor)."""

    __slots__ = ("_history", "_mask", "dtype", "name", "shape", "sparse", "__weakref__")

    # NumPy defers to our reflected operators instead of converting (which would fail)
    __array_ufunc__ = None

    def __init__(self, shape, dtype="float32", name=None, history=None, sparse=False):
        self.shape = tuple(None if d is None else int(d) for d in shape)
        self.dtype = dtype
        self.name = name
        self._history = history
        self._mask = None
        self.sparse = sparse

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        _refuse_strings(f"The op {getattr(func, '__name__', func)}", (args, kwargs or {}))
        return _engine.torch_function(func, types, args, kwargs)

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def keras_history(self):
        return self._history

    @property
    def ragged(self) -> bool:
        return False

    def __getattr__(self, name):
        # tensor methods (x.reshape(...), x.float(), x.T) record op nodes like the ops do
        if name.startswith("_"):
            raise AttributeError(name)
        if self.dtype == "string":  # an AttributeError, so hasattr() stays False
            raise AttributeError(
                f"The string input {self.name!r} has no tensor attribute .{name}: strings have "
                "no engine tensor. Turn them into numbers first with a StringLookup, "
                "TextVectorization or Hashing layer."
            )
        return _engine.tensor_attribute(self, name)

    def __repr__(self):
        return f"<SymbolicTensor shape={self.shape}, dtype={self.dtype}, name={self.name}>"

    def __len__(self):
        raise TypeError(
            "A symbolic tensor has no length: it stands for data that a model will receive. "
            f"Its shape is {self.shape}."
        )

    def __iter__(self):
        if not self.shape or self.shape[0] is None:
            raise TypeError(
                f"Cannot iterate over a symbolic tensor of shape {self.shape}: its first "
                "dimension is unknown. Use lamina.ops.unstack or index it with x[i]."
            )
        return iter([self[i] for i in range(self.shape[0])])

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

    __add__ = _method("__add__")
    __radd__ = _method("__radd__")
    __sub__ = _method("__sub__")
    __rsub__ = _method("__rsub__")
    __mul__ = _method("__mul__")
    __rmul__ = _method("__rmul__")
    __truediv__ = _method("__truediv__")
    __rtruediv__ = _method("__rtruediv__")
    __floordiv__ = _method("__floordiv__")
    __rfloordiv__ = _method("__rfloordiv__")
    __mod__ = _method("__mod__")
    __rmod__ = _method("__rmod__")
    __pow__ = _method("__pow__")
    __rpow__ = _method("__rpow__")
    __matmul__ = _method("__matmul__")
    __rmatmul__ = _method("__rmatmul__")
    __neg__ = _method("__neg__")
    __pos__ = _method("__pos__")
    __abs__ = _method("__abs__")
    __invert__ = _method("__invert__")
    __and__ = _method("__and__")
    __rand__ = _method("__rand__")
    __or__ = _method("__or__")
    __ror__ = _method("__ror__")
    __xor__ = _method("__xor__")
    __rxor__ = _method("__rxor__")
    __lt__ = _method("__lt__")
    __le__ = _method("__le__")
    __gt__ = _method("__gt__")
    __ge__ = _method("__ge__")
    __getitem__ = _method("__getitem__")
    # == and != stay identity comparisons (graph code keeps tensors in lists and dicts);
    # use ops.equal / ops.not_equal for elementwise comparison
    __hash__ = object.__hash__


_engine.set_symbolic_class(SymbolicTensor)


def is_symbolic(x) -> bool:
    """True if ``x`` (or any tensor in a list, tuple or dict ``x``) is symbolic."""
    if isinstance(x, SymbolicTensor):
        return True
    if isinstance(x, (list, tuple)):
        return any(is_symbolic(v) for v in x)
    if isinstance(x, dict):
        return any(is_symbolic(v) for v in x.values())
    return False
