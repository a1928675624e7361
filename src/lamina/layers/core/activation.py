"""Activation: apply an activation function as a layer."""

from __future__ import annotations

from lamina import activations
from lamina.layers.layer import Layer


class Activation(Layer):
    """Applies ``activation`` (a name or a function) to its input.

    >>> import lamina
    >>> lamina.layers.Activation("relu")(lamina.ops.ones((2, 2)) * -1).sum().item()
    0.0
    """

    supports_masking = True

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)

    def call(self, inputs):
        return self.activation(inputs)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        cfg = super().get_config()
        cfg["activation"] = activations.serialize(self.activation)
        return cfg
