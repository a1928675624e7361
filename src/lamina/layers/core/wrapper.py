"""Wrapper: the base class of layers that hold one other layer and change how it runs."""

from __future__ import annotations

from lamina.layers.layer import Layer
from lamina.layers.recurrent._common import deserialize_layer, serialize_layer


class Wrapper(Layer):
    """Holds ``layer`` (as ``self.layer``), builds it on first use and saves it in its config
    under ``"layer"``. Subclass it and write ``call``; it is not meant to be used alone.

    >>> import lamina
    >>> class Doubled(lamina.layers.Wrapper):
    ...     def call(self, x):
    ...         return 2 * self.layer(x)
    >>> tuple(Doubled(lamina.layers.Dense(3))(lamina.ops.ones((2, 4))).shape)
    (2, 3)
    """

    def __init__(self, layer, **kwargs):
        if isinstance(layer, dict):
            layer = deserialize_layer(layer)
        if not isinstance(layer, Layer):
            raise ValueError(
                f"Layer {layer!r} supplied to {type(self).__name__} isn't a supported layer "
                "type. Please ensure wrapped layer is a valid Keras layer.")
        super().__init__(**kwargs)
        self.layer = layer

    def build(self, input_shape=None):
        if not self.layer.built:
            self.layer.build(input_shape)
            self.layer.built = True
            self.layer._build_shapes = input_shape
        self.built = True

    def compute_output_shape(self, input_shape):
        return self.layer.compute_output_shape(input_shape)

    def get_config(self):
        cfg = super().get_config()
        cfg["layer"] = serialize_layer(self.layer)
        return cfg

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        layer = deserialize_layer(config.pop("layer"), custom_objects)
        return cls(layer, **config)
