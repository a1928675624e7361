"""Reshape: give the non-batch dimensions a new shape."""

from __future__ import annotations

import math

from lamina.ops import kernels as ops  # the training path: no conversion
from lamina.layers.layer import Layer


class Reshape(Layer):
    """Reshapes each sample to ``target_shape`` (one entry may be -1).

    >>> import lamina
    >>> tuple(lamina.layers.Reshape((3, 4))(lamina.ops.ones((2, 12))).shape)
    (2, 3, 4)
    """

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        self.target_shape = tuple(int(d) for d in target_shape)
        if sum(1 for d in self.target_shape if d == -1) > 1:
            raise ValueError(f"Reshape: at most one -1 in target_shape, got {self.target_shape}")
        self.built = True

    def _resolve(self, input_shape):
        if -1 not in self.target_shape:
            known = math.prod(self.target_shape)
            size = math.prod(input_shape[1:]) if None not in input_shape[1:] else None
            if size is not None and size != known:
                raise ValueError(
                    f"Layer '{self.name}' (Reshape) cannot reshape input of shape "
                    f"{tuple(input_shape)} ({size} values per sample) to {self.target_shape} "
                    f"({known} values)"
                )
            return self.target_shape
        if None in input_shape[1:]:
            return tuple(None if d == -1 else d for d in self.target_shape)
        size = math.prod(input_shape[1:])
        known = -math.prod(self.target_shape)
        if size % known:
            raise ValueError(
                f"Layer '{self.name}' (Reshape) cannot reshape input of shape "
                f"{tuple(input_shape)} to {self.target_shape}"
            )
        return tuple(size // known if d == -1 else d for d in self.target_shape)

    def call(self, inputs):
        return ops.reshape(inputs, (inputs.shape[0],) + self.target_shape)

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + self._resolve(tuple(input_shape))

    def get_config(self):
        cfg = super().get_config()
        cfg["target_shape"] = list(self.target_shape)
        return cfg
