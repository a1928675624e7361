"""The shared part of Cropping1D/2D/3D."""

from __future__ import annotations

from lamina import config
from lamina.layers.convolutional import arguments as args
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer


class BaseCropping(Layer):
    """Cells removed from the start and end of each spatial axis (a view, no copy)."""

    rank = 2

    def __init__(self, cropping, data_format=None, **kwargs):
        super().__init__(**kwargs)
        owner = type(self).__name__
        self.data_format = config.standardize_data_format(data_format)
        if self.rank == 1:
            self.cropping = args.standardize_tuple(cropping, 2, "cropping", owner, allow_zero=True)
            self._pairs = (self.cropping,)
        else:
            self.cropping = args.standardize_pairs(cropping, self.rank, "cropping", owner)
            self._pairs = self.cropping
        self.input_spec = InputSpec(ndim=self.rank + 2)
        self.built = True

    def call(self, inputs):
        index = [slice(None)] * inputs.ndim
        first = 1 if self.data_format == "channels_last" else 2
        for axis, (lo, hi) in enumerate(self._pairs):
            index[first + axis] = slice(lo, inputs.shape[first + axis] - hi)
        return inputs[tuple(index)]

    def compute_output_shape(self, input_shape):
        dims, channels = args.spatial(input_shape, self.data_format)
        out = []
        for d, (lo, hi) in zip(dims, self._pairs):
            if d is not None and lo + hi >= d:
                raise ValueError(
                    f"Layer '{self.name}' ({type(self).__name__}): cropping={self.cropping} "
                    f"removes all of an axis of the input {tuple(input_shape)}; each axis' "
                    "cropping must sum to less than its size"
                )
            out.append(None if d is None else d - lo - hi)
        return args.assemble(input_shape[0], out, channels, self.data_format)

    def get_config(self):
        cfg = super().get_config()
        cfg["cropping"] = self.cropping
        if self.rank > 1:
            cfg["data_format"] = self.data_format
        return cfg
