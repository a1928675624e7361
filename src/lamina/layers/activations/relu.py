"""ReLU: the rectified linear unit as a layer, with Keras 3's leak, cap and threshold."""

from __future__ import annotations

from lamina import activations
from lamina.layers.layer import Layer


class ReLU(Layer):
    """``max(x, 0)``, optionally capped at ``max_value`` and leaking below ``threshold``.

    >>> import lamina
    >>> lamina.layers.ReLU(max_value=6.0)(lamina.ops.convert_to_tensor([-1.0, 3.0, 9.0])).tolist()
    [0.0, 3.0, 6.0]
    """

    supports_masking = True

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        if max_value is not None and max_value < 0.0:
            raise ValueError(f"ReLU: `max_value` cannot be negative, got max_value={max_value}")
        if negative_slope is None or negative_slope < 0.0:
            raise ValueError(
                f"ReLU: `negative_slope` must be a float >= 0, got negative_slope={negative_slope}"
            )
        if threshold is None or threshold < 0.0:
            raise ValueError(f"ReLU: `threshold` must be a float >= 0, got threshold={threshold}")
        self.max_value = max_value
        self.negative_slope = negative_slope
        self.threshold = threshold
        self.built = True

    def call(self, inputs):
        return activations.relu(inputs, negative_slope=self.negative_slope,
                                max_value=self.max_value, threshold=self.threshold)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        cfg = super().get_config()
        cfg.update({"max_value": self.max_value, "negative_slope": self.negative_slope,
                    "threshold": self.threshold})
        return cfg
