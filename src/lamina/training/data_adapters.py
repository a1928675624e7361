"""Data adapters: turn what a user passes to fit/evaluate/predict into batches of tensors.

``ArrayAdapter`` takes NumPy arrays (or lists/dicts of them, or engine tensors). The arrays
go to the device once per fit, without a copy where the engine can share memory; each batch
is then a view (in order) or one row gather (shuffled), cast to floatx only batch by batch,
so a shuffled epoch never copies the whole data set.

String arrays in ``x`` (NumPy ``str``/``bytes``, or object arrays holding them) have no engine
tensor: they stay NumPy arrays, batched by slicing (shuffled: one row gather), for a model
whose string inputs feed StringLookup, TextVectorization, Hashing and the like. A list of
Python strings is taken as one such array. ``y`` and sample weights must be numbers.

``GeneratorAdapter`` takes a Python generator or iterator of ``(x, y)`` / ``(x, y, w)`` tuples
and any object with ``__len__`` and ``__getitem__`` returning batches (``utils.Sequence``).
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from lamina import config, tree
from lamina.backend import core as backend
from lamina.backend import random as backend_random
from lamina.utils.py_dataset import iterate_batches


def _arrays(x):
    """The arrays in ``x`` in ``keras.tree.flatten`` order; None (no y, no sample weights)
    holds no array and is left out."""
    return [v for v in tree.flatten(x) if v is not None]


def _map(fn, x):
    if x is None:
        return None
    if isinstance(x, tuple):
        return tuple(_map(fn, v) for v in x)
    if isinstance(x, list):
        return [_map(fn, v) for v in x]
    if isinstance(x, dict):
        return {k: _map(fn, v) for k, v in x.items()}
    return fn(x)


def _is_array_like(x):
    return isinstance(x, np.ndarray) or backend.is_tensor(x) or (
        hasattr(x, "__array__") and hasattr(x, "shape") and not hasattr(x, "__next__")
    )


def is_array_data(x) -> bool:
    leaves = _arrays(x)
    return bool(leaves) and all(_is_array_like(v) or isinstance(v, (list, float, int)) for v in leaves)


def _to_array(v):
    if isinstance(v, np.ndarray) or backend.is_tensor(v):
        return v
    if hasattr(v, "to_numpy"):  # pandas
        return v.to_numpy()
    return np.asarray(v)


def _is_text(v) -> bool:
    return isinstance(v, (str, bytes, np.str_, np.bytes_))


def _is_string_list(v) -> bool:
    """A (nested) list or tuple of Python strings: one string array, not a list of inputs."""
    if not isinstance(v, (list, tuple)) or not v:
        return False
    return all(_is_text(s) or _is_string_list(s) for s in v)


def strings_as_arrays(x):
    """``x`` with each list of Python strings (alone, or as a dict value) made a NumPy array."""
    if _is_string_list(x):
        return np.asarray(x)
    if isinstance(x, dict) and any(_is_string_list(v) for v in x.values()):
        return {k: np.asarray(v) if _is_string_list(v) else v for k, v in x.items()}
    return x


def is_host_strings(arr) -> bool:
    """True for a NumPy array of strings (kind U/S, or object holding str/bytes)."""
    kind = arr.dtype.kind
    if kind in "US":
        return True
    if kind == "O":
        flat = arr.reshape(-1)
        return flat.size > 0 and _is_text(flat[0])
    return False


def _numbers_only(v, what):
    arr = np.asarray(v)
    if arr.dtype == np.object_ or arr.dtype.kind in "US":
        raise ValueError(
            f"fit/evaluate/predict got {what} as an array of dtype {arr.dtype}; {what} must be "
            "numbers. Encode string labels as integers first (e.g. with a StringLookup adapted "
            "on them)."
        )
    return arr


class ArrayAdapter:
    """Batches from in-memory arrays."""

    def __init__(self, x, y=None, sample_weight=None, batch_size=32, shuffle=False,
                 steps=None, class_weight=None):
        self.x = _map(_to_array, x)
        self.y = _map(_to_array, y)
        self.sample_weight = _map(_to_array, sample_weight)
        lengths = {int(v.shape[0]) for v in _arrays((self.x, self.y, self.sample_weight))}
        if len(lengths) != 1:
            sizes = {
                "x": [int(v.shape[0]) for v in _arrays(self.x)],
                "y": [int(v.shape[0]) for v in _arrays(self.y)],
            }
            if self.sample_weight is not None:
                sizes["sample_weight"] = [int(v.shape[0]) for v in _arrays(self.sample_weight)]
            raise ValueError(
                "Data cardinality is ambiguous: make sure all arrays contain the same number of "
                "samples. " + ", ".join(f"'{k}' sizes: {', '.join(map(str, v))}" for k, v in sizes.items() if v)
            )
        self.num_samples = lengths.pop()
        if self.num_samples == 0:
            raise ValueError("The data has no samples (its first dimension is 0).")
        self.batch_size = int(batch_size or 32)
        self.shuffle = shuffle
        self.class_weight = class_weight
        self._steps = steps
        self._floatx = config.floatx()
        self._tensors = None
        self._host = False  # some x arrays are host strings (set by _to_device)
        self._position = 0
        self._perm = None

    @property
    def num_batches(self) -> int:
        return math.ceil(self.num_samples / self.batch_size)

    @property
    def steps(self) -> int:
        return self._steps or self.num_batches

    def _to_device(self):
        def convert_x(v):
            if backend.is_tensor(v):
                return backend.convert_to_tensor(v)
            arr = np.asarray(v)
            if arr.dtype.kind in "USO":
                if is_host_strings(arr):
                    self._host = True
                    return arr  # strings stay on the host, for the string-taking layers
                raise ValueError(
                    f"fit/evaluate/predict got x as an array of dtype {arr.dtype} that does "
                    "not hold strings; expected numbers or strings."
                )
            return backend.from_numpy_shared(arr)

        def convert(what):
            def fn(v):
                if backend.is_tensor(v):
                    return backend.convert_to_tensor(v)
                return backend.from_numpy_shared(_numbers_only(v, what))
            return fn

        self._host = False
        self._tensors = (
            _map(convert_x, self.x), _map(convert("y"), self.y),
            _map(convert("sample_weight"), self.sample_weight)
        )
        if self._host:
            self._row_numbers = backend.convert_to_tensor(np.arange(self.num_samples))
        if self.class_weight is not None and self.y is not None:
            self._tensors = self._tensors[:2] + (
                _class_weights_to_sample_weights(self.y, self.class_weight, self._tensors[2]),
            )

    def _cast(self, t):
        if backend.float_dtype_like(t) and backend.dtype_of(t) != self._floatx:
            return backend.cast(t, self._floatx)
        return t

    def _batch(self, take):
        x, y, w = self._tensors
        if self._host:
            # ``take`` slices engine tensors: run it on the row numbers, index the NumPy array
            rows = backend.convert_to_numpy(take(self._row_numbers))
            bx = _map(lambda t: t[rows] if isinstance(t, np.ndarray) else self._cast(take(t)), x)
        else:
            bx = _map(lambda t: self._cast(take(t)), x)
        by = _map(lambda t: self._cast(take(t)), y)
        bw = _map(lambda t: self._cast(take(t)), w)
        return bx, by, bw

    def epoch(self):
        """Yield ``(x, y, sample_weight)`` batches for one epoch (``steps`` of them)."""
        if self._tensors is None:
            self._to_device()
        n, bs = self.num_samples, self.batch_size
        for step in range(self.steps):
            if self._position == 0:
                if self.shuffle == "batch":
                    order = backend_random.permutation(self.num_batches)
                    self._perm = order
                elif self.shuffle:
                    self._perm = backend_random.permutation(n)
                else:
                    self._perm = None
            start = self._position
            stop = min(start + bs, n)
            if self._perm is None:
                yield self._batch(lambda t, a=start, b=stop: backend.slice_rows(t, a, b))
            elif self.shuffle == "batch":
                b = int(self._perm[start // bs])
                s0, s1 = b * bs, min(b * bs + bs, n)
                yield self._batch(lambda t, a=s0, b=s1: backend.slice_rows(t, a, b))
            else:
                idx = backend.slice_rows(self._perm, start, stop)
                yield self._batch(lambda t, i=idx: backend.gather_rows(t, i))
            self._position = 0 if stop >= n else stop
            if stop >= n and self._steps is not None and step + 1 < self._steps:
                # Keras: the batches of an array run out before `steps`: the epoch ends here
                # (the next one starts from the first batch again), with Keras' warning
                warnings.warn(_RAN_OUT, stacklevel=2)
                return
        if self._steps is None:
            self._position = 0


_RAN_OUT = (
    "Your input ran out of data; interrupting training. Make sure that your dataset or "
    "generator can generate at least `steps_per_epoch * epochs` batches. You may need to use "
    "the `.repeat()` function when building your dataset."
)


def _class_weights_to_sample_weights(y, class_weight, sample_weight):
    leaves = _arrays(y)
    if len(leaves) != 1:
        raise ValueError("class_weight is only supported for models with a single output")
    labels = np.asarray(leaves[0])
    if labels.ndim > 1 and labels.shape[-1] > 1:
        labels = np.argmax(labels, axis=-1)
    labels = labels.reshape(labels.shape[0], -1)[:, 0].astype(np.int64)
    missing = set(np.unique(labels).tolist()) - set(int(k) for k in class_weight)
    if missing:
        raise ValueError(
            f"class_weight has no entry for class(es) {sorted(missing)}; it covers "
            f"{sorted(int(k) for k in class_weight)}."
        )
    lookup = np.zeros(max(int(k) for k in class_weight) + 1, dtype=config.floatx())
    for k, v in class_weight.items():
        lookup[int(k)] = v
    weights = backend.convert_to_tensor(lookup[labels])
    if sample_weight is not None:
        weights = weights * backend.cast(sample_weight, config.floatx())
    return weights


class GeneratorAdapter:
    """Batches from a generator/iterator or a ``Sequence``-like object."""

    def __init__(self, data, steps=None, shuffle=False):
        self.data = data
        self._steps = steps
        self.shuffle = shuffle
        self._iterator = None
        self._floatx = config.floatx()
        self.is_sequence = hasattr(data, "__getitem__") and hasattr(data, "__len__")

    @property
    def steps(self):
        if self._steps is not None:
            return self._steps
        if self.is_sequence or hasattr(self.data, "__len__"):
            try:
                return len(self.data)
            except TypeError:  # a utils.Dataset of unknown or infinite length
                return None
        return None

    def _convert(self, batch):
        if isinstance(batch, list) and 1 < len(batch) <= 3:
            batch = tuple(batch)  # torch's DataLoader collates (x, y) samples into [x, y]
        if not isinstance(batch, tuple):
            batch = (batch,)
        x = batch[0]
        y = batch[1] if len(batch) > 1 else None
        w = batch[2] if len(batch) > 2 else None

        def conv(v):
            if not backend.is_tensor(v):
                v = np.asarray(v)
                if v.dtype.kind in "USO" and is_host_strings(v):
                    return v  # strings stay on the host, for the string-taking layers
            t = backend.convert_to_tensor(v)
            if backend.float_dtype_like(t) and backend.dtype_of(t) != self._floatx:
                t = backend.cast(t, self._floatx)
            return t

        return _map(conv, x), _map(conv, y), _map(conv, w)

    def epoch(self):
        if self.is_sequence:
            if hasattr(self.data, "on_epoch_begin"):
                self.data.on_epoch_begin()
            n = len(self.data)
            order = np.random.permutation(n) if self.shuffle else np.arange(n)
            if self._steps is not None:
                order = order[: self._steps]
            for batch in iterate_batches(self.data, [int(i) for i in order]):
                yield self._convert(batch)
            if hasattr(self.data, "on_epoch_end"):
                self.data.on_epoch_end()
            return
        if self._iterator is None or (self._steps is None and not hasattr(self.data, "__next__")):
            # A re-iterable (utils.Dataset, DataLoader) is one full pass per epoch, as Keras
            # reads a tf.data.Dataset; with steps_per_epoch the pass continues across epochs.
            self._iterator = iter(self.data)
        count = 0
        while self._steps is None or count < self._steps:
            try:
                batch = next(self._iterator)
            except StopIteration:
                self._iterator = None
                return
            count += 1
            yield self._convert(batch)


def head_batch(x, n):
    """The first ``n`` samples of array data, as tensors of the right dtypes."""

    def take(v):
        arr = _to_array(v)[:n]
        if not backend.is_tensor(arr) and arr.dtype.kind in "USO" and is_host_strings(arr):
            return arr
        t = backend.convert_to_tensor(arr)
        if backend.float_dtype_like(t) and backend.dtype_of(t) != config.floatx():
            t = backend.cast(t, config.floatx())
        return t

    return _map(take, x)


def make_adapter(x, y=None, sample_weight=None, batch_size=None, shuffle=False, steps=None,
                 class_weight=None):
    """The adapter for what was passed as ``x`` (and ``y``)."""
    if x is None:
        raise ValueError("No data given: pass `x` (and `y`) to fit/evaluate/predict.")
    x = strings_as_arrays(x)
    if batch_size is not None and (isinstance(batch_size, bool) or not isinstance(
            batch_size, (int, np.integer)) or batch_size < 1):
        raise ValueError(f"`batch_size` must be a positive integer; received: "
                         f"batch_size={batch_size!r}")
    if is_array_data(x):
        return ArrayAdapter(x, y, sample_weight, batch_size=batch_size or 32, shuffle=shuffle,
                            steps=steps, class_weight=class_weight)
    if y is not None:
        raise ValueError(
            "When `x` is a generator or a Sequence it must yield (x, y) batches itself; "
            "do not pass `y` separately."
        )
    if backend.is_engine_dataset(x):
        return GeneratorAdapter(backend.engine_batches(x, batch_size or 32, shuffle), steps=steps)
    if hasattr(x, "__next__") or hasattr(x, "__iter__") or hasattr(x, "__getitem__"):
        return GeneratorAdapter(x, steps=steps, shuffle=shuffle)
    raise ValueError(
        f"Unrecognized data type for `x`: {type(x).__name__}. Expected NumPy arrays, lists or "
        "dicts of arrays, tensors, a generator, or a Sequence."
    )


def split_validation(x, y, sample_weight, validation_split):
    """Keras' validation_split: the LAST fraction of the samples, taken before shuffling."""
    x = strings_as_arrays(x)
    if not is_array_data(x):
        raise ValueError(
            "validation_split is only supported for array inputs; for generators pass "
            "validation_data= instead."
        )
    if not 0 < validation_split < 1:
        raise ValueError(f"validation_split must be in (0, 1), got {validation_split}")
    n = int(_arrays(x)[0].shape[0])
    split_at = int(math.floor(n * (1.0 - validation_split)))
    if split_at == 0 or split_at == n:
        raise ValueError(
            f"validation_split={validation_split} leaves no training or validation samples "
            f"for {n} samples."
        )

    def head(v):
        return v[:split_at]

    def tail(v):
        return v[split_at:]

    return (
        (_map(head, x), _map(head, y), _map(head, sample_weight)),
        (_map(tail, x), _map(tail, y), _map(tail, sample_weight)),
    )


def unpack_validation_data(data):
    """``(x, y)`` or ``(x, y, sample_weight)``; anything else is a generator or Sequence."""
    if isinstance(data, (tuple, list)):
        if len(data) == 2:
            return data[0], data[1], None
        if len(data) == 3:
            return data[0], data[1], data[2]
        raise ValueError(
            "validation_data must be a tuple (x_val, y_val) or (x_val, y_val, val_sample_weight); "
            f"got a {type(data).__name__} of length {len(data)}"
        )
    return data, None, None
