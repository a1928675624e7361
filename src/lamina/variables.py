"""``keras.Variable``: a variable made from an initializer (or a value) outside any layer.

>>> import lamina
>>> v = lamina.Variable(initializer="ones", shape=(2, 3), dtype="float32", name="scale")
>>> v.shape, v.name, v.trainable
(torch.Size([2, 3]), 'scale', True)
>>> isinstance(v, lamina.Variable)
True
"""

from __future__ import annotations

import numpy as np

from lamina import initializers
from lamina.backend import core as _core
from lamina.layers import layer as _layer
from lamina.utils.dtype_utils import standardize_dtype

_AGGREGATIONS = ("none", "mean", "sum", "only_first_replica")
_SYNCHRONIZATIONS = ("none", "on_write", "on_read", "auto")


class _VariableMeta(type):
    # lamina's variables are the engine's variable class (a torch.nn.Parameter), so
    # isinstance(x, lamina.Variable) asks that class.
    def __instancecheck__(cls, obj):
        return isinstance(obj, _core.Variable)

    def __subclasscheck__(cls, sub):
        return issubclass(sub, _core.Variable)


class Variable(metaclass=_VariableMeta):
    """A variable holding ``initializer(shape, dtype)`` or the given value.

    Args:
        initializer: an initializer (name, instance or callable ``(shape, dtype)``) together
            with ``shape``, or an initial value (array, tensor, number).
        shape: the shape, required with an initializer.
        dtype: the dtype (``floatx()`` by default for initializers; a value keeps its own
            float/int kind).
        trainable: whether optimizers update it.
        autocast: whether mixed-precision layers cast it to their compute dtype when read.
        aggregation, synchronization: how replicas combine it (recorded on the variable).
        name: its name (``"variable"`` by default); its ``path`` adds the open name scopes.
    """

    def __new__(cls, initializer, shape=None, dtype=None, trainable: bool = True,
                autocast: bool = True, aggregation: str = "none", synchronization: str = "auto",
                name: str | None = None, **kwargs):
        kwargs.pop("layout", None)  # distribution layouts: single device here
        if kwargs:
            raise TypeError(f"Variable: unexpected keyword argument(s) {sorted(kwargs)}")
        if aggregation not in _AGGREGATIONS:
            raise ValueError(
                f"Variable: `aggregation` must be one of {_AGGREGATIONS}; got {aggregation!r}"
            )
        if synchronization not in _SYNCHRONIZATIONS:
            raise ValueError(
                f"Variable: `synchronization` must be one of {_SYNCHRONIZATIONS}; "
                f"got {synchronization!r}"
            )
        name = name or "variable"
        if not isinstance(name, str) or "/" in name:
            raise ValueError(f"Variable: `name` must be a string without '/'; got {name!r}")
        if isinstance(initializer, (str, initializers.Initializer)) \
                or (callable(initializer) and not _core.is_tensor(initializer)):
            if shape is None:
                raise ValueError(
                    "When creating a Variable from an initializer, the `shape` argument should "
                    f"be specified. Received: initializer={initializer!r} and shape=None"
                )
            dtype = standardize_dtype(dtype)
            shape = tuple(int(d) for d in shape)
            value = initializers.get(initializer)(shape, dtype=dtype)
        else:
            value = initializer
            if dtype is None:
                array = np.asarray(_core.convert_to_numpy(value) if _core.is_tensor(value)
                                   else value)
                dtype = standardize_dtype(None) if array.dtype.kind == "f" else \
                    standardize_dtype(array.dtype)
            dtype = standardize_dtype(dtype)
            if shape is not None and tuple(np.shape(value)) != tuple(shape):
                raise ValueError(
                    f"Variable: the initial value has shape {tuple(np.shape(value))}, "
                    f"but shape={tuple(shape)} was given"
                )
        variable = _core.make_variable(value, dtype, trainable=trainable, name=name)
        scope = _layer.current_path()
        variable._lamina_path = f"{scope}/{name}" if scope else name
        variable._lamina_autocast = bool(autocast)
        variable._lamina_aggregation = aggregation
        variable._lamina_synchronization = synchronization
        return variable


__all__ = ["Variable"]
