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
from lamina.layers.layer import Layer
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
        return super().__call__(*args, **kwargs)

    def call(self, *args, **kwargs):
        return self._function(*args, **kwargs, **self._op_config)

    def get_config(self):
        return {"name": self.name, **self._op_config}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def operation_class(class_name: str, module: str):
    """The layer class standing for Keras' op class ``class_name`` (e.g. ``'NotEqual'``)."""
    if class_name not in _CLASSES:
        op_name = registry.snake_case(class_name)
        if not hasattr(ops, op_name):
            raise ValueError(
                f"The file uses the Keras operation {class_name!r} ({module}), which lamina.ops "
                f"has no {op_name!r} for."
            )
        _CLASSES[class_name] = type(class_name, (KerasOperation,),
                                    {"_op_name": op_name, "_keras_module": module,
                                     "__doc__": f"Keras' ``{class_name}`` operation as a layer."})
    return _CLASSES[class_name]
