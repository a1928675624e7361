"""``LossFunctionWrapper`` (a ``Loss`` around a per-sample function), the base of the built-in
loss classes, function configs, and the ``get`` rule losses and metrics share.

Keras writes a plain function into a config as
``{"module": "builtins", "class_name": "function", "config": NAME, "registered_name": "function"}``;
``serialize_function`` / ``deserialize_function`` read and write that form.

>>> from lamina import losses
>>> mse = LossFunctionWrapper(losses.mean_squared_error, name="mse")
>>> float(mse([[1.0, 3.0]], [[0.0, 0.0]]))
5.0
"""

from __future__ import annotations

import inspect

from lamina.losses.loss import Loss, squeeze_or_expand_to_same_rank
from lamina.utils import registry


class LossFunctionWrapper(Loss):
    """A ``Loss`` whose ``call`` is ``fn(y_true, y_pred, **kwargs)``.

    Before calling ``fn``, ``y_true`` and ``y_pred`` are brought to the same rank when they
    differ by a trailing 1-sized axis (e.g. labels ``(n,)`` with predictions ``(n, 1)``).

    >>> def squared(y_true, y_pred):
    ...     return (y_true - y_pred) ** 2
    >>> LossFunctionWrapper(squared, reduction="sum")([1.0, 2.0], [0.0, 0.0])
    tensor(5.)
    """

    def __init__(self, fn, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true, y_pred):
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self) -> dict:
        config = super().get_config()
        config["fn"] = serialize_function(self.fn)
        config.update(self._fn_kwargs)
        return config

    @classmethod
    def from_config(cls, config: dict):
        config = dict(config)
        if isinstance(config.get("fn"), (dict, str)):
            from lamina.losses import ALL_OBJECTS_DICT  # the package table; loaded by now

            config["fn"] = deserialize_function(config["fn"], ALL_OBJECTS_DICT)
        return cls(**config)

    def __repr__(self):
        return f"<LossFunctionWrapper({self.fn}, kwargs={self._fn_kwargs})>"


class _BuiltinLoss(LossFunctionWrapper):
    """A loss class over a fixed function, configured like any Keras class: by its arguments.

    The arguments named in ``_config_keys`` become attributes and follow ``name`` and
    ``reduction`` in the config; as in Keras, some arguments reach the function but not the
    config.
    """

    _config_keys: tuple[str, ...] = ()

    def __init__(self, fn, reduction, name, dtype, **kwargs):
        super().__init__(fn, reduction=reduction, name=name, dtype=dtype, **kwargs)
        for key in self._config_keys:
            setattr(self, key, kwargs[key])

    def get_config(self) -> dict:
        config = {"name": self.name, "reduction": self.reduction}
        config.update((key, getattr(self, key)) for key in self._config_keys)
        return config


def serialize_function(fn):
    """Keras' config dict for a plain function, or the object's own config dict."""
    if hasattr(fn, "get_config"):
        return registry.serialize_object(fn, type(fn).__module__)
    registered = registry.GLOBAL_CUSTOM_NAMES.get(fn)
    return {
        "module": "builtins" if registered is None else fn.__module__,
        "class_name": "function",
        "config": fn.__name__,
        "registered_name": registered or "function",
    }


def deserialize_function(config, module_objects: dict, custom_objects=None):
    """The function named by a function config dict (or a bare name)."""
    if isinstance(config, str):
        name, registered = config, None
    else:
        name = config.get("config")
        registered = config.get("registered_name")
        if registered == "function":
            registered = None
    fn = None
    for key in (registered, name):
        if key and fn is None:
            fn = registry.get_registered_object(key, custom_objects, module_objects)
    if fn is None:
        raise ValueError(
            f"Unknown function {name!r}. If it is a custom function, pass it in "
            "custom_objects= or register it with @register_keras_serializable()."
        )
    return fn


def get_object(identifier, objects: dict, deserialize, kind: str, kinds: str, note: str = ""):
    """``losses.get`` / ``metrics.get``: the object a name or config dict names, a new instance
    of a class, or a callable itself; ``kind`` / ``kinds`` and ``note`` word the errors.

    >>> from lamina import losses
    >>> get_object("mse", losses.ALL_OBJECTS_DICT, losses.deserialize, "loss", "losses")
    <function mean_squared_error at ...>
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        obj = registry.get_registered_object(identifier, None, objects)
        if obj is None:
            raise ValueError(
                f"Could not interpret {kind} identifier: {identifier!r}. Known {kinds}: "
                f"{', '.join(sorted(objects))}{note}."
            )
    else:
        obj = identifier
    if inspect.isclass(obj):
        obj = obj()
    if not callable(obj):
        # ValueError, not TypeError: what Keras raises, so user code catching it works
        raise ValueError(f"Could not interpret {kind} identifier: {identifier!r}")  # noqa: TRY004
    return obj
