"""Rescaling: ``inputs * scale + offset``, e.g. pixels from [0, 255] to [0, 1]."""

from __future__ import annotations

import numbers

from lamina import config
from lamina.backend import core as backend
from lamina.backend import ops
from lamina.layers.layer import Layer


def _check_number_or_list(value, name):
    if isinstance(value, numbers.Number) and not isinstance(value, bool):
        return value
    if hasattr(value, "tolist"):  # NumPy arrays and scalars
        value = value.tolist()
    if isinstance(value, (list, tuple)) and value and all(
            isinstance(v, numbers.Number) and not isinstance(v, bool) for v in value):
        return list(value)
    raise ValueError(f"Rescaling: `{name}` must be a number or a list of numbers (one per "
                     f"channel); received {name}={value!r}")


class Rescaling(Layer):
    """Multiplies by ``scale`` and adds ``offset`` (in training and inference alike).

    ``scale`` and ``offset`` may be lists, one value per channel. Integer inputs come out in
    the layer's float dtype.

    >>> import numpy as np, lamina
    >>> lamina.layers.Rescaling(1.0 / 255)(np.array([[0, 255]], "uint8")).tolist()
    [[0.0, 1.0]]
    """

    supports_masking = True

    def __init__(self, scale, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        self.scale = _check_number_or_list(scale, "scale")
        self.offset = _check_number_or_list(offset, "offset")
        self._constants = None
        self.built = True

    def _scale_offset(self, dtype):
        # converted once per dtype: a Python list per call would cost a host->device copy
        if self._constants is None or self._constants[0] != dtype:
            scale = backend.convert_to_tensor(self.scale, dtype)
            offset = backend.convert_to_tensor(self.offset, dtype)
            if config.image_data_format() == "channels_first":
                # per-channel values broadcast over (channels, height, width)
                scale = ops.reshape(scale, tuple(scale.shape) + (1,) * (3 - scale.ndim)) \
                    if scale.ndim else scale
                offset = ops.reshape(offset, tuple(offset.shape) + (1,) * (3 - offset.ndim)) \
                    if offset.ndim else offset
            self._constants = (dtype, scale, offset)
        return self._constants[1], self._constants[2]

    def call(self, inputs):
        dtype = self.compute_dtype
        scale, offset = self._scale_offset(dtype)
        return backend.cast(inputs, dtype) * scale + offset

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        cfg = super().get_config()
        cfg.update({"scale": self.scale, "offset": self.offset})
        return cfg
