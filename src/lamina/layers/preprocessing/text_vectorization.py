"""TextVectorization: raw strings to token indices or bag-of-words vectors, without TensorFlow."""

from __future__ import annotations

import re

import numpy as np

from lamina.backend import core as backend
from lamina.layers.layer import Layer
from lamina.layers.preprocessing import categorical
from lamina.layers.preprocessing.adapt_data import (
    as_str_array,
    is_single_array,
    iter_batches,
    to_numpy,
)
from lamina.layers.preprocessing.string_lookup import StringLookup
from lamina.ops.symbolic import is_symbolic
from lamina.utils import registry

# Keras' punctuation class (a range ",-." included), applied to UTF-8 text as TF's regex does
_PUNCTUATION = re.compile(r'[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\']')
# tf.strings.lower without an encoding lowercases ASCII letters only
_ASCII_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}
# tf.strings.split splits on ASCII whitespace only (a no-break space stays inside a token)
_WHITESPACE = re.compile(r"[ \t\n\v\f\r]+")
_STANDARDIZE = ("lower_and_strip_punctuation", "lower", "strip_punctuation")
_SPLIT = ("whitespace", "character")


def _check_choice(value, allowed, arg):
    if value is None or callable(value) or value in allowed:
        return
    raise ValueError(f"TextVectorization: `{arg}` must be one of {allowed}, None or a callable; "
                     f"received {arg}={value!r}")


class TextVectorization(Layer):
    """Turn strings into sequences of token indices (``"int"``) or into multi-hot, count or
    tf-idf vectors, with a vocabulary from ``adapt`` or given.

    Text is standardized (by default ASCII lowercase and punctuation stripped), split (on ASCII
    whitespace by default), optionally turned into n-grams, then looked up: index 0 is padding
    (the empty string), 1 is ``"[UNK]"``. The numbers are those Keras-with-TensorFlow gives; the
    inputs are NumPy arrays or lists of ``str``/``bytes``; the output is an engine tensor (int64,
    or float32 for the vector modes). The adapted vocabulary is saved in ``.keras`` files as
    Keras saves it (``assets/.../vocabulary.txt``).

    >>> import lamina
    >>> layer = lamina.layers.TextVectorization(output_sequence_length=4)
    >>> layer.adapt(["The cat sat.", "the dog"])
    >>> layer.get_vocabulary()
    ['', '[UNK]', 'the', 'sat', 'dog', 'cat']
    >>> lamina.ops.convert_to_numpy(layer(["the cat ran"])).tolist()
    [[2, 5, 1, 0]]
    """

    _takes_strings = True  # Input(dtype="string") feeds it host string arrays

    def __init__(self, max_tokens: int | None = None,
                 standardize="lower_and_strip_punctuation", split="whitespace", ngrams=None,
                 output_mode: str = "int", output_sequence_length: int | None = None,
                 pad_to_max_tokens: bool = False, vocabulary=None, idf_weights=None,
                 sparse: bool = False, ragged: bool = False, encoding: str = "utf-8",
                 name: str | None = None, **kwargs):
        if sparse:
            raise ValueError("TextVectorization: `sparse=True` needs TensorFlow's sparse "
                             "tensors; lamina gives dense outputs (sparse=False).")
        if ragged:
            raise ValueError("TextVectorization: `ragged=True` needs TensorFlow's ragged "
                             "tensors; lamina pads sequences (ragged=False).")
        _check_choice(standardize, _STANDARDIZE, "standardize")
        _check_choice(split, _SPLIT, "split")
        output_mode = categorical.check_mode(output_mode, "TextVectorization")
        if not (ngrams is None or (isinstance(ngrams, int) and not isinstance(ngrams, bool))
                or (isinstance(ngrams, tuple) and all(isinstance(n, int) for n in ngrams))):
            raise ValueError("TextVectorization: `ngrams` must be None, an integer, or a tuple "
                             f"of integers. Received: ngrams={ngrams!r}")
        if output_mode == "int" and not (output_sequence_length is None
                                         or isinstance(output_sequence_length, int)):
            raise ValueError("TextVectorization: `output_sequence_length` must be None or an "
                             f"integer. Received: {output_sequence_length!r}")
        if output_mode != "int" and output_sequence_length is not None:
            raise ValueError("TextVectorization: `output_sequence_length` must not be set if "
                             f"`output_mode` is not 'int'. Received: {output_sequence_length}")
        has_vocab = kwargs.pop("has_input_vocabulary", vocabulary is not None)
        vocabulary_size = kwargs.pop("vocabulary_size", None)
        super().__init__(name=name, **kwargs)
        self._standardize = standardize
        self._split = split
        self._ngrams_arg = ngrams
        self._ngrams = tuple(range(1, ngrams + 1)) if isinstance(ngrams, int) else ngrams
        self._output_mode = output_mode
        self._output_sequence_length = output_sequence_length
        self._encoding = encoding
        self._lookup_layer = StringLookup(
            max_tokens=max_tokens, vocabulary=vocabulary, idf_weights=idf_weights,
            pad_to_max_tokens=pad_to_max_tokens, mask_token="", output_mode=output_mode,
            has_input_vocabulary=has_vocab, encoding=encoding, vocabulary_size=vocabulary_size,
        )
        self.built = True

    # -- text to tokens -----------------------------------------------------------------------

    def _standardized(self, texts: np.ndarray) -> np.ndarray:
        mode = self._standardize
        if callable(mode):
            out = np.asarray(mode(texts), dtype=object)
            return as_str_array(out, self._encoding)
        out = texts
        if mode in ("lower", "lower_and_strip_punctuation"):
            out = np.array([t.translate(_ASCII_LOWER) for t in out.reshape(-1)],
                           dtype=object).reshape(texts.shape)
        if mode in ("strip_punctuation", "lower_and_strip_punctuation"):
            out = np.array([_PUNCTUATION.sub("", t) for t in out.reshape(-1)],
                           dtype=object).reshape(texts.shape)
        return out

    def _split_text(self, texts: np.ndarray) -> list:
        if callable(self._split):
            return [[str(t) for t in row] for row in self._split(texts)]
        if self._split == "character":
            return [list(t) for t in texts.tolist()]
        return [[w for w in _WHITESPACE.split(t) if w] for t in texts.tolist()]

    def _ngrammed(self, rows: list) -> list:
        out = []
        for tokens in rows:
            grams = []
            for width in self._ngrams:
                grams.extend(" ".join(tokens[i:i + width])
                             for i in range(len(tokens) - width + 1))
            out.append(grams)
        return out

    def _preprocess(self, inputs):
        """Standardized, split, n-grammed text: a list of token lists (one per string), or,
        with ``split=None``, an array of strings shaped like the input."""
        arr = to_numpy(inputs, "TextVectorization")
        if arr.dtype.kind not in "USO":
            raise TypeError(f"TextVectorization '{self.name}' expects strings; received an "
                            f"array of dtype {arr.dtype}.")
        texts = self._standardized(as_str_array(arr, self._encoding))
        if self._split is None:
            return texts
        if texts.ndim > 1:
            if texts.shape[-1] != 1:
                raise ValueError(
                    "TextVectorization: to split strings, the input must have rank 1 or a last "
                    f"dimension of 1. Received: inputs.shape={texts.shape}"
                )
            texts = texts.reshape(texts.shape[:-1])
        scalar = texts.ndim == 0
        rows = self._split_text(texts.reshape(-1))
        if self._ngrams is not None:
            rows = self._ngrammed(rows)
        return rows[0] if scalar else rows

    # -- adapt --------------------------------------------------------------------------------

    def adapt(self, data, batch_size=None, steps: int | None = None) -> None:
        """Learn the vocabulary (and document frequencies for ``tf_idf``) from strings."""
        self.reset_state()
        if is_single_array(data):
            arr = to_numpy(data, "TextVectorization")
            if arr.ndim == 1:
                arr = arr[:, None]
            self.update_state(arr)
        else:
            for batch in iter_batches(data, steps, "TextVectorization"):
                self.update_state(batch)
        self.finalize_state()

    def update_state(self, data) -> None:
        tokens = self._preprocess(data)
        if isinstance(tokens, np.ndarray):
            tokens = tokens.reshape(tokens.shape[0], -1) if tokens.ndim else tokens.reshape(1, 1)
            tokens = [list(r) for r in tokens.tolist()]
        elif tokens and not isinstance(tokens[0], list):
            tokens = [tokens]
        self._lookup_layer._count_rows(tokens)  # tokens are str already

    def finalize_state(self) -> None:
        self._lookup_layer.finalize_state()

    def reset_state(self) -> None:
        self._lookup_layer.reset_state()

    def get_vocabulary(self, include_special_tokens: bool = True) -> list:
        return self._lookup_layer.get_vocabulary(include_special_tokens)

    def vocabulary_size(self) -> int:
        return self._lookup_layer.vocabulary_size()

    def set_vocabulary(self, vocabulary, idf_weights=None) -> None:
        self._lookup_layer.set_vocabulary(vocabulary, idf_weights=idf_weights)

    # -- call ---------------------------------------------------------------------------------

    def __call__(self, inputs, *args, **kwargs):
        if not is_symbolic(inputs) and not backend.is_tensor(inputs):
            return self.call(inputs)  # host strings: no engine tensor can hold them
        return super().__call__(inputs, *args, **kwargs)

    def call(self, inputs):
        lookup = self._lookup_layer
        lookup._called = True
        tokens = self._preprocess(inputs)
        if isinstance(tokens, np.ndarray):  # split=None: one token per string
            ids = lookup.lookup_ids(tokens)
            if self._output_mode != "int":
                return lookup.encode_ids(ids)
            if self._output_sequence_length is not None and ids.ndim:
                ids = _fit_length(ids, self._output_sequence_length)
            return backend.convert_to_tensor(ids)
        scalar = not tokens or not isinstance(tokens[0], list)
        rows = [tokens] if scalar else tokens
        # one lookup for the whole batch, then cut back into rows
        flat = np.empty(sum(len(r) for r in rows), dtype=object)
        flat[:] = [t for r in rows for t in r]
        ids = np.split(lookup.lookup_ids(flat), np.cumsum([len(r) for r in rows])[:-1])
        if self._output_mode != "int":
            out = categorical.encode_rows(ids, self._output_mode, lookup._depth(), "float32",
                                          idf_weights=lookup.idf_weights)
            return backend.convert_to_tensor(out[0] if scalar else out)
        length = self._output_sequence_length
        if length is None:
            length = max((len(r) for r in ids), default=0)
        out = np.zeros((len(ids), length), dtype=np.int64)
        for i, r in enumerate(ids):
            r = r[:length]
            out[i, : len(r)] = r
        return backend.convert_to_tensor(out[0] if scalar else out)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if self._output_mode == "int":
            return (input_shape[0] if input_shape else None, self._output_sequence_length)
        # one encoded row per text (Keras: ``(batch, depth)``), as ``call`` gives
        lookup = self._lookup_layer
        depth = lookup.max_tokens if lookup.pad_to_max_tokens else lookup._frozen_vocab_size
        return (input_shape[0], depth) if input_shape else (depth,)

    def _output_spec(self, args, kwargs):
        out = super()._output_spec(args, kwargs)
        out.dtype = "int64" if self._output_mode == "int" else "float32"
        return out

    # -- config and saving --------------------------------------------------------------------

    def get_config(self):
        cfg = super().get_config()
        lookup = self._lookup_layer
        cfg.update({
            "max_tokens": lookup.max_tokens,
            "standardize": _serialize_callable(self._standardize),
            "split": _serialize_callable(self._split),
            "ngrams": self._ngrams_arg,
            "output_mode": self._output_mode,
            "output_sequence_length": self._output_sequence_length,
            "pad_to_max_tokens": lookup.pad_to_max_tokens,
            "sparse": False,
            "ragged": False,
            "vocabulary": lookup.get_config()["vocabulary"],
            "idf_weights": lookup.get_config()["idf_weights"],
            "encoding": self._encoding,
            "vocabulary_size": self.vocabulary_size(),
        })
        return cfg

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("standardize", "split"):
            value = config.get(key)
            if value is not None and not isinstance(value, str):
                config[key] = _deserialize_callable(value, key)
        if isinstance(config.get("ngrams"), list):
            config["ngrams"] = tuple(config["ngrams"])
        return cls(**config)

    def get_build_config(self):
        return {"input_shape": list(self._build_shape)} if getattr(self, "_build_shape", None) \
            else None

    def build_from_config(self, config):
        self.built = True

    def save_own_variables(self, store):
        self._lookup_layer.save_own_variables(store)

    def load_own_variables(self, store):
        self._lookup_layer.load_own_variables(store)

    def save_assets(self, dir_path):
        self._lookup_layer.save_assets(dir_path)

    def load_assets(self, dir_path):
        self._lookup_layer.load_assets(dir_path)


def _fit_length(ids, length):
    """Truncate or zero-pad the last axis to ``length``."""
    ids = ids[..., :length]
    pad = length - ids.shape[-1]
    if pad > 0:
        ids = np.pad(ids, [(0, 0)] * (ids.ndim - 1) + [(0, pad)])
    return ids


def _serialize_callable(value):
    """A custom standardize/split function as Keras writes one: by its registered name."""
    if value is None or isinstance(value, str):
        return value
    name = registry.get_registered_name(value)
    return {"module": getattr(value, "__module__", None), "class_name": "function",
            "config": name, "registered_name": name}


def _deserialize_callable(value, arg):
    """A saved custom function, looked up by name among registered objects (never imported)."""
    name = value.get("registered_name") or value.get("config") if isinstance(value, dict) \
        else None
    fn = registry.get_registered_object(name) if isinstance(name, str) else None
    if not callable(fn):
        raise ValueError(
            f"TextVectorization: the saved `{arg}` function {name!r} is not registered; "
            "decorate it with @register_keras_serializable() or pass it in custom_objects."
        )
    return fn
