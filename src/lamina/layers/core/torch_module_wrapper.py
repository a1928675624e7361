"""TorchModuleWrapper: any ``torch.nn.Module`` as a layer, its parameters lamina variables."""

from __future__ import annotations

from lamina import backend as _backend
from lamina.layers.layer import Layer
from lamina.utils import registry

# the layer is torch-only; the code that touches torch lives in the backend
if _backend.backend() == "torch":
    from lamina.backend.torch import module_wrapper as _engine
else:  # pragma: no cover - no other engine yet
    _engine = None


def _module_spec(module, module_config, layer_name):
    """What the config records of a module: its class name (registered name) and the
    arguments that rebuild it; never the module object itself."""
    cls = type(module)
    if module_config is None and hasattr(module, "get_config"):
        module_config = module.get_config()
    if module_config is None:
        raise ValueError(
            f"TorchModuleWrapper '{layer_name}': cannot describe the torch module of class "
            f"{cls.__name__} in a config (lamina saves configs and weights, never pickled "
            "objects). Give the arguments that rebuild it, TorchModuleWrapper(module, "
            "module_config={...}), or give the class a get_config() method; then register the "
            "class with @register_keras_serializable() or pass it in custom_objects= to load.")
    return {"class_name": cls.__name__, "registered_name": registry.GLOBAL_CUSTOM_NAMES.get(cls),
            "config": dict(module_config)}


def _rebuild_module(spec, custom_objects=None):
    if isinstance(spec, str):
        raise ValueError(
            "TorchModuleWrapper: this config holds a pickled torch module (Keras 3's format); "
            "lamina never unpickles. Rebuild the model in code and load its weights, or save "
            "it from lamina with a registered module class.")
    if not isinstance(spec, dict) or "class_name" not in spec:
        raise ValueError(f"TorchModuleWrapper: cannot read the module description {spec!r}")
    cls = None
    for key in (spec.get("registered_name"), spec["class_name"]):
        if key and cls is None:
            cls = registry.get_registered_object(key, custom_objects)
    if cls is None:
        raise ValueError(
            f"TorchModuleWrapper: unknown torch module class {spec['class_name']!r}. Register "
            "it with @register_keras_serializable() or pass "
            f"custom_objects={{'{spec['class_name']}': {spec['class_name']}}} to load_model.")
    if not _engine.is_module_class(cls):
        raise TypeError(f"TorchModuleWrapper: {spec['class_name']!r} is registered as {cls!r}, "
                        "not a torch.nn.Module class.")
    config = dict(spec.get("config") or {})
    module = cls.from_config(config) if hasattr(cls, "from_config") else cls(**config)
    return module, config


class TorchModuleWrapper(Layer):
    """Wraps a ``torch.nn.Module`` (torch backend only): its parameters become the layer's
    weights (``trainable_weights``, ``count_params``, optimizers, saving), in the module's own
    order; ``fit`` trains them; ``training=False`` calls run the module in eval mode.

    Unlike Keras 3, which pickles the module into its config, a lamina file holds the module's
    class name and constructor arguments (``module_config=``, or the module's ``get_config()``)
    plus its ``state_dict`` as weights; loading rebuilds the class found among registered
    objects or ``custom_objects``.

    >>> import lamina, torch
    >>> layer = lamina.layers.TorchModuleWrapper(torch.nn.Linear(4, 2))
    >>> layer.count_params()
    10
    """

    def __init__(self, module, name: str | None = None, output_shape=None,
                 module_config: dict | None = None, custom_objects=None, **kwargs):
        if _engine is None:
            raise RuntimeError("TorchModuleWrapper needs the torch backend.")
        if isinstance(module, dict):  # the description from_config reads in a file
            module, module_config = _rebuild_module(module, custom_objects)
        if not _engine.is_module(module):
            raise TypeError(f"TorchModuleWrapper: `module` must be a torch.nn.Module, got "
                            f"{type(module).__name__}")
        if module_config is not None and not isinstance(module_config, dict):
            raise TypeError("TorchModuleWrapper: `module_config` must be a dict of the module's "
                            f"constructor arguments, got {module_config!r}")
        super().__init__(name=name, **kwargs)
        self.module = module
        self.module_config = module_config
        self.output_shape_override = None if output_shape is None else tuple(output_shape)
        for var in _engine.adopt(module, self.name):
            # the module owns (and registers) the parameter; the layer lists it as its weight
            var._lamina_created_trainable = var.trainable
            self._own_variables.append(var)
        self.built = True

    def build(self, input_shape=None):
        self.built = True

    def call(self, *args, training=None, **kwargs):
        _engine.set_mode(self.module, training is not False)
        return self.module(*args, **kwargs)

    def compute_output_shape(self, input_shape):
        if self.output_shape_override is None:
            raise NotImplementedError  # found by running the module on shape-only tensors
        return self.output_shape_override

    # Weights are the module's state_dict, keyed as torch names them (buffers included), as
    # Keras writes them.
    def save_own_variables(self, store):
        for key, value in _engine.state_arrays(self.module).items():
            store[key] = value

    def load_own_variables(self, store):
        arrays = {(k.decode() if isinstance(k, bytes) else k): store[k] for k in store}
        _engine.load_state_arrays(self.module, arrays, f"Layer '{self.name}' (TorchModuleWrapper)")

    def get_config(self):
        cfg = super().get_config()
        cfg.update({
            "module": _module_spec(self.module, self.module_config, self.name),
            "output_shape": self.output_shape_override,
        })
        return cfg

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        if isinstance(config.get("module"), str):
            _rebuild_module(config["module"])  # Keras' pickled module: refused, with the reason
        return cls(**config, custom_objects=custom_objects)
