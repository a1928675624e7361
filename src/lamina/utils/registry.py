"""Names for objects: unique layer names, the custom-object registry, and config dicts.

It sits on the lowest floor (it imports nothing from lamina), so activations, initializers,
layers and losses can all serialize themselves; ``lamina.saving`` re-exports the public part.

>>> @register_keras_serializable(package="my_pkg")
... class Scale:
...     def get_config(self):
...         return {}
>>> get_registered_name(Scale)
'my_pkg>Scale'
"""

from __future__ import annotations

import contextlib
import re
import threading

_UIDS: dict[str, int] = {}
GLOBAL_CUSTOM_OBJECTS: dict[str, object] = {}
GLOBAL_CUSTOM_NAMES: dict[object, str] = {}
_SCOPE = threading.local()


def snake_case(name: str) -> str:
    """``'Conv2D'`` -> ``'conv2d'``, ``'GlobalAveragePooling2D'`` -> ``'global_average_pooling2d'``."""
    s = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", s).lower()


def unique_name(prefix: str) -> str:
    """``dense``, then ``dense_1``, ``dense_2``... as Keras names new objects."""
    n = _UIDS.get(prefix, 0)
    _UIDS[prefix] = n + 1
    return prefix if n == 0 else f"{prefix}_{n}"


def reset_uids() -> None:
    _UIDS.clear()


def register_keras_serializable(package: str = "Custom", name: str | None = None):
    """Decorator: register a class or function under ``'package>name'`` for loading."""

    def decorator(obj):
        key = f"{package}>{name or obj.__name__}"
        if hasattr(obj, "get_config") is False and isinstance(obj, type):
            raise ValueError(f"register_keras_serializable: class {obj.__name__} has no get_config()")
        GLOBAL_CUSTOM_OBJECTS[key] = obj
        GLOBAL_CUSTOM_NAMES[obj] = key
        return obj

    return decorator


def get_custom_objects() -> dict:
    """The global registry itself, ``{"package>Name": object}``: what
    ``register_keras_serializable`` fills and loading looks names up in, so
    ``get_custom_objects()["MyLayer"] = MyLayer`` makes a file naming ``MyLayer`` load.

    >>> get_custom_objects() is GLOBAL_CUSTOM_OBJECTS
    True
    """
    return GLOBAL_CUSTOM_OBJECTS


def get_registered_name(obj) -> str:
    """The registered name of a class or function, else its own name."""
    return GLOBAL_CUSTOM_NAMES.get(obj, getattr(obj, "__name__", type(obj).__name__))


def _scopes():
    if not hasattr(_SCOPE, "stack"):
        _SCOPE.stack = []
    return _SCOPE.stack


@contextlib.contextmanager
def custom_object_scope(*dicts):
    """Make ``{name: object}`` entries visible to deserialization inside the block."""
    merged = {}
    for d in dicts:
        merged.update(d or {})
    _scopes().append(merged)
    try:
        yield
    finally:
        _scopes().pop()


class CustomObjectScope:
    """Class form of :func:`custom_object_scope` (``with CustomObjectScope({...}):``)."""

    def __init__(self, *dicts):
        self._cm = custom_object_scope(*dicts)

    def __enter__(self):
        return self._cm.__enter__()

    def __exit__(self, *exc):
        return self._cm.__exit__(*exc)


def get_registered_object(name: str, custom_objects=None, module_objects=None):
    """Look ``name`` up in custom_objects, active scopes, the global registry, then the module.

    Only ever a dictionary lookup: a name from a file is never imported or walked.
    """
    if not isinstance(name, str):
        return None
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    for scope in reversed(_scopes()):
        if name in scope:
            return scope[name]
    if name in GLOBAL_CUSTOM_OBJECTS:
        return GLOBAL_CUSTOM_OBJECTS[name]
    if module_objects and name in module_objects:
        return module_objects[name]
    return None


def serialize_object(obj, module: str) -> dict:
    """Keras' dict form ``{module, class_name, config, registered_name}`` of an object."""
    if obj is None:
        return None
    if not hasattr(obj, "get_config") and callable(obj) and hasattr(obj, "__name__"):
        # a plain function (kernel_initializer=my_init, kernel_constraint=my_fn): Keras'
        # form names it, and loading finds it in custom_objects by that name
        return {
            "module": getattr(obj, "__module__", None),
            "class_name": "function",
            "config": obj.__name__,
            "registered_name": GLOBAL_CUSTOM_NAMES.get(obj, obj.__name__),
        }
    cls = type(obj)
    registered = GLOBAL_CUSTOM_NAMES.get(cls)
    return {
        "module": None if registered else module,
        "class_name": cls.__name__,
        "config": obj.get_config(),
        "registered_name": registered,
    }


def deserialize_object(config, module_objects: dict, custom_objects=None, kind="object"):
    """Build an object from a Keras config dict or a class name string."""
    if isinstance(config, str):
        cls = get_registered_object(config, custom_objects, module_objects)
        if cls is None:
            raise ValueError(f"Unknown {kind}: {config!r}. Known: {', '.join(sorted(module_objects))}")
        return cls() if isinstance(cls, type) else cls
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"Could not interpret {kind} configuration: {config!r}")
    name = config.get("registered_name") or config["class_name"]
    cls = get_registered_object(name, custom_objects, module_objects)
    if cls is None:
        cls = get_registered_object(config["class_name"], custom_objects, module_objects)
    if cls is None:
        raise ValueError(
            f"Unknown {kind}: {config['class_name']!r}. If it is a custom {kind}, pass it in "
            "custom_objects= or register it with @register_keras_serializable()."
        )
    inner = config.get("config", {})
    if not isinstance(cls, type):
        return cls
    if hasattr(cls, "from_config"):
        return cls.from_config(inner)
    return cls(**inner)


# -- safe mode: code-carrying configs (lambdas) load only when it is off ------------------------

_SAFE = threading.local()


# Set by keras.config.enable_unsafe_deserialization(): safe mode is off everywhere, in every
# thread, whatever a loader asks for (as in Keras, where the global setting wins).
UNSAFE_EVERYWHERE = False


def in_safe_mode() -> bool:
    if UNSAFE_EVERYWHERE:
        return False
    return getattr(_SAFE, "value", True)


@contextlib.contextmanager
def safe_mode_scope(value: bool):
    """Inside the block, loading code from a file is allowed only if ``value`` is False."""
    old = in_safe_mode()
    _SAFE.value = bool(value)
    try:
        yield
    finally:
        _SAFE.value = old
