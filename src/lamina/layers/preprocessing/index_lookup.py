"""The vocabulary lookup shared by ``StringLookup``, ``IntegerLookup`` and ``TextVectorization``.

Index assignment is Keras': the mask token (if any, in ``"int"`` mode) at 0, then
``num_oov_indices`` OOV indices, then the vocabulary. ``adapt`` orders tokens by count, high
to low, ties broken by the token, high to low (strings compared as UTF-8 bytes), as Keras'
``np.lexsort((tokens, counts))[::-1]``. Out-of-vocabulary tokens go to the single OOV index,
or with several OOV indices to ``hash % num_oov_indices`` (integers: ``floormod``; strings and
``oov_method="farmhash"``: FarmHash, as TensorFlow's ``to_hash_bucket_fast``).

The lookup runs in NumPy on the host: strings have no engine tensor, and a dictionary lookup
is what TensorFlow's hash table does too. Outputs are engine tensors.
"""

from __future__ import annotations

import collections
import os

import numpy as np

from lamina.backend import core as backend
from lamina.layers.layer import Layer
from lamina.layers.preprocessing import categorical, string_hash
from lamina.layers.preprocessing.adapt_data import is_single_array, iter_batches, to_numpy
from lamina.ops.symbolic import is_symbolic
from lamina.utils import registry

_INT64_MAX = np.iinfo(np.int64).max
VOCABULARY_FILENAME = "vocabulary.txt"


class IndexLookup(Layer):
    """Map tokens to indices (or back with ``invert=True``); base of the lookup layers."""

    _token_kind = "token"  # "string" or "integer", set by the subclasses

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token=None,
                 vocabulary=None, idf_weights=None, invert=False, output_mode="int",
                 sparse=False, pad_to_max_tokens=False, oov_method="floormod", salt=None,
                 **kwargs):
        cls = type(self).__name__
        frozen_size = kwargs.pop("vocabulary_size", None)
        self._has_input_vocabulary = kwargs.pop("has_input_vocabulary", vocabulary is not None)
        kwargs.pop("vocabulary_dtype", None)
        kwargs.pop("dtype", None)  # Keras ignores a dtype here; outputs are int64 or floatx
        super().__init__(**kwargs)
        if max_tokens is not None and max_tokens <= 1:
            raise ValueError(f"{cls}: if set, `max_tokens` must be greater than 1. "
                             f"Received: max_tokens={max_tokens}")
        if pad_to_max_tokens and max_tokens is None:
            raise ValueError(f"{cls}: if pad_to_max_tokens is True, `max_tokens` must be set. "
                             f"Received: max_tokens={max_tokens}")
        if num_oov_indices < 0:
            raise ValueError(f"{cls}: `num_oov_indices` must be >= 0. "
                             f"Received: num_oov_indices={num_oov_indices}")
        if oov_method not in ("floormod", "farmhash"):
            raise ValueError(f"{cls}: `oov_method` must be 'floormod' or 'farmhash'; "
                             f"received oov_method={oov_method!r}")
        output_mode = categorical.check_mode(output_mode, cls)
        if sparse:
            raise ValueError(f"{cls}: `sparse=True` needs TensorFlow's sparse tensors; lamina "
                             "gives dense outputs only (sparse=False).")
        if invert and output_mode != "int":
            raise ValueError(f"{cls}: `output_mode` must be 'int' when `invert` is true. "
                             f"Received: output_mode={output_mode}")
        if idf_weights is not None and output_mode != "tf_idf":
            raise ValueError(f"{cls}: `idf_weights` should only be set if `output_mode` is "
                             f"'tf_idf'. Received: output_mode={output_mode}")
        if salt is not None:
            if self._token_kind == "integer" and oov_method != "farmhash":
                raise ValueError(f"{cls}: `salt` can only be used when "
                                 f"`oov_method='farmhash'`. Received: oov_method={oov_method}")
            if isinstance(salt, (tuple, list)) and len(salt) == 2:
                salt = [int(s) for s in salt]
            elif isinstance(salt, int):
                salt = [salt, salt]
            else:
                raise ValueError(f"{cls}: `salt` must be an integer or a pair of integers. "
                                 f"Received: salt={salt!r}")
        if output_mode == "tf_idf" and self._has_input_vocabulary and idf_weights is None:
            raise ValueError(f"{cls}: with a `vocabulary` in 'tf_idf' output mode, the "
                             "`idf_weights` argument must also be given.")
        self.invert = bool(invert)
        self.max_tokens = max_tokens
        self.num_oov_indices = int(num_oov_indices)
        self.mask_token = mask_token
        self.oov_token = oov_token
        self.output_mode = output_mode
        self.sparse = False
        self.pad_to_max_tokens = bool(pad_to_max_tokens)
        self.oov_method = oov_method
        self.salt = salt
        self._frozen_vocab_size = frozen_size
        self.input_vocabulary = vocabulary if not isinstance(vocabulary, str) else None
        self.input_idf_weights = idf_weights
        self._tokens = []          # the vocabulary without special tokens, in index order
        self._index = {}           # token -> index
        self.idf_weights = None    # NumPy float32 (vocabulary_size or max_tokens,), tf_idf only
        self.reset_state()
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf_weights)
        self.built = True

    # -- tokens -------------------------------------------------------------------------------

    def _normalize_tokens(self, values: np.ndarray) -> np.ndarray:
        """Inputs as the token type the vocabulary holds (subclasses convert)."""
        return values

    def _token_sort_key(self, token):
        return token

    def _oov_start_index(self) -> int:
        return 1 if self.mask_token is not None and self.output_mode == "int" else 0

    def _token_start_index(self) -> int:
        return self._oov_start_index() + self.num_oov_indices

    # -- vocabulary ---------------------------------------------------------------------------

    def vocabulary_size(self) -> int:
        """The number of indices: special tokens plus the vocabulary."""
        return self._token_start_index() + len(self._tokens)

    def get_vocabulary(self, include_special_tokens: bool = True) -> list:
        """The token of each index, in index order (``[mask], [OOV]..., tokens...``)."""
        if not include_special_tokens:
            return list(self._tokens)
        return ([self.mask_token] * self._oov_start_index()
                + [self.oov_token] * self.num_oov_indices + list(self._tokens))

    def set_vocabulary(self, vocabulary, idf_weights=None) -> None:
        """Replace the vocabulary (a list, an array or a text file with one token a line)."""
        cls = type(self).__name__
        if self.output_mode == "tf_idf":
            if idf_weights is None:
                raise ValueError(f"{cls}: `idf_weights` must be set if output_mode is 'tf_idf'.")
        elif idf_weights is not None:
            raise ValueError(f"{cls}: `idf_weights` should only be set if output_mode is "
                             f"'tf_idf'. Received: output_mode={self.output_mode}")
        if isinstance(vocabulary, (str, os.PathLike)):
            self._set_vocabulary_file(os.fspath(vocabulary))
            return
        vocab = to_numpy(vocabulary, cls)
        if vocab.ndim != 1:
            vocab = vocab.reshape(-1)
        if vocab.size == 0:
            raise ValueError(f"{cls}: cannot set an empty vocabulary. "
                             f"Received: vocabulary={vocabulary!r}")
        vocab = list(self._normalize_tokens(vocab).tolist())
        token_start = self._token_start_index()
        special = ([self.mask_token] * self._oov_start_index()
                   + [self.oov_token] * self.num_oov_indices)
        found_special = vocab[:token_start] == special
        tokens = vocab[token_start:] if found_special else vocab
        repeated = [t for t, c in collections.Counter(tokens).items() if c > 1]
        if repeated:
            raise ValueError(f"{cls}: the vocabulary has repeated tokens {repeated}; "
                             "every token must appear once.")
        if self.mask_token is not None and self.mask_token in tokens:
            raise ValueError(
                f"{cls}: found the mask token {self.mask_token!r} at an unexpected place in "
                "`vocabulary`. Leave the mask and OOV tokens out, or put them only at the start "
                f"in exactly this order: {special}."
            )
        if self.invert and self.oov_token is not None and self.oov_token in tokens:
            raise ValueError(
                f"{cls}: found the OOV token {self.oov_token!r} at an unexpected place in "
                "`vocabulary`. Leave the mask and OOV tokens out, or put them only at the start "
                f"in exactly this order: {special}."
            )
        if self.max_tokens is not None and token_start + len(tokens) > self.max_tokens:
            raise ValueError(
                f"{cls}: the vocabulary would have {token_start + len(tokens)} entries, more "
                f"than `max_tokens`={self.max_tokens}."
            )
        self._install(tokens)
        if self.output_mode == "tf_idf":
            idf = np.asarray(to_numpy(idf_weights, cls), dtype=np.float64)
            if idf.ndim != 1:
                raise ValueError(f"{cls}: `idf_weights` must be 1-D; got shape {idf.shape}.")
            if len(idf) != len(vocab):
                raise ValueError(f"{cls}: `idf_weights` must be as long as the vocabulary; "
                                 f"got {len(idf)} weights for {len(vocab)} tokens.")
            front = 0 if found_special else token_start
            front_value = 0.0 if found_special else float(np.average(idf))
            back = (self.max_tokens - front - len(idf)
                    if self.pad_to_max_tokens and self.max_tokens is not None else 0)
            self.idf_weights = np.pad(idf, (front, back), constant_values=(front_value, 0.0)) \
                .astype(np.float32)

    def _set_vocabulary_file(self, path):
        cls = type(self).__name__
        if not os.path.isfile(path):
            raise ValueError(f"{cls}: vocabulary file {path!r} does not exist.")
        if self.output_mode == "tf_idf":
            raise ValueError(f"{cls}: output_mode 'tf_idf' does not support loading a "
                             "vocabulary from a file.")
        with open(path, encoding="utf-8") as f:
            lines = f.read().split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        # as TensorFlow's TextFileInitializer: every line is a token, indices after the
        # special ones
        tokens = list(self._normalize_tokens(np.array(lines, dtype=object)).tolist())
        self._install(tokens)

    def _install(self, tokens):
        start = self._token_start_index()
        self._tokens = list(tokens)
        self._index = {t: start + i for i, t in enumerate(self._tokens)}
        if self.mask_token is not None:  # the mask's index, found by the same single lookup
            self._index[self.mask_token] = 0 if self.output_mode == "int" else _INT64_MAX
        self._record_vocabulary_size()

    def _record_vocabulary_size(self):
        size = self.vocabulary_size()
        if (self.output_mode != "int" and not self.pad_to_max_tokens
                and self._frozen_vocab_size is not None and self._called
                and size != self._frozen_vocab_size):
            raise RuntimeError(
                f"{type(self).__name__}: with output_mode={self.output_mode!r} and "
                "pad_to_max_tokens=False the vocabulary size cannot change after the layer is "
                f"called. Old size {self._frozen_vocab_size}, new size {size}."
            )
        self._frozen_vocab_size = size

    # -- adapt --------------------------------------------------------------------------------

    def reset_state(self) -> None:
        self._called = getattr(self, "_called", False)
        self._token_counts = collections.Counter()
        self._document_counts = collections.Counter()
        self._num_documents = 0

    def adapt(self, data, steps: int | None = None) -> None:
        """Build the vocabulary from ``data``: an array or list of tokens, or batches of them."""
        self.reset_state()
        if is_single_array(data):
            arr = to_numpy(data, type(self).__name__)
            if arr.ndim == 1:
                arr = arr[:, None]  # each element its own document
            self.update_state(arr)
        else:
            for batch in iter_batches(data, steps, type(self).__name__):
                self.update_state(batch)
        self.finalize_state()

    def update_state(self, data) -> None:
        """Count the tokens of one batch (each row a document)."""
        self._count_rows(self._rows(data))

    def _count_rows(self, rows) -> None:
        """Count already-normalized documents (lists of tokens)."""
        if self._has_input_vocabulary:
            raise ValueError(f"Cannot adapt layer '{self.name}' after setting a static "
                             "vocabulary via the `vocabulary` argument.")
        for row in rows:
            self._token_counts.update(row)
        if self.output_mode == "tf_idf":
            for row in rows:
                self._document_counts.update(set(row))
            self._num_documents += len(rows)

    def _rows(self, data):
        """A batch as a list of documents (lists of tokens); ragged lists allowed."""
        if isinstance(data, list) and data and all(isinstance(r, (list, np.ndarray)) for r in data):
            return [list(self._normalize_tokens(np.asarray(r, dtype=object).reshape(-1)).tolist())
                    for r in data]
        arr = to_numpy(data, type(self).__name__)
        if arr.ndim == 0:
            arr = arr.reshape(1)
        if arr.ndim == 1:
            arr = arr[None, :]  # one batch of rank 1 is one document (as Keras)
        arr = self._normalize_tokens(arr.reshape(arr.shape[0], -1))
        return [list(r) for r in arr.tolist()]

    def finalize_state(self) -> None:
        if self._has_input_vocabulary or not self._token_counts:
            self._record_vocabulary_size()
            return
        counts = self._token_counts
        for special in (self.mask_token, self.oov_token):
            if special is not None:
                counts.pop(special, None)
        ordered = sorted(counts, key=lambda t: (counts[t], self._token_sort_key(t)),
                         reverse=True)
        if self.max_tokens:
            ordered = ordered[: self.max_tokens - self._token_start_index()]
        self._install(ordered)
        if self.output_mode == "tf_idf":
            docs = np.array([self._document_counts[t] for t in ordered], dtype=np.float64)
            idf = np.log(1.0 + self._num_documents / (1.0 + docs)).astype(np.float32)
            mean = idf.mean() if idf.size else 0.0
            idf = np.concatenate([np.full(self._token_start_index(), mean, np.float32), idf])
            if self.pad_to_max_tokens and self.max_tokens is not None:
                idf = np.pad(idf, (0, self.max_tokens - idf.size))
            self.idf_weights = idf.astype(np.float32)
        self.reset_state()

    # -- call ---------------------------------------------------------------------------------

    def __call__(self, inputs, *args, **kwargs):
        # host data (strings above all) goes straight to `call`: the base class would try to
        # make an engine tensor of it
        if not is_symbolic(inputs) and not backend.is_tensor(inputs):
            return self.call(inputs)
        return super().__call__(inputs, *args, **kwargs)

    def _depth(self):
        if self.pad_to_max_tokens:
            return self.max_tokens
        if self._frozen_vocab_size is None or (not self._tokens and not self._has_input_vocabulary
                                               and self.output_mode != "int"):
            raise RuntimeError(
                f"{type(self).__name__}: with output_mode={self.output_mode!r} and "
                "pad_to_max_tokens=False the vocabulary must be set before calling the layer: "
                "pass `vocabulary=` or call `adapt()` first."
            )
        return self._frozen_vocab_size

    def lookup_ids(self, tokens: np.ndarray) -> np.ndarray:
        """Indices (int64) of an array of tokens, with mask and OOV rules applied."""
        flat = tokens.reshape(-1).tolist()
        default = self._token_start_index() - self.num_oov_indices if self.num_oov_indices == 1 \
            else -1
        get = self._index.get
        ids = np.fromiter((get(t, default) for t in flat), np.int64, len(flat))
        if self.mask_token is not None and not self._tokens:  # no vocabulary installed yet
            mask_value = 0 if self.output_mode == "int" else _INT64_MAX
            ids[[t == self.mask_token for t in flat]] = mask_value
        if self.num_oov_indices == 0:
            oov = [t for t, i in zip(flat, ids.tolist()) if i == -1]
            if oov:
                raise ValueError(
                    f"{type(self).__name__}: when `num_oov_indices=0` all inputs should be in "
                    f"the vocabulary; found OOV values {oov[:10]}. Consider setting "
                    "`num_oov_indices=1`."
                )
        elif self.num_oov_indices > 1:
            where = np.nonzero(ids == -1)[0]
            if where.size:
                oov = [flat[i] for i in where.tolist()]
                ids[where] = self._hash_oov(oov) + self._oov_start_index()
        return ids.reshape(tokens.shape)

    def _hash_oov(self, oov_tokens) -> np.ndarray:
        n = self.num_oov_indices
        if self._token_kind == "integer" and self.oov_method != "farmhash":
            return np.mod(np.asarray(oov_tokens, np.int64), n)
        if self.salt is not None:
            return string_hash.hash_bucket_strong(oov_tokens, n, self.salt)
        return string_hash.hash_bucket_fast(oov_tokens, n)

    def _inverse(self, ids: np.ndarray) -> np.ndarray:
        vocab = self.get_vocabulary()
        flat = ids.reshape(-1).tolist()
        out = [vocab[i] if 0 <= i < len(vocab) else self.oov_token for i in flat]
        if self.mask_token is not None:
            out = [self.mask_token if i == 0 else t for i, t in zip(flat, out)]
        return np.array(out, dtype=object).reshape(ids.shape)

    def encode_ids(self, ids: np.ndarray):
        """Indices to the layer's output (an engine tensor)."""
        if self.output_mode == "int":
            return backend.convert_to_tensor(ids.astype(np.int64))
        out = categorical.encode(ids, self.output_mode, self._depth(), "float32",
                                 idf_weights=self.idf_weights, layer=type(self).__name__)
        return backend.convert_to_tensor(out)

    def call(self, inputs):
        self._called = True
        arr = to_numpy(inputs, type(self).__name__)
        if self.invert:
            return self._invert_output(self._inverse(arr.astype(np.int64)))
        if self.output_mode != "int":
            self._depth()
        ids = self.lookup_ids(self._normalize_tokens(arr))
        return self.encode_ids(ids)

    def _invert_output(self, tokens):
        return tokens

    def compute_output_shape(self, input_shape):
        if self.output_mode == "int":
            return tuple(input_shape)
        depth = self.max_tokens if self.pad_to_max_tokens else self._frozen_vocab_size
        return categorical.encoded_shape(input_shape, self.output_mode, depth)

    def _output_spec(self, args, kwargs):
        out = super()._output_spec(args, kwargs)
        if self.invert:
            out.dtype = "string" if self._token_kind == "string" else "int64"
        else:
            out.dtype = "int64" if self.output_mode == "int" else "float32"
        return out

    # -- config and saving -----------------------------------------------------------------

    def get_config(self):
        cfg = super().get_config()
        cfg.update({
            "invert": self.invert,
            "max_tokens": self.max_tokens,
            "num_oov_indices": self.num_oov_indices,
            "oov_token": self.oov_token,
            "mask_token": self.mask_token,
            "output_mode": self.output_mode,
            "sparse": False,
            "pad_to_max_tokens": self.pad_to_max_tokens,
            "idf_weights": _listify(self.input_idf_weights),
            "vocabulary": _listify(self.input_vocabulary),
            "vocabulary_size": self._frozen_vocab_size,
            "oov_method": self.oov_method,
            "salt": self.salt,
        })
        return cfg

    @classmethod
    def from_config(cls, config):
        if isinstance(config.get("vocabulary"), str) and registry.in_safe_mode():
            raise ValueError(
                f"{cls.__name__}: the config asks to read the vocabulary file "
                f"{config['vocabulary']!r}, outside the model archive. That can read arbitrary "
                "files, so it is refused in safe mode; pass safe_mode=False if you trust it."
            )
        return cls(**config)

    def get_build_config(self):
        return {}

    def build_from_config(self, config):
        self.built = True

    def save_own_variables(self, store):
        if self.output_mode == "tf_idf" and self.idf_weights is not None:
            store["idf_weights"] = np.asarray(self.idf_weights, np.float32)

    def load_own_variables(self, store):
        if self.output_mode == "tf_idf" and "idf_weights" in store:
            self.idf_weights = np.asarray(store["idf_weights"], np.float32)

    def save_assets(self, dir_path):
        """Write the adapted vocabulary as ``vocabulary.txt`` (Keras' asset, one token a line)."""
        if self.input_vocabulary is not None:
            return
        with open(os.path.join(dir_path, VOCABULARY_FILENAME), "w", encoding="utf-8") as f:
            f.write("\n".join(str(t) for t in self.get_vocabulary(include_special_tokens=True)))

    def load_assets(self, dir_path):
        """Read the vocabulary Keras or lamina stored in the model's ``assets/``."""
        if self.input_vocabulary is not None:
            return
        path = os.path.join(dir_path, VOCABULARY_FILENAME)
        if not os.path.isfile(path):
            return
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
        while lines and lines[-1] == "":
            lines.pop()
        if not lines:
            return
        values = self._tokens_from_text(lines)
        if self.output_mode == "tf_idf":
            idf = None if self.idf_weights is None else self.idf_weights[: len(values)]
            self.set_vocabulary(values, idf_weights=idf)
        else:
            self.set_vocabulary(values)

    def _tokens_from_text(self, lines):
        return lines


def _listify(x):
    if x is None:
        return None
    if backend.is_tensor(x):
        x = backend.convert_to_numpy(x)
    if isinstance(x, np.ndarray):
        return x.tolist()
    return list(x) if isinstance(x, tuple) else x
