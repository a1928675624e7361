"""Hashing: strings or integers to ``num_bins`` buckets with TensorFlow's hash, without TF."""

from __future__ import annotations

import numpy as np

from lamina.backend import core as backend
from lamina.layers.layer import Layer
from lamina.layers.preprocessing import categorical, string_hash
from lamina.layers.preprocessing.adapt_data import is_string_array, to_numpy
from lamina.ops.symbolic import is_symbolic

_MODES = ("int", "one_hot", "multi_hot", "count")


class Hashing(Layer):
    """Hash each value to a bin in ``[0, num_bins)``: FarmHash Fingerprint64 modulo the bins,
    or with ``salt`` SipHash keyed by the salt, as Keras-with-TensorFlow does
    (``tf.strings.to_hash_bucket_fast`` / ``_strong``). Integers hash as their decimal
    strings and floats are truncated to integers first. With ``mask_value``, that value goes
    to bin 0 and the others to ``1 + hash % (num_bins - 1)``. Needs ``pyfarmhash``.

    >>> import numpy as np, lamina
    >>> layer = lamina.layers.Hashing(num_bins=3)
    >>> lamina.ops.convert_to_numpy(layer(np.array([["A"], ["B"], ["C"]]))).tolist()
    [[1], [0], [1]]
    """

    _takes_strings = True  # Input(dtype="string") feeds it host string arrays

    def __init__(self, num_bins: int, mask_value=None, salt=None, output_mode: str = "int",
                 sparse: bool = False, **kwargs):
        if kwargs.get("dtype") is None:
            kwargs["dtype"] = "int64" if output_mode == "int" else "float32"
        super().__init__(**kwargs)
        if num_bins is None or num_bins <= 0:
            raise ValueError("Hashing: `num_bins` cannot be None or non-positive. "
                             f"Received: num_bins={num_bins}")
        if output_mode not in _MODES:
            raise ValueError(f"Hashing: `output_mode` must be one of {_MODES}. "
                             f"Received: output_mode={output_mode!r}")
        if output_mode == "int" and self.dtype not in ("int32", "int64"):
            raise ValueError("Hashing: when output_mode='int', `dtype` must be 'int32' or "
                             f"'int64'. Received: dtype={kwargs['dtype']!r}")
        if sparse:
            raise ValueError("Hashing: `sparse=True` is not supported (dense outputs only); "
                             "use sparse=False.")
        self.num_bins = int(num_bins)
        self.mask_value = mask_value
        self.output_mode = output_mode
        self.sparse = False
        self.strong_hash = salt is not None
        self.salt = None
        if salt is not None:
            if isinstance(salt, (tuple, list)) and len(salt) == 2:
                self.salt = [int(s) for s in salt]
            elif isinstance(salt, int):
                self.salt = [salt, salt]
            else:
                raise ValueError("Hashing: `salt` must be an integer or a pair of integers. "
                                 f"Received: salt={salt!r}")
        self.built = True

    def __call__(self, inputs, *args, **kwargs):
        if not is_symbolic(inputs) and not backend.is_tensor(inputs):
            return self.call(inputs)  # host data (strings): no engine tensor can hold them
        return super().__call__(inputs, *args, **kwargs)

    def hash_bins(self, values: np.ndarray) -> np.ndarray:
        """The bin (int64) of every value of ``values``."""
        bins = self.num_bins
        mask = None
        if self.mask_value is not None and bins > 1:
            bins -= 1
            mask = values == self.mask_value
        if not is_string_array(values):
            if values.dtype.kind == "f":
                values = values.astype(np.int64)
            values = values.astype(np.int64) if values.dtype.kind in "iu" else values
        if self.strong_hash:
            out = string_hash.hash_bucket_strong(values, bins, self.salt)
        else:
            out = string_hash.hash_bucket_fast(values, bins)
        if mask is not None:
            out = np.where(mask, 0, out + 1)
        return out

    def call(self, inputs):
        values = to_numpy(inputs, "Hashing")
        if self.output_mode == "one_hot" and values.ndim and values.shape[-1] == 1:
            values = values.reshape(values.shape[:-1])
        ids = self.hash_bins(values)
        if self.output_mode == "int":
            return backend.convert_to_tensor(ids.astype(self.dtype))
        if self.output_mode == "one_hot":
            out = np.eye(self.num_bins, dtype=self.compute_dtype)[ids]
        else:
            out = categorical.encode(ids, self.output_mode, self.num_bins, self.compute_dtype,
                                     layer="Hashing")
        return backend.convert_to_tensor(out)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if self.output_mode == "int":
            return input_shape
        if not input_shape:
            return (self.num_bins,)
        return input_shape[:-1] + (self.num_bins,)

    def get_config(self):
        cfg = super().get_config()
        cfg.update({"num_bins": self.num_bins, "salt": self.salt,
                    "mask_value": self.mask_value, "output_mode": self.output_mode,
                    "sparse": False})
        return cfg
