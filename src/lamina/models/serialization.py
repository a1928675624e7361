"""Layer and model configs in Keras 3's dict form, and back.

``serialize_layer(layer)`` gives ``{"module", "class_name", "config", "registered_name",
"build_config"}``; ``deserialize_layer`` rebuilds any built-in or registered layer or model.
Nothing here runs code from a config: a Lambda's bytecode loads only outside safe mode.
"""

from __future__ import annotations

import inspect

from lamina import layers as layers_module
from lamina.utils import registry

_MODULES = {"Sequential": "keras", "Functional": "keras.src.models.functional", "Model": "keras"}


def _model_classes():
    from lamina.models.functional import Functional
    from lamina.models.model import Model
    from lamina.models.sequential import Sequential

    return {"Sequential": Sequential, "Functional": Functional, "Model": Functional,
            "_": Model}


# Extra class lookups filled from floors above (compat aliases such as Convolution2D).
EXTRA_CLASSES: dict[str, type] = {}


def serialize_layer(layer) -> dict:
    cls = type(layer)
    registered = registry.GLOBAL_CUSTOM_NAMES.get(cls)
    name = cls.__name__
    op_name = cls.__dict__.get("_registered_name")  # a Keras op's node (Add, GetItem, ...)
    out = {
        "module": None if registered else getattr(
            cls, "_keras_module", _MODULES.get(name, "keras.layers")),
        "class_name": name,
        "config": layer.get_config(),
        "registered_name": registered or op_name,
    }
    build = layer.get_build_config() if hasattr(layer, "get_build_config") else None
    if build is not None and name != "InputLayer":
        out["build_config"] = build
    return out


def serialize_model(model) -> dict:
    out = serialize_layer(model)
    compile_config = getattr(model, "get_compile_config", lambda: None)()
    if compile_config is not None:
        out["compile_config"] = compile_config
    return out


def find_layer_class(config: dict, custom_objects=None):
    class_name = config.get("class_name")
    registered = config.get("registered_name")
    module = config.get("module") or ""
    if module.startswith("keras.src.ops."):  # an op recorded between layers (Add, Mean)
        from lamina.layers.core.keras_operation import operation_class

        return operation_class(class_name, module)
    for key in (registered, class_name):
        if key:
            obj = registry.get_registered_object(key, custom_objects)
            if obj is not None:
                return obj
    models = _model_classes()
    if class_name in models:
        return models[class_name]
    cls = layers_module.get_builtin_layer(class_name) or EXTRA_CLASSES.get(class_name)
    if cls is None:
        raise ValueError(
            f"Unknown layer class {class_name!r}. If it is a custom layer, pass it in "
            "custom_objects={...} or decorate it with @register_keras_serializable()."
        )
    return cls


def deserialize_layer(config: dict, custom_objects=None):
    """Build a layer or model from its Keras config dict."""
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"Could not interpret a layer configuration: {config!r}")
    cls = find_layer_class(config, custom_objects)
    inner = dict(config.get("config") or {})
    from_config = cls.from_config
    with registry.custom_object_scope(custom_objects or {}):
        try:
            if "custom_objects" in inspect.signature(from_config).parameters:
                layer = from_config(inner, custom_objects=custom_objects)
            else:
                layer = from_config(inner)
        except TypeError as e:
            if cls.__module__.startswith("lamina."):
                raise
            # a user class whose __init__ takes arguments its get_config does not return
            raise TypeError(
                f"{cls.__name__}.from_config could not rebuild the {config['class_name']!r} "
                f"saved here: {e}. Its config holds only {sorted(inner)}; define get_config() "
                "returning the __init__ arguments (and from_config if they need rebuilding)."
            ) from e
    build = config.get("build_config")
    if build and not layer.built and hasattr(layer, "build_from_config"):
        layer.build_from_config(build)
    return layer


def model_from_json(json_string: str, custom_objects=None):
    """Rebuild a model (untrained weights) from ``model.to_json()``."""
    import json

    try:
        config = json.loads(json_string)
    except ValueError as e:
        raise ValueError(f"model_from_json: the string is not valid JSON ({e})") from None
    return deserialize_layer(config, custom_objects)
