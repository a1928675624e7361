"""The shared part of the adaptive pooling layers: a fixed output grid, whatever the input size.

Bins follow the engine's adaptive pooling (Keras 3 on torch uses torch's): output cell ``i`` of
an axis of length ``n`` pooled to ``m`` covers ``[floor(i*n/m), ceil((i+1)*n/m))``, so bins
may overlap when ``m`` does not divide ``n``.
"""

from __future__ import annotations

from lamina import config
from lamina.ops import kernels as ops  # the training path: no conversion
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer

_AXES = {1: "(length,)", 2: "(height, width)", 3: "(depth, height, width)"}


class BaseAdaptivePooling(Layer):
    """Pool to ``output_size`` cells per spatial axis; subclasses set ``rank`` and ``mode``."""

    rank = 2
    mode = "average"

    def __init__(self, output_size, data_format: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.output_size = self._normalize_size(output_size)
        self.data_format = data_format or config.image_data_format()
        if self.data_format not in ("channels_first", "channels_last"):
            raise ValueError(
                f"{type(self).__name__}: invalid data_format: {self.data_format!r}. Expected "
                "'channels_first' or 'channels_last'.")
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def _normalize_size(self, size):
        name = type(self).__name__
        if isinstance(size, int) and not isinstance(size, bool):
            size = (size,) * self.rank
        elif isinstance(size, (tuple, list)) and len(size) == self.rank:
            size = tuple(size)
        else:
            raise TypeError(
                f"{name}: `output_size` must be an integer or a {_AXES[self.rank]} tuple. "
                f"Received: {size!r} of type {type(size).__name__}")
        if not all(isinstance(s, int) and not isinstance(s, bool) and s > 0 for s in size):
            raise ValueError(f"{name}: `output_size` must hold positive integers, got {size!r}")
        return size

    def call(self, inputs):
        pool = ops.adaptive_max_pool if self.mode == "max" else ops.adaptive_average_pool
        return pool(inputs, output_size=self.output_size, data_format=self.data_format)

    def compute_output_shape(self, input_shape):
        if self.data_format == "channels_last":
            return (input_shape[0], *self.output_size, input_shape[-1])
        return (input_shape[0], input_shape[1], *self.output_size)

    def get_config(self):
        cfg = super().get_config()
        cfg.update({"output_size": self.output_size, "data_format": self.data_format})
        return cfg

    @classmethod
    def from_config(cls, config):
        return cls(**config)
