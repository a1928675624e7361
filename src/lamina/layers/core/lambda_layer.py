"""Lambda: wrap a Python function as a layer."""

from __future__ import annotations

import base64
import marshal
import types

from lamina.layers.layer import Layer
from lamina.utils import registry


class Lambda(Layer):
    """Applies ``function(inputs, **arguments)``.

    A lambda's code is saved in the model file; loading it back runs code, so it is refused
    unless the loader is told ``safe_mode=False``.

    >>> import lamina
    >>> lamina.layers.Lambda(lambda x: x * 2)(lamina.ops.ones((1, 2))).sum().item()
    4.0
    """

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        if not callable(function):
            raise TypeError(f"Lambda: `function` must be callable, got {function!r}")
        self.function = function
        self._output_shape = output_shape
        self.mask = mask
        self.arguments = dict(arguments or {})
        self.built = True

    def call(self, inputs, mask=None):
        return self.function(inputs, **self.arguments)

    def compute_mask(self, inputs, mask=None):
        if callable(self.mask):
            return self.mask(inputs, mask)
        return self.mask

    def compute_output_shape(self, input_shape):
        if self._output_shape is None:
            raise NotImplementedError
        if callable(self._output_shape):
            return tuple(self._output_shape(input_shape))
        first = input_shape
        while isinstance(first, (list, tuple)) and first and isinstance(first[0], (list, tuple)):
            first = first[0]  # several inputs: the batch size is the first input's
        return (first[0] if first else None,) + tuple(self._output_shape)

    def get_config(self):
        cfg = super().get_config()
        cfg.update({
            "function": serialize_function(self.function),
            "arguments": self.arguments,
            "output_shape": list(self._output_shape) if isinstance(self._output_shape, (tuple, list))
            else self._output_shape,
        })
        return cfg

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        config["function"] = deserialize_function(config.get("function"), custom_objects)
        for key in ("output_shape", "mask"):  # Keras saves these functions the same way
            if isinstance(config.get(key), dict):
                config[key] = deserialize_function(config[key], custom_objects)
        return cls(**config)


def serialize_function(fn):
    """A named function by name; a lambda's bytecode as Keras' ``__lambda__`` marker."""
    if getattr(fn, "__name__", "<lambda>") != "<lambda>" and fn.__code__.co_freevars == ():
        return {
            "module": getattr(fn, "__module__", None),
            "class_name": "function",
            "config": registry.get_registered_name(fn),
            "registered_name": "function",
        }
    code = base64.b64encode(marshal.dumps(fn.__code__)).decode("ascii")
    return {
        "class_name": "__lambda__",
        "config": {"code": code, "defaults": fn.__defaults__, "closure": None},
    }


def deserialize_function(config, custom_objects=None):
    """The function a Lambda's config names: a registered or custom object looked up by name
    (never imported), or a lambda's bytecode, loaded only outside safe mode."""
    if callable(config):
        return config
    if isinstance(config, str):  # Keras 2: "function": "name", "function_type": "function"
        config = {"class_name": "function", "config": config}
    if not isinstance(config, dict):
        raise ValueError(f"Lambda: cannot interpret the function configuration {config!r}")
    if config.get("class_name") == "function":
        name = config.get("config")
        fn = registry.get_registered_object(name, custom_objects) if isinstance(name, str) \
            else None
        if fn is None:
            raise ValueError(
                f"Could not find the function {name!r} for a Lambda layer: pass it in "
                "custom_objects= or register it with @register_keras_serializable()."
            )
        return fn
    if config.get("class_name") == "__lambda__":
        if registry.in_safe_mode():
            raise ValueError(
                "Loading a Lambda layer runs Python code stored in the file, which is refused "
                "in safe mode. If you trust the file, load it with safe_mode=False."
            )
        inner = config["config"]  # the user trusts this file (safe_mode=False): code runs
        if "value" in inner:  # Keras' serialize_keras_object form: (code, defaults, closure)
            inner = dict(zip(("code", "defaults", "closure"), inner["value"]))
        code = marshal.loads(base64.b64decode(inner["code"]))
        defaults = tuple(inner["defaults"]) if inner.get("defaults") else None
        return types.FunctionType(code, globals(), None, defaults)
    raise ValueError(f"Lambda: cannot interpret the function configuration {config!r}")
