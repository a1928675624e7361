"""Input signatures for export: what shapes and dtypes an exported function takes.

A signature is a list with one entry per positional argument of the exported function; each
entry is a structure (a leaf, list, tuple or dict) of ``lamina.InputSpec``, symbolic tensors
(``keras.KerasTensor``), arrays or tensors. Every leaf becomes a :class:`Leaf`: its shape
(``None`` for unknown axes; the first axis of an array or tensor is taken as the batch and made
unknown), its dtype and a name for the exported input.
"""

from __future__ import annotations

from dataclasses import dataclass

from lamina import tree
from lamina.backend import core
from lamina.layers.input_spec import InputSpec
from lamina.ops.symbolic import SymbolicTensor


@dataclass(frozen=True)
class Leaf:
    shape: tuple
    dtype: str
    name: str | None


def to_leaf(x, where="input_signature") -> Leaf:
    """One signature entry as a :class:`Leaf`, or a TypeError naming what was given."""
    if isinstance(x, Leaf):
        return x
    if isinstance(x, InputSpec):
        if x.shape is None or x.dtype is None:
            raise ValueError(
                f"{where}: an InputSpec needs both shape and dtype to export, got {x!r}. "
                "Write InputSpec(shape=(None, 3), dtype='float32')."
            )
        return Leaf(tuple(None if d is None else int(d) for d in x.shape),
                    core.standardize_dtype(x.dtype), x.name)
    if isinstance(x, SymbolicTensor):
        return Leaf((None,) + tuple(x.shape)[1:], core.standardize_dtype(x.dtype),
                    getattr(x, "name", None))
    if hasattr(x, "shape") and hasattr(x, "dtype"):
        shape = tuple(x.shape)
        return Leaf(((None,) + shape[1:]) if shape else (), core.standardize_dtype(x.dtype), None)
    raise TypeError(
        f"{where}: each entry must be a lamina.InputSpec(shape=..., dtype=...), a symbolic "
        f"tensor (lamina.Input) or an array; got {x!r} of type {type(x).__name__}."
    )


def normalize(signature, where="input_signature") -> list:
    """A signature given as a list of positional arguments (a lone spec is one argument)."""
    if not isinstance(signature, (list, tuple)) or (
        isinstance(signature, tuple) and all(isinstance(d, (int, type(None))) for d in signature)
    ):
        signature = [signature]
    return [tree.map_structure(lambda x: to_leaf(x, where), arg) for arg in signature]


def of_model(model) -> list:
    """The signature a built model is called with: its inputs, the batch axis unknown."""
    from lamina.models.functional import Functional
    from lamina.models.sequential import Sequential

    if not model.built:
        raise ValueError(
            f"Model '{model.name}' has not been built yet, so its input shapes are unknown: "
            "call it on a batch of data first, or pass input_signature="
            "[lamina.InputSpec(shape=(None, ...), dtype='float32')]."
        )
    if isinstance(model, Functional):
        return [tree.map_structure(to_leaf, model._input_struct)]
    if isinstance(model, Sequential) and getattr(model, "inputs", None):
        return [to_leaf(model.inputs[0])]
    shapes = getattr(model, "_build_shapes", None)
    if shapes is None:
        raise ValueError(
            f"Model '{model.name}' has not been called on data, so its input shapes are "
            "unknown: call it once on a batch, or pass input_signature="
            "[lamina.InputSpec(shape=(None, ...), dtype='float32')]."
        )
    dtype = getattr(model, "input_dtype", None) or "float32"

    def is_shape(s):
        return isinstance(s, (list, tuple)) and all(isinstance(d, (int, type(None))) for d in s)

    def spec(s):
        if is_shape(s):
            return Leaf((None,) + tuple(s)[1:], core.standardize_dtype(dtype), None)
        if isinstance(s, dict):
            return {k: spec(v) for k, v in s.items()}
        return type(s)(spec(v) for v in s)

    return [spec(shapes)]


def input_names(flat_leaves) -> list[str]:
    """Unique names for the flat inputs: each leaf's own name, else ``input_<i>``."""
    names, seen = [], set()
    for i, leaf in enumerate(flat_leaves):
        base = leaf.name or f"input_{i}"
        name, n = base, 0
        while name in seen:
            n += 1
            name = f"{base}_{n}"
        seen.add(name)
        names.append(name)
    return names
