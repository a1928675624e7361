"""Keras 3 operations recorded in functional-model files (``NotEqual``, ``Mean``, ...).

Keras 3 saves the ops a model calls between layers (for example the ``not_equal`` that turns
``Embedding(mask_zero=True)`` ids into a mask) as graph nodes whose class is the op's
(``{"module": "keras.src.ops.numpy", "class_name": "NotEqual"}``). Loading such a file makes
one of these layers per op: it calls the ``lamina.ops`` function of the same name with the
node's arguments and the op's own configuration (``axis``, ``keepdims``, ...).

>>> cls = operation_class("NotEqual", "keras.src.ops.numpy")
>>> layer = cls.from_config({"name": "not_equal"})
>>> layer(lamina.ops.convert_to_tensor([0, 3]), 0).tolist()
[False, True]
"""

from __future__ import annotations

from lamina import ops
from lamina.backend import symbolic as engine
from lamina.layers.layer import Layer
from lamina.ops.symbolic import is_symbolic
from lamina.utils import registry

_CLASSES: dict[str, type] = {}


class KerasOperation(Layer):
    """Base of the per-op layers; ``_op_name`` names the ``lamina.ops`` function."""

    _op_name = ""
    _keras_module = "keras.src.ops.numpy"

    def __init__(self, name=None, **op_config):
        super().__init__(name=name)
        self._op_config = op_config
        self._function = getattr(ops, self._op_name)
        self.built = True

    def __call__(self, *args, **kwargs):
        if not is_symbolic(args[:1]) and is_symbolic((args, kwargs)):  # 2.0 - x
            from lamina.layers.core.op_layer import _make_node

            first, specs = engine.output_specs(self.call, args, kwargs)
            return _make_node(self, list(args), dict(kwargs), specs, first)
        return super().__call__(*args, **kwargs)

    def call(self, *args, **kwargs):
        return self._function(*args, **kwargs, **self._op_config)

    def get_build_config(self):
        return None

    def get_config(self):
        return {"name": self.name, **self._op_config}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class _BinaryOperation(KerasOperation):
    """A two-operand op; a Python number first (``2.0 - x``) becomes a tensor first."""

    def call(self, x1, x2):
        if isinstance(x1, (int, float)):
            x1 = ops.convert_to_tensor(x1)
        return self._function(x1, x2)


class _GetItem(KerasOperation):
    """``x[key]``; the key as Keras saves it: a list for a tuple, ``__slice__`` markers."""

    def call(self, x, key):
        return self._function(x, _decode_key(key, top=True))


def _decode_key(key, top=False):
    if isinstance(key, dict):
        kind = key.get("class_name")
        if kind == "__slice__":
            cfg = key["config"]
            if isinstance(cfg, dict):
                return slice(cfg.get("start"), cfg.get("stop"), cfg.get("step"))
            return slice(*cfg)
        if kind == "__ellipsis__":
            return Ellipsis
        return key
    if isinstance(key, (list, tuple)) and top:
        return tuple(_decode_key(k) for k in key)
    return key


_BINARY = {"Add", "Subtract", "Multiply", "Divide", "TrueDivide", "Power", "Matmul",
           "Maximum", "Minimum", "Greater", "GreaterEqual", "Less", "LessEqual", "Equal",
           "NotEqual", "Mod", "FloorDivide"}
_BASES = {"GetItem": _GetItem}


def operation_class(class_name: str, module: str):
    """The layer class standing for Keras' op class ``class_name`` (e.g. ``'NotEqual'``)."""
    if class_name not in _CLASSES:
        op_name = registry.snake_case(class_name)
        if not hasattr(ops, op_name):
            raise ValueError(
                f"The file uses the Keras operation {class_name!r} ({module}), which lamina.ops "
                f"has no {op_name!r} for."
            )
        base = _BASES.get(class_name) or (
            _BinaryOperation if class_name in _BINARY else KerasOperation)
        _CLASSES[class_name] = type(class_name, (base,),
                                    {"_op_name": op_name, "_keras_module": module,
                                     "_registered_name": class_name,
                                     "__doc__": f"Keras' ``{class_name}`` operation as a layer."})
    return _CLASSES[class_name]
