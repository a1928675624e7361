"""Make a saved config readable by this lamina: drop constructor keys it does not know.

Newer Keras adds keys (``quantization_config`` on Dense, ...); a reader must ignore them and
keep the defaults for keys that are missing. Layers still refuse unknown keyword arguments
when a user writes them, so the filtering happens here, on the way in from a file.

>>> entry = {"class_name": "Dense", "config": {"units": 2, "a_future_keras_key": None}}
>>> clean_layer_entry(entry)["config"]
{'units': 2}
"""

from __future__ import annotations

import inspect

from lamina.layers.layer import _BASE_ARGS, Layer
from lamina.models.serialization import find_layer_class

# Config keys that hold nested layer entries (wrappers, RNN cells, models).
_NESTED_KEYS = ("layer", "layers", "backward_layer", "forward_layer", "cell", "cells")


def accepted_keys(cls) -> set | None:
    """The keyword arguments ``cls(**config)`` takes, or None if it takes any."""
    keys = set()
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is None:
            continue
        if klass is Layer:
            return keys | _BASE_ARGS | {"activity_regularizer", "trainable", "dtype", "autocast",
                                        "name"}
        try:
            params = inspect.signature(init).parameters.values()
        except (TypeError, ValueError):
            return None
        keys.update(p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY))
        if not any(p.kind == p.VAR_KEYWORD for p in params):
            return keys
    return None


def clean_layer_entry(entry, custom_objects=None):
    """A copy of a serialized layer/model entry with unknown constructor keys removed."""
    if not isinstance(entry, dict) or not isinstance(entry.get("config"), dict):
        return entry
    try:
        cls = find_layer_class(entry, custom_objects)
    except ValueError:
        return entry  # unknown class: deserialization will say so, with the class name
    config = dict(entry["config"])
    for key in _NESTED_KEYS:
        value = config.get(key)
        if isinstance(value, list):
            config[key] = [clean_layer_entry(v, custom_objects) for v in value]
        elif isinstance(value, dict):
            config[key] = clean_layer_entry(value, custom_objects)
    if isinstance(cls, type) and issubclass(cls, Layer) \
            and getattr(cls.from_config, "__func__", None) is Layer.from_config.__func__:
        keys = accepted_keys(cls)
        if keys is not None:
            config = {k: v for k, v in config.items() if k in keys}
    return {**entry, "config": config}
