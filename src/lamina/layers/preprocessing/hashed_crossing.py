"""HashedCrossing: the hashed cross of two or more categorical features (TF's cross_hashed)."""

from __future__ import annotations

import numpy as np

from lamina.backend import core as backend
from lamina.layers.layer import Layer
from lamina.layers.preprocessing import string_hash
from lamina.layers.preprocessing.adapt_data import as_str_array, is_string_array, to_numpy
from lamina.ops.symbolic import is_symbolic


class HashedCrossing(Layer):
    """Cross features row by row and hash the combination into ``num_bins`` bins.

    The hash is TensorFlow's ``tf.sparse.cross_hashed`` (FarmHash fingerprints of strings,
    integers by value, folded with ``FingerprintCat64``), so bins are the ones Keras-with-TF
    gives. Inputs: two or more integer or string features of shape ``()``, ``(batch,)`` or
    ``(batch, 1)``. Needs ``pyfarmhash``.

    >>> import numpy as np, lamina
    >>> layer = lamina.layers.HashedCrossing(num_bins=5)
    >>> cross = layer((np.array([1, 2, 3, 4]), np.array(["A", "B", "A", "C"])))
    >>> lamina.ops.convert_to_numpy(cross).tolist()
    [2, 3, 1, 0]
    """

    _takes_strings = True  # Input(dtype="string") feeds it host string arrays

    def __init__(self, num_bins: int, output_mode: str = "int", sparse: bool = False,
                 name: str | None = None, dtype=None, **kwargs):
        if output_mode == "int" and dtype is None:
            dtype = "int64"
        super().__init__(name=name, dtype=dtype, **kwargs)
        if sparse:
            raise ValueError("HashedCrossing: `sparse=True` is not supported (dense outputs "
                             "only); use sparse=False.")
        if output_mode not in ("int", "one_hot"):
            raise ValueError("HashedCrossing: `output_mode` must be 'int' or 'one_hot'. "
                             f"Received: output_mode={output_mode!r}")
        if not isinstance(num_bins, int) or isinstance(num_bins, bool) or num_bins <= 0:
            raise ValueError(f"HashedCrossing: `num_bins` must be a positive integer. "
                             f"Received: num_bins={num_bins!r}")
        self.num_bins = num_bins
        self.output_mode = output_mode
        self.sparse = False
        self.built = True

    def __call__(self, inputs, *args, **kwargs):
        if isinstance(inputs, (list, tuple)) and not any(
                is_symbolic(x) for x in inputs) and not all(backend.is_tensor(x) for x in inputs):
            return self.call(inputs)  # host data (strings): no engine tensor can hold them
        return super().__call__(inputs, *args, **kwargs)

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) < 2:
            raise ValueError("HashedCrossing should be called on a list or tuple of at least "
                             f"two inputs. Received: {type(inputs).__name__}")
        arrays = [to_numpy(x, "HashedCrossing") for x in inputs]
        shape = arrays[0].shape
        if len(shape) > 2 or (len(shape) == 2 and shape[-1] != 1):
            raise ValueError("HashedCrossing: all inputs should have shape (), (batch_size,) "
                             f"or (batch_size, 1). Received shape {shape}")
        if any(a.shape != shape for a in arrays[1:]):
            raise ValueError("HashedCrossing: all inputs should have equal shape. Received "
                             f"shapes {[a.shape for a in arrays]}")
        columns = []
        for a in arrays:
            if is_string_array(a):
                columns.append(as_str_array(a).reshape(-1).tolist())
            elif a.dtype.kind in "iub":
                columns.append(a.astype(np.int64).reshape(-1).tolist())
            else:
                raise ValueError("HashedCrossing: all inputs should have an integer or string "
                                 f"dtype. Received dtype {a.dtype}")
        ids = string_hash.cross_hashed(columns, self.num_bins).reshape(shape)
        if self.output_mode == "int":
            return backend.convert_to_tensor(ids.astype(self.dtype))
        if len(shape) == 2:
            ids = ids.reshape(shape[0])
        return backend.convert_to_tensor(np.eye(self.num_bins, dtype=self.compute_dtype)[ids])

    def compute_output_shape(self, input_shape):
        first = tuple(input_shape[0])
        if self.output_mode == "int":
            return first
        if not first:
            return (self.num_bins,)
        if first[-1] != 1:
            return first + (self.num_bins,)
        return first[:-1] + (self.num_bins,)

    def get_config(self):
        return {"num_bins": self.num_bins, "output_mode": self.output_mode, "sparse": False,
                "name": self.name, "dtype": self.dtype_policy}
