"""Keras 2's object (de)serialization (``keras.utils.legacy``, ``keras.legacy.saving``).

The Keras 2 form is ``{"class_name": ..., "config": {...}}`` (no ``module``). Names are looked
up in closed tables only: ``custom_objects``, the active custom-object scopes, the global
registry, and the ``module_objects`` the caller passes; nothing is imported by name.

>>> class Scale:
...     def __init__(self, factor=2):
...         self.factor = factor
...     def get_config(self):
...         return {"factor": self.factor}
>>> config = serialize_keras_object(Scale(3))
>>> config
{'class_name': 'Scale', 'config': {'factor': 3}}
>>> deserialize_keras_object(config, module_objects={"Scale": Scale}).factor
3
"""

from __future__ import annotations

import inspect

from lamina.utils import registry


def serialize_keras_object(instance):
    """``{"class_name", "config"}`` for an object with ``get_config`` (objects held in the
    config are serialized too, marked ``__passive_serialization__``), a function's
    registered name, or None."""
    instance = inspect.unwrap(instance) if callable(instance) else instance
    if instance is None:
        return None
    if hasattr(instance, "get_config"):
        config = {}
        for key, item in instance.get_config().items():
            if isinstance(item, str):
                config[key] = item
                continue
            try:
                serialized = serialize_keras_object(item)
            except ValueError:
                config[key] = item
                continue
            if isinstance(serialized, dict) and not isinstance(item, dict):
                serialized["__passive_serialization__"] = True
            config[key] = serialized
        return {"class_name": registry.get_registered_name(type(instance)), "config": config}
    if hasattr(instance, "__name__"):
        return registry.get_registered_name(instance)
    raise ValueError(f"Cannot serialize {instance} because it doesn't implement `get_config()`.")


def _unknown(kind, name):
    return ValueError(
        f"Unknown {kind}: '{name}'. Please ensure you are using a "
        "`keras.utils.custom_object_scope` and that this object is included in the scope, "
        "or pass it in `custom_objects`."
    )


def deserialize_keras_object(identifier, module_objects=None, custom_objects=None,
                             printable_module_name: str = "object"):
    """The object a Keras 2 config (or a name) describes, from the closed tables above."""
    if identifier is None:
        return None
    module_objects = module_objects or {}
    if isinstance(identifier, dict):
        if "class_name" not in identifier or "config" not in identifier:
            raise ValueError(
                f"Improper config format for {identifier}. Expecting python dict contains "
                "`class_name` and `config` as keys"
            )
        name = identifier["class_name"]
        cls = registry.get_registered_object(name, custom_objects, module_objects)
        if cls is None:
            raise _unknown(printable_module_name, name)
        config = identifier["config"]
        if isinstance(config, dict):
            config = dict(config)
            for key, item in list(config.items()):
                if key == "name":
                    continue
                if isinstance(item, dict) and "__passive_serialization__" in item:
                    config[key] = deserialize_keras_object(item, module_objects, custom_objects,
                                                           "config_item")
                elif isinstance(item, str):
                    found = registry.get_registered_object(item, custom_objects, module_objects)
                    if inspect.isfunction(found):
                        config[key] = found
        custom_objects = custom_objects or {}
        if hasattr(cls, "from_config"):
            if "custom_objects" in inspect.signature(cls.from_config).parameters:
                return cls.from_config(config, custom_objects={
                    **registry.get_custom_objects(), **custom_objects})
            with registry.custom_object_scope(custom_objects):
                return cls.from_config(config)
        with registry.custom_object_scope(custom_objects):
            return cls(**config)
    if isinstance(identifier, str):
        obj = registry.get_registered_object(identifier, custom_objects, module_objects)
        if obj is None:
            raise _unknown(printable_module_name, identifier)
        return obj() if inspect.isclass(obj) else obj
    if inspect.isfunction(identifier):
        return identifier
    raise ValueError(f"Could not interpret serialized {printable_module_name}: {identifier}")


__all__ = ["deserialize_keras_object", "serialize_keras_object"]
