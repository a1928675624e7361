"""IntegerLookup: integer tokens to vocabulary indices (or encodings), and back with ``invert``."""

from __future__ import annotations

import numpy as np

from lamina.backend import core as backend
from lamina.layers.preprocessing.index_lookup import IndexLookup


class IntegerLookup(IndexLookup):
    """Map integer tokens (ids, codes, years...) to contiguous indices, as Keras' IntegerLookup.

    The OOV token is ``-1`` and, with ``mask_token`` set (e.g. 0), the mask takes index 0 in
    ``"int"`` mode. With several OOV indices unknown values go to ``value % num_oov_indices``
    (``oov_method="floormod"``) or to a FarmHash bucket (``"farmhash"``). Works on NumPy arrays,
    lists and engine tensors, in a model too.

    >>> import lamina
    >>> layer = lamina.layers.IntegerLookup(vocabulary=[12, 36, 1138])
    >>> lamina.ops.convert_to_numpy(layer([[12, 1138], [42, 36]])).tolist()
    [[1, 3], [0, 2]]
    """

    _token_kind = "integer"

    def __init__(self, max_tokens: int | None = None, num_oov_indices: int = 1,
                 mask_token: int | None = None, oov_token: int = -1, vocabulary=None,
                 vocabulary_dtype: str = "int64", idf_weights=None, invert: bool = False,
                 output_mode: str = "int", sparse: bool = False, pad_to_max_tokens: bool = False,
                 oov_method: str = "floormod", salt=None, name: str | None = None, **kwargs):
        if vocabulary_dtype != "int64":
            raise ValueError("IntegerLookup: only `vocabulary_dtype='int64'` is supported. "
                             f"Received: vocabulary_dtype={vocabulary_dtype}")
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices,
                         mask_token=None if mask_token is None else int(mask_token),
                         oov_token=None if oov_token is None else int(oov_token),
                         vocabulary=vocabulary, idf_weights=idf_weights, invert=invert,
                         output_mode=output_mode, sparse=sparse,
                         pad_to_max_tokens=pad_to_max_tokens, oov_method=oov_method, salt=salt,
                         name=name, **kwargs)

    def _normalize_tokens(self, values):
        values = np.asarray(values)
        if values.dtype.kind not in "iub":
            if values.dtype.kind == "f" and values.size and np.all(values == np.round(values)):
                return values.astype(np.int64)
            if values.dtype.kind == "O" and all(isinstance(v, (int, np.integer))
                                                 for v in values.reshape(-1).tolist()):
                return values.astype(np.int64)
            raise TypeError(
                f"IntegerLookup '{self.name}' expects integer tokens; received an array of "
                f"dtype {values.dtype}. Use StringLookup for strings."
            )
        return values.astype(np.int64)

    def _invert_output(self, tokens):
        return backend.convert_to_tensor(tokens.astype(np.int64))

    def _tokens_from_text(self, lines):
        return [int(line) for line in lines]

    def get_config(self):
        cfg = super().get_config()
        cfg["vocabulary_dtype"] = "int64"
        if cfg["vocabulary"] is not None:
            cfg["vocabulary"] = [int(v) for v in cfg["vocabulary"]]
        return cfg
