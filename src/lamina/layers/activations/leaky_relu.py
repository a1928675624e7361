"""LeakyReLU: ``x`` for ``x >= 0``, ``negative_slope * x`` below."""

from __future__ import annotations

import warnings

from lamina import activations
from lamina.layers.layer import Layer


class LeakyReLU(Layer):
    """Leaky rectified linear unit; Keras 3's default slope is 0.3.

    Keras 2's ``alpha=`` is still accepted (with a warning), as Keras 3 accepts it.

    >>> import lamina
    >>> lamina.layers.LeakyReLU(0.5)(lamina.ops.convert_to_tensor([-2.0, 2.0])).tolist()
    [-1.0, 2.0]
    """

    supports_masking = True

    def __init__(self, negative_slope=0.3, **kwargs):
        if "alpha" in kwargs:
            warnings.warn("LeakyReLU(alpha=...) is deprecated: use negative_slope=...",
                          stacklevel=2)
            negative_slope = kwargs.pop("alpha")
        super().__init__(**kwargs)
        if negative_slope is None or negative_slope < 0:
            raise ValueError(
                "LeakyReLU: `negative_slope` must be a float >= 0, "
                f"got negative_slope={negative_slope}"
            )
        self.negative_slope = negative_slope
        self.built = True

    def call(self, inputs):
        return activations.leaky_relu(inputs, negative_slope=self.negative_slope)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        cfg = super().get_config()
        cfg["negative_slope"] = self.negative_slope
        return cfg
