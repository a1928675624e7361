"""``serialize_keras_object`` / ``deserialize_keras_object``: any Keras object to a config dict
and back, by kind (layers and models, optimizers, losses, metrics, initializers, ...).

>>> cfg = serialize_keras_object(lamina.layers.Dense(2))        # doctest: +SKIP
>>> deserialize_keras_object(cfg).units                         # doctest: +SKIP
2
"""

from __future__ import annotations

from lamina import activations, constraints, initializers, losses, metrics, optimizers, regularizers
from lamina.layers.core.lambda_layer import deserialize_function
from lamina.layers.layer import Layer
from lamina.losses.loss import Loss
from lamina.metrics.metric import Metric
from lamina.models.serialization import deserialize_layer, serialize_layer
from lamina.optimizers.optimizer import Optimizer
from lamina.optimizers.schedules import LearningRateSchedule
from lamina.utils import registry

# Public module -> deserializer, for dicts that name their module.
_BY_MODULE = {
    "keras.optimizers": optimizers.deserialize,
    "keras.optimizers.schedules": optimizers.schedules.deserialize,
    "keras.losses": losses.deserialize,
    "keras.metrics": metrics.deserialize,
    "keras.initializers": initializers.deserialize,
    "keras.regularizers": regularizers.deserialize,
    "keras.constraints": constraints.deserialize,
    "keras.activations": activations.deserialize,
}


def serialize_keras_object(obj):
    """The config of ``obj`` as Keras writes it (``{module, class_name, config, ...}``)."""
    if obj is None or isinstance(obj, (str, int, float, bool)):
        return obj
    if isinstance(obj, (list, tuple)):
        return [serialize_keras_object(v) for v in obj]
    if isinstance(obj, dict):
        return {k: serialize_keras_object(v) for k, v in obj.items()}
    if isinstance(obj, Layer):
        return serialize_layer(obj)
    if isinstance(obj, Optimizer):
        return optimizers.serialize(obj)
    if isinstance(obj, LearningRateSchedule):
        return optimizers.schedules.serialize(obj)
    if isinstance(obj, Loss):
        return losses.serialize(obj)
    if isinstance(obj, Metric):
        return metrics.serialize(obj)
    if hasattr(obj, "get_config"):
        return registry.serialize_object(obj, type(obj).__module__.replace("lamina", "keras", 1))
    if callable(obj):
        registered = registry.GLOBAL_CUSTOM_NAMES.get(obj)
        name = registered or getattr(obj, "__name__", None)
        module = type(obj).__module__ if registered else obj.__module__.replace("lamina", "keras", 1)
        return {"module": None if registered else module, "class_name": "function",
                "config": name, "registered_name": registered or name}
    raise TypeError(f"Cannot serialize {obj!r} of type {type(obj).__name__}")


def deserialize_keras_object(config, custom_objects=None, safe_mode=True, **kwargs):
    """Rebuild an object from ``serialize_keras_object``'s output (or a registered name)."""
    if config is None or isinstance(config, (int, float, bool)):
        return config
    if isinstance(config, str):
        obj = registry.get_registered_object(config, custom_objects)
        return obj if obj is not None else config
    if isinstance(config, list):
        return [deserialize_keras_object(v, custom_objects, safe_mode) for v in config]
    if not isinstance(config, dict) or "class_name" not in config:
        if isinstance(config, dict):
            return {k: deserialize_keras_object(v, custom_objects, safe_mode)
                    for k, v in config.items()}
        raise TypeError(f"Could not deserialize {config!r}")
    with registry.safe_mode_scope(safe_mode), registry.custom_object_scope(custom_objects or {}):
        class_name = config["class_name"]
        if not isinstance(class_name, str):
            raise TypeError(f"Could not deserialize {config!r}: class_name is not a string")
        if class_name == "__lambda__":  # bytecode: refused in safe mode
            return deserialize_function(config, custom_objects)
        if class_name == "function":
            name = config.get("registered_name") or config.get("config")
            obj = registry.get_registered_object(name, custom_objects)
            if obj is not None:
                return obj
            for deserialize in (activations.deserialize, losses.deserialize, metrics.deserialize):
                try:
                    return deserialize(config.get("config"))
                except (ValueError, TypeError):
                    continue
            raise ValueError(f"Unknown function {name!r}; pass it in custom_objects.")
        module = config.get("module") or ""
        if module in _BY_MODULE and ">" not in (config.get("registered_name") or ""):
            return _BY_MODULE[module](config, custom_objects)
        name = config.get("registered_name") or class_name
        obj = registry.get_registered_object(name, custom_objects)
        if obj is not None and not (isinstance(obj, type) and issubclass(obj, Layer)):
            if isinstance(obj, type):
                return obj.from_config(config.get("config") or {}) \
                    if hasattr(obj, "from_config") else obj(**(config.get("config") or {}))
            return obj
        return deserialize_layer(config, custom_objects)
