"""Helpers shared by the recurrent layers: nested-layer configs and dropout masks on cells."""

from __future__ import annotations

from lamina import activations, constraints, initializers, regularizers
from lamina.backend import rnn as backend_rnn
from lamina.layers.layer import Layer
from lamina.utils import registry

_MODULES = {"Functional": "keras.src.models.functional", "Sequential": "keras",
            "Model": "keras"}


def serialize_layer(layer) -> dict:
    """A nested layer's config as Keras writes it inside an RNN/Bidirectional/TimeDistributed."""
    cls = type(layer)
    registered = registry.GLOBAL_CUSTOM_NAMES.get(cls)
    name = getattr(cls, "_keras_class_name", None) or cls.__name__
    out = {
        "module": None if registered else _MODULES.get(name, "keras.layers"),
        "class_name": name,
        "config": layer.get_config(),
        "registered_name": registered,
    }
    build = layer.get_build_config() if hasattr(layer, "get_build_config") else None
    if build is not None:
        out["build_config"] = build
    return out


def deserialize_layer(config, custom_objects=None):
    """Build a layer (or cell) from ``serialize_layer``'s output; layers already built pass."""
    if not isinstance(config, dict):
        return config
    from lamina import layers as layers_pkg  # the family index sits above this module

    name = config.get("registered_name") or config.get("class_name")
    cls = registry.get_registered_object(name, custom_objects) if name else None
    if cls is None:
        cls = layers_pkg.get_builtin_layer(config.get("class_name"))
    if cls is None:
        raise ValueError(
            f"Unknown layer class {config.get('class_name')!r}: pass it in custom_objects= or "
            "register it with @register_keras_serializable()."
        )
    inner = dict(config.get("config") or {})
    with registry.custom_object_scope(custom_objects or {}):
        try:
            layer = cls.from_config(inner, custom_objects=custom_objects)
        except TypeError:
            layer = cls.from_config(inner)
    build = config.get("build_config")
    if build and isinstance(layer, Layer) and not layer.built:
        layer.build_from_config(build)
    return layer


class DropoutRNNCell:
    """Mixin: a cell's dropout masks, drawn once per sequence (Keras' ``DropoutRNNCell``)."""

    _dropout_mask = None
    _recurrent_dropout_mask = None
    dropout_mask_count = None

    def _create_dropout_mask(self, step_input, rate):
        if self.dropout_mask_count is None:
            return backend_rnn.input_dropout_mask(step_input, rate)
        return [backend_rnn.input_dropout_mask(step_input, rate)
                for _ in range(self.dropout_mask_count)]

    def get_dropout_mask(self, step_input):
        if self._dropout_mask is None and self.dropout > 0:
            self._dropout_mask = self._create_dropout_mask(step_input, self.dropout)
        return self._dropout_mask

    def get_recurrent_dropout_mask(self, step_input):
        if self._recurrent_dropout_mask is None and self.recurrent_dropout > 0:
            self._recurrent_dropout_mask = self._create_dropout_mask(
                step_input, self.recurrent_dropout)
        return self._recurrent_dropout_mask

    def reset_dropout_mask(self):
        self._dropout_mask = None

    def reset_recurrent_dropout_mask(self):
        self._recurrent_dropout_mask = None


def check_units(cls_name, units):
    if isinstance(units, bool) or not hasattr(units, "__index__") or int(units) <= 0:
        raise ValueError(
            f"{cls_name}: `units` must be a positive integer, got {units!r}"
        )
    return int(units)


def check_rate(cls_name, arg, value):
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{cls_name}: `{arg}` must be a number in [0, 1], got {value!r}") from None
    return min(1.0, max(0.0, value))


def set_cell_arguments(cell, cls_name, **arguments):
    """Store a cell's constructor arguments, each resolved by its kind (the inverse of
    ``builtin_rnn.cell_config``): names, dicts and objects become activations, initializers,
    regularizers and constraints; units and dropout rates are checked."""
    for key, value in arguments.items():
        if key == "units":
            value = check_units(cls_name, value)
        elif key.endswith("dropout"):
            value = check_rate(cls_name, key, value)
        elif key.endswith("activation"):
            value = activations.get(value)
        elif key.endswith("initializer"):
            value = initializers.get(value)
        elif key.endswith("regularizer"):
            value = regularizers.get(value)
        elif key.endswith("constraint"):
            value = constraints.get(value)
        elif key in ("use_bias", "unit_forget_bias", "reset_after"):
            value = bool(value)
        setattr(cell, key, value)
