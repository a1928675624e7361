"""Model: a Layer that can be trained (compile/fit/evaluate/predict) and saved.

``Model(inputs, outputs)`` makes a functional model; subclassing ``Model`` and writing
``call`` makes a subclassed one.

>>> import lamina
>>> class TwoLayer(lamina.Model):
...     def __init__(self):
...         super().__init__()
...         self.hidden = lamina.layers.Dense(8, activation="relu")
...         self.out = lamina.layers.Dense(1)
...     def call(self, x):
...         return self.out(self.hidden(x))
>>> tuple(TwoLayer()(lamina.ops.ones((2, 3))).shape)
(2, 1)
"""

from __future__ import annotations

from lamina.layers.layer import Layer, current_path
from lamina.training.trainer import Trainer
from lamina.utils import registry

# Filled by lamina.saving (a floor above): "save_model", "save_weights", "load_weights".
SAVING_HOOKS: dict = {}


def _saving_hook(name):
    hook = SAVING_HOOKS.get(name)
    if hook is None:
        raise RuntimeError(f"{name} needs lamina.saving; import lamina (not only lamina.models)")
    return hook


def _is_functional_call(args, kwargs):
    return len(args) == 2 or "inputs" in kwargs and "outputs" in kwargs or (
        len(args) == 1 and "outputs" in kwargs
    )


def _inject_functional(cls, functional):
    """``cls`` with ``Model`` replaced by ``functional`` in its bases, all the way up (Keras'
    ``inject_functional_model_class``)."""
    if cls is Model:
        return functional
    if cls is object or not issubclass(cls, Model) or issubclass(cls, functional):
        return cls
    cls.__bases__ = tuple(_inject_functional(base, functional) for base in cls.__bases__)
    return cls


class Model(Trainer, Layer):
    """The Keras Model: layers plus the training loop."""

    def __new__(cls, *args, **kwargs):
        if cls is Model and _is_functional_call(args, kwargs):
            from lamina.models.functional import Functional

            return Functional.__new__(Functional)
        return super().__new__(cls)

    def __init__(self, *args, **kwargs):
        if type(self).__name__ == "Functional" or _is_functional_call(args, kwargs):
            # Model(inputs, outputs) returned a Functional from __new__; Python then calls
            # __init__ here with the same arguments.
            from lamina.models.functional import Functional

            if not isinstance(self, Functional):
                # class CustomModel(Model) built as CustomModel(inputs, outputs): Keras puts
                # Functional into the class's bases, so the graph runs (and trains) and the
                # subclass's own train_step/call overrides still apply
                _inject_functional(type(self), Functional)
                if kwargs.get("name") is None:
                    kwargs["name"] = registry.unique_name(registry.snake_case(type(self).__name__))
            inputs = kwargs.pop("inputs", None) if "inputs" in kwargs else args[0]
            outputs = kwargs.pop("outputs", None) if "outputs" in kwargs else args[1]
            Functional.__init__(self, inputs, outputs, **kwargs)
            return
        trainable = kwargs.pop("trainable", True)
        name = kwargs.pop("name", None)
        dtype = kwargs.pop("dtype", None)
        Layer.__init__(self, name=name or registry.unique_name(
            registry.snake_case(type(self).__name__)), trainable=trainable, dtype=dtype, **kwargs)
        Trainer.__init__(self)

    @property
    def layers(self):
        return self._sublayers()

    def get_layer(self, name=None, index=None):
        """The layer called ``name``, or at position ``index`` in ``layers``."""
        if index is not None and name is not None:
            raise ValueError(
                "Provide only a layer name or a layer index. Received: "
                f"index={index}, name={name}."
            )
        if index is not None:
            layers = self.layers
            if len(layers) <= index:
                raise ValueError(
                    f"Was asked to retrieve layer at index {index} but model only has "
                    f"{len(layers)} layers."
                )
            return layers[index]  # a too negative index raises IndexError, as in Keras
        if name is not None:
            for layer in self.layers:
                if layer.name == name:
                    return layer
            raise ValueError(
                f"No such layer: {name}. Existing layers are: {[l.name for l in self.layers]}."
            )
        raise ValueError("Provide either a layer name or layer index at `get_layer`.")

    def quantize(self, mode=None, config=None, filters=None, **kwargs):
        """Quantize the weights of every layer that can be (Dense, Embedding) to ``"int8"``,
        as Keras 3 does: int8 weights with per-channel scales, kept in ``.keras`` files.

        ``filters`` (a regex on layer names, a list of them, or a callable) picks the layers.
        Keras' other modes ("int4", "float8", "gptq", "awq") are refused.

        >>> import lamina
        >>> model = lamina.Sequential([lamina.Input((4,)), lamina.layers.Dense(3)])
        >>> model.quantize("int8")
        >>> model.layers[0].quantization_mode, str(model.layers[0].kernel.dtype)
        ('int8', 'torch.int8')
        """
        import re
        import warnings

        type_check = kwargs.pop("type_check", True)
        if kwargs:
            raise ValueError(f"Unrecognized keyword arguments passed to "
                             f"{type(self).__name__}: {kwargs}")
        if filters is not None and not isinstance(filters, (str, list, tuple)) \
                and not callable(filters):
            raise ValueError("The `filters` argument must be a regex string, a list of regex "
                             f"strings, or a callable. Received: {type(filters)}")
        if not self.built:
            raise ValueError(f"Model '{self.name}' must be built before quantize(): call it on "
                             "data or give it an Input first.")

        def wanted(layer):
            if filters is None:
                return True
            if isinstance(filters, str):
                return bool(re.search(filters, layer.name))
            if isinstance(filters, (list, tuple)):
                return any(re.search(p, layer.name) for p in filters)
            return bool(filters(layer))

        for layer in self._all_layers():
            if layer is self or list(layer._sublayers()) or not wanted(layer):
                continue
            method = getattr(type(layer), "quantize", None)
            if method is None:
                continue
            try:
                layer.quantize(mode, type_check=type_check, config=config)
            except NotImplementedError as e:
                if mode not in (None, "int8") or (config is not None
                                                  and config.mode not in (None, "int8")):
                    raise
                warnings.warn(str(e), stacklevel=2)

    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False,
                show_trainable=False, layer_range=None):
        """Print Keras' table of layers, output shapes and parameter counts."""
        from lamina.models.summary import print_summary

        print_summary(self, line_length=line_length, positions=positions, print_fn=print_fn,
                      expand_nested=expand_nested, show_trainable=show_trainable,
                      layer_range=layer_range)

    def to_json(self, **kwargs) -> str:
        """The model's architecture as Keras' JSON."""
        import json

        from lamina.models.serialization import serialize_model

        return json.dumps(serialize_model(self), **kwargs)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """Rebuild a model; a functional config (layers + input/output refs) makes a graph."""
        if "layers" in config and "input_layers" in config and "output_layers" in config:
            from lamina.models.functional import Functional
            from lamina.models.functional_config import functional_from_config

            target = cls if issubclass(cls, Functional) else Functional
            return functional_from_config(target, config, custom_objects)
        return cls(**config)

    def save(self, filepath, overwrite=True, **kwargs):
        """Save the model (architecture, weights, compile and optimizer state) to a file.

        ``.keras`` writes Keras 3's zip format; ``.h5`` the Keras 2 legacy format.
        """
        return _saving_hook("save_model")(self, filepath, overwrite=overwrite, **kwargs)

    def save_weights(self, filepath, overwrite=True, **kwargs):
        """Save the weights to a ``.weights.h5`` file in Keras' layout."""
        return _saving_hook("save_weights")(self, filepath, overwrite=overwrite, **kwargs)

    def load_weights(self, filepath, skip_mismatch=False, **kwargs):
        """Load weights saved by ``save_weights`` (or a Keras 2 ``.h5`` file)."""
        return _saving_hook("load_weights")(self, filepath, skip_mismatch=skip_mismatch, **kwargs)

    def export(self, filepath, format="tf_saved_model", verbose=None, input_signature=None,
               **kwargs):
        """Write the inference forward pass for serving without lamina (see ``lamina.export``).

        ``format="onnx"`` writes an ONNX file (``opset_version=`` optional); ``format="torch"``
        a ``torch.export`` ``.pt2`` program (other keyword arguments go to
        ``torch.export.export``). Keras' default ``"tf_saved_model"`` needs TensorFlow and is
        refused with a message naming the formats lamina writes.
        """
        hook = SAVING_HOOKS.get("export")
        if hook is None:
            raise RuntimeError("export needs lamina.export; import lamina (not only lamina.models)")
        return hook(self, filepath, format=format, verbose=verbose,
                    input_signature=input_signature, **kwargs)

    def build(self, input_shape=None):
        self.built = True

    def build_from_config(self, config):
        """Rebuild from ``get_build_config()``: a subclassed model without its own ``build``
        runs ``call`` on symbolic inputs of the saved shape, so its layers exist (as Keras)."""
        if not config or "input_shape" not in config or self.built \
                or type(self).build is not Model.build:
            return Layer.build_from_config(self, config)
        from lamina import config as lamina_config
        from lamina import tree
        from lamina.ops.symbolic import SymbolicTensor

        shape = config["input_shape"]
        inputs = tree.map_shape_structure(
            lambda s: SymbolicTensor(tuple(s), lamina_config.floatx()), shape)
        try:
            with self._open_name_scope():
                self._path = current_path()
                self.call(inputs)
        except Exception as e:  # as Keras: the model stays unbuilt, with a warning
            import warnings

            warnings.warn(
                f"Model '{self.name}' had a build config, but the model cannot be built "
                f"automatically in `build_from_config(config)` ({type(e).__name__}: {e}). "
                "Implement `build()` or `build_from_config()`.", stacklevel=2)
            return
        self.built = True
        self._build_shapes = shape

    def reset_states(self):
        for layer in self.layers:
            if hasattr(layer, "reset_states"):
                layer.reset_states()
