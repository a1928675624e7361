"""Identity: returns its input unchanged."""

from __future__ import annotations

from lamina.layers.layer import Layer


class Identity(Layer):
    """A placeholder layer that returns its input.

    >>> import lamina
    >>> tuple(lamina.layers.Identity()(lamina.ops.ones((1, 2))).shape)
    (1, 2)
    """

    supports_masking = True

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape
