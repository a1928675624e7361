"""Sequential: a plain stack of layers, each with one input and one output."""

from __future__ import annotations

from lamina.layers.input_layer import InputLayer
from lamina.layers.layer import Layer, current_path
from lamina.models.functional import adjust_input_ranks
from lamina.models.model import Model
from lamina.ops.symbolic import SymbolicTensor
from lamina.training.trainer import Trainer
from lamina.utils import registry


class Sequential(Model):
    """A linear stack of layers.

    The input shape comes from an ``Input``/``InputLayer`` first layer, from
    ``input_shape=``/``input_dim=``/``batch_input_shape=`` on the first layer, or else from the
    first data the model sees.

    >>> import lamina
    >>> model = lamina.Sequential([lamina.layers.Dense(8, input_shape=(4,)), lamina.layers.Dense(1)])
    >>> model.output_shape
    (None, 1)
    """

    def __init__(self, layers=None, trainable=True, name=None, **kwargs):
        Layer.__init__(self, name=name or registry.unique_name("sequential"),
                       trainable=trainable, **kwargs)
        Trainer.__init__(self)
        self._stack = []
        self._input_layer = None
        self._graph_output = None
        for layer in layers or []:
            self.add(layer)

    # -- building the stack ---------------------------------------------------------------

    def add(self, layer, rebuild=True):
        """Append a layer (or an ``Input`` tensor) to the stack."""
        if isinstance(layer, SymbolicTensor):
            history = layer._history
            if history is None or not isinstance(history[0], InputLayer):
                raise ValueError("Sequential.add: a tensor can only be added if it comes from Input()")
            layer = history[0]
        if not isinstance(layer, Layer):
            raise TypeError(
                f"Sequential.add: expected a Layer instance, got {layer!r} of type "
                f"{type(layer).__name__}"
            )
        if isinstance(layer, InputLayer):
            if self._input_layer is not None or self._stack:
                raise ValueError(
                    "Sequential: an InputLayer can only be the first layer of the model"
                )
            self._input_layer = layer
            self._modules["input_layer"] = layer
            self._graph_output = layer.output
            self._sync_shapes()
            return
        # the same layer may come twice (Keras: its weights are shared, listed once)
        if any(l.name == layer.name and l is not layer for l in self._stack):
            raise ValueError(
                f"Sequential: all layers must have unique names; '{layer.name}' is used twice"
            )
        if not self._stack and self._input_layer is None:
            shape = getattr(layer, "_batch_input_shape", None)
            if shape is None and isinstance(layer, Model):
                shape = _single_input_shape(layer)  # Keras builds on a model's input shape
            if shape is not None:
                self._input_layer = InputLayer(batch_shape=shape, dtype=None)
                self._modules["input_layer"] = self._input_layer
                self._graph_output = self._input_layer.output
        self._stack.append(layer)
        self._modules[f"layer_{len(self._stack) - 1}"] = layer
        if self._graph_output is not None:
            with self._open_name_scope():  # Keras rebuilds in the model's scope
                self._path = current_path()
                self._graph_output = layer(self._graph_output)
            self._sync_shapes()

    def pop(self, rebuild=True):
        """Remove and return the last layer."""
        if not self._stack:
            raise IndexError("Sequential.pop: there are no layers in the model")
        layer = self._stack.pop()
        del self._modules[f"layer_{len(self._stack)}"]
        if self._input_layer is not None:
            out = self._input_layer.output
            with self._open_name_scope():
                self._path = current_path()
                for l in self._stack:
                    out = l(out)
            self._graph_output = out
            self._sync_shapes()
        return layer

    def _sync_shapes(self):
        self.built = self._input_layer is not None and all(l.built for l in self._stack)
        if self._input_layer is not None:
            self._build_shapes = self._input_layer.batch_shape

    def build(self, input_shape=None):
        """Build every layer for inputs of ``input_shape`` (batch dimension included)."""
        if input_shape is None:
            if self._input_layer is None:
                raise ValueError(
                    f"Sequential model '{self.name}' cannot be built: its input shape is unknown. "
                    "Add an Input(shape=...) first, pass input_shape= to the first layer, or "
                    "call the model on data."
                )
            return
        if self._input_layer is None:
            shape = tuple(input_shape)
            self._input_layer = InputLayer(batch_shape=(None,) + shape[1:])
            self._modules["input_layer"] = self._input_layer
            out = self._input_layer.output
            for layer in self._stack:
                out = layer(out)
            self._graph_output = out
        self._sync_shapes()
        self.built = True

    def _build_for(self, inputs):
        self.build(tuple(inputs.shape))

    # -- running ------------------------------------------------------------------------------

    def _adjust_ranks(self, flat):
        shape = self._input_layer.batch_shape if self._input_layer is not None else None
        if shape is None:
            return flat
        return adjust_input_ranks(((len(shape), shape[-1] if shape else None),), flat)

    def call(self, inputs, training=None, mask=None):
        x = self._adjust_ranks((inputs,))[0]  # Keras' rank rule, as a functional model has
        for layer in self._stack:
            x = layer(x)
        return x

    @property
    def layers(self):
        return list(self._stack)

    @property
    def _takes_strings(self):
        # a stack that starts with StringLookup/TextVectorization/... takes string inputs
        return bool(self._stack) and self._stack[0]._takes_strings

    @property
    def inputs(self):
        if self._input_layer is None:  # Keras raises until the model knows its input shape
            raise AttributeError(f"Sequential model '{self.name}' has no defined inputs yet.")
        return [self._input_layer.output]

    @property
    def outputs(self):
        if self._graph_output is None:
            raise AttributeError(f"Sequential model '{self.name}' has no defined outputs yet.")
        return [self._graph_output]

    @property
    def input(self):
        self._require_graph("input")
        return self._input_layer.output

    @property
    def output(self):
        self._require_graph("output")
        return self._graph_output

    @property
    def input_shape(self):
        self._require_graph("input_shape")
        return self._input_layer.batch_shape

    @property
    def output_shape(self):
        self._require_graph("output_shape")
        return self._graph_output.shape

    def _require_graph(self, what):
        if self._input_layer is None:
            raise AttributeError(
                f"Sequential model '{self.name}' has no {what} yet: it is built when it knows "
                "its input shape."
            )

    def compute_output_shape(self, input_shape):
        shape = tuple(input_shape)
        for layer in self._stack:
            shape = layer.compute_output_shape(shape)
        return shape

    def get_config(self):
        from lamina.models.serialization import serialize_layer

        layers = []
        if self._input_layer is not None:
            layers.append(serialize_layer(self._input_layer))
        layers += [serialize_layer(l) for l in self._stack]
        cfg = {
            "name": self.name,
            "trainable": self.trainable,
            "dtype": Layer.get_config(self)["dtype"],
            "layers": layers,
        }
        if self._input_layer is not None:
            cfg["build_input_shape"] = list(self._input_layer.batch_shape)
        return cfg

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from lamina.models.serialization import deserialize_layer

        model = cls(name=config.get("name"), trainable=config.get("trainable", True))
        for layer_cfg in config["layers"]:
            model.add(deserialize_layer(layer_cfg, custom_objects))
        if not model.built and config.get("build_input_shape"):
            model.build(tuple(config["build_input_shape"]))
        return model


def _single_input_shape(model):
    """A first-layer model's input shape, when it has exactly one known input."""
    try:
        shape = model.input_shape
    except (AttributeError, ValueError):
        return None
    if isinstance(shape, list) or shape is None:
        return None
    return tuple(shape)
