"""StringLookup: strings to vocabulary indices (or encodings), and back with ``invert``."""

from __future__ import annotations

import numpy as np

from lamina.layers.preprocessing.adapt_data import as_str_array
from lamina.layers.preprocessing.index_lookup import IndexLookup


class StringLookup(IndexLookup):
    """Map strings to integer indices from a vocabulary given or learned with ``adapt``.

    Index 0 is the mask token when ``mask_token`` is set (in ``"int"`` mode), then come
    ``num_oov_indices`` indices for unknown strings (``"[UNK]"``), then the vocabulary.
    Runs without TensorFlow on NumPy arrays or lists of ``str``/``bytes`` and gives the indices
    Keras-with-TensorFlow gives, as an int64 engine tensor (float32 for ``multi_hot``, ``count``,
    ``one_hot``, ``tf_idf``). ``invert=True`` gives a NumPy array of strings.

    >>> import lamina
    >>> layer = lamina.layers.StringLookup(vocabulary=["a", "b", "c"])
    >>> lamina.ops.convert_to_numpy(layer([["a", "c"], ["x", "b"]])).tolist()
    [[1, 3], [0, 2]]
    """

    _token_kind = "string"
    _takes_strings = True  # Input(dtype="string") feeds it host string arrays

    def __init__(self, max_tokens: int | None = None, num_oov_indices: int = 1,
                 mask_token: str | None = None, oov_token: str = "[UNK]", vocabulary=None,
                 idf_weights=None, invert: bool = False, output_mode: str = "int",
                 pad_to_max_tokens: bool = False, sparse: bool = False,
                 encoding: str = "utf-8", name: str | None = None, salt=None, **kwargs):
        self.encoding = encoding
        if isinstance(mask_token, bytes):
            mask_token = mask_token.decode(encoding)
        if isinstance(oov_token, bytes):
            oov_token = oov_token.decode(encoding)
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices,
                         mask_token=mask_token, oov_token=oov_token, vocabulary=vocabulary,
                         idf_weights=idf_weights, invert=invert, output_mode=output_mode,
                         sparse=sparse, pad_to_max_tokens=pad_to_max_tokens, salt=salt,
                         name=name, **kwargs)

    def _normalize_tokens(self, values):
        values = np.asarray(values)
        if values.dtype.kind not in "USO":
            raise TypeError(
                f"StringLookup '{self.name}' expects strings (str or bytes); received an array "
                f"of dtype {values.dtype}. Use IntegerLookup for integer tokens."
            )
        return as_str_array(values, self.encoding)

    def _token_sort_key(self, token):
        return token.encode("utf-8")  # TensorFlow compares strings as bytes

    def get_config(self):
        cfg = super().get_config()
        cfg["encoding"] = self.encoding
        return cfg
