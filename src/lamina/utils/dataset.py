"""``Dataset``: a lazy, re-iterable input pipeline of NumPy elements, with the ``tf.data``
methods Keras programs chain (``map``, ``batch``, ``shuffle``, ``prefetch``, ``cache``, ...).

lamina has no ``tf.data``; this class plays its part. Each element is a NumPy array, a NumPy
scalar, or a tuple/dict of them; iterating a batched data set gives batches as tuples of NumPy
arrays, which ``fit``, ``evaluate`` and ``predict`` take directly.

>>> import numpy as np
>>> ds = Dataset.from_tensor_slices((np.arange(5), np.arange(5) * 10))
>>> ds = ds.map(lambda x, y: (x + 1, y)).batch(2)
>>> [(x.tolist(), y.tolist()) for x, y in ds]
[([1, 2], [0, 10]), ([3, 4], [20, 30]), ([5], [40])]
>>> len(ds), ds.cardinality()
(3, 3)
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Iterator

import numpy as np

from lamina.utils.dataset_streams import parallel_map, prefetched, shuffled

AUTOTUNE = -1


class HostArray(np.ndarray):
    """A NumPy array with ``tf.Tensor``'s ``.numpy()``, for the arrays a Dataset yields.

    tf.data-era programs write ``images[i].numpy().astype("uint8")``; slices and results of
    arithmetic keep the method, and everything taking arrays takes it as the array it is.
    """

    def numpy(self) -> np.ndarray:
        return self.view(np.ndarray)


def _with_numpy_method(element):
    if type(element) is np.ndarray:
        return element.view(HostArray)
    if isinstance(element, tuple) and not hasattr(element, "_fields"):
        return tuple(_with_numpy_method(e) for e in element)
    if isinstance(element, dict):
        return {k: _with_numpy_method(v) for k, v in element.items()}
    return element
INFINITE = -1  # cardinality of a data set that never ends (tf.data.INFINITE_CARDINALITY)
UNKNOWN = -2  # cardinality that cannot be known without iterating (tf.data.UNKNOWN_CARDINALITY)


# -- nested elements ---------------------------------------------------------------------------
# (tuples and dicts are structure; a list is data, as tf.data reads it. To move to lamina.tree
# once that module lands.)

def _map_structure(fn, *elements):
    first = elements[0]
    if isinstance(first, tuple):
        return tuple(_map_structure(fn, *parts) for parts in zip(*elements))
    if isinstance(first, dict):
        return {k: _map_structure(fn, *(e[k] for e in elements)) for k in first}
    return fn(*elements)


def _leaves(element) -> list:
    if isinstance(element, tuple):
        return [leaf for part in element for leaf in _leaves(part)]
    if isinstance(element, dict):
        return [leaf for k in element for leaf in _leaves(element[k])]
    return [element]


def _up_to(structure, other) -> list:
    """``other``'s parts at the leaves of ``structure`` (a shape inside a tuple of shapes
    stays whole)."""
    if isinstance(structure, tuple):
        return [part for s, o in zip(structure, other) for part in _up_to(s, o)]
    if isinstance(structure, dict):
        return [part for k in structure for part in _up_to(structure[k], other[k])]
    return [other]


def _to_numpy(value):
    """NumPy for an engine tensor, a list or a Python number; NumPy values and strings as
    they are."""
    if isinstance(value, (np.ndarray, np.generic, str, bytes)):
        return value
    if hasattr(value, "detach") or hasattr(value, "__jax_array__"):
        from lamina.backend import core as backend

        return backend.convert_to_numpy(value)
    return np.asarray(value)


def _call(fn, element):
    # tf.data passes the parts of a tuple element as separate arguments.
    return fn(*element) if isinstance(element, tuple) else fn(element)


def _stack(parts):
    try:
        return np.stack([np.asarray(p) for p in parts])
    except ValueError as e:
        shapes = sorted({np.shape(p) for p in parts})
        raise ValueError(
            f"Dataset.batch: the elements of a batch must have the same shape; got shapes "
            f"{shapes}. Resize them first (e.g. in .map) or batch with batch_size=1."
        ) from e


def _check_count(method: str, name: str, value) -> int:
    if value is None:
        return -1
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool):
        raise TypeError(f"Dataset.{method}: `{name}` must be an int; received {value!r}")
    return int(value)


def _workers(num_parallel_calls) -> int:
    if num_parallel_calls is None:
        return 1
    if num_parallel_calls == AUTOTUNE:
        return max(1, min(8, os.cpu_count() or 1))
    if not isinstance(num_parallel_calls, (int, np.integer)) or num_parallel_calls < 1:
        raise ValueError(
            "`num_parallel_calls` must be a positive int, AUTOTUNE or None; received "
            f"{num_parallel_calls!r}"
        )
    return int(num_parallel_calls)


class Dataset:
    """A lazy, re-iterable sequence of elements (see the module docstring).

    Build one with ``from_tensor_slices``, ``from_tensors``, ``from_generator``, ``range``
    or ``zip``; each method returns a new data set and nothing runs until it is iterated.
    """

    def __init__(self, make_iterator: Callable[[], Iterable], cardinality: int = UNKNOWN):
        self._make_iterator = make_iterator
        self._cardinality = int(cardinality)

    # -- what it holds ---------------------------------------------------------------------
    def __iter__(self) -> Iterator:
        return map(_with_numpy_method, iter(self._make_iterator()))

    def cardinality(self) -> int:
        """The number of elements, ``INFINITE`` (-1) or ``UNKNOWN`` (-2)."""
        return self._cardinality

    def __len__(self) -> int:
        n = self.cardinality()
        if n == INFINITE:
            raise TypeError("The dataset is infinite.")
        if n < 0:
            raise TypeError("The dataset length is unknown.")
        return n

    def __bool__(self) -> bool:
        return True  # never falls back on __len__, which may raise

    def as_numpy_iterator(self) -> Iterator:
        """The elements (already NumPy values)."""
        return iter(self)

    def __repr__(self) -> str:
        n = self.cardinality()
        size = {INFINITE: "infinite", UNKNOWN: "unknown length"}.get(n, f"{n} elements")
        return f"<{type(self).__name__}: {size}>"

    # -- constructors ----------------------------------------------------------------------
    @staticmethod
    def from_tensor_slices(tensors) -> Dataset:
        """One element per row of ``tensors`` (an array, or a tuple/dict of arrays with the
        same first dimension)."""
        data = _map_structure(_to_numpy, tensors)
        lengths = {len(leaf) if np.ndim(leaf) else -1 for leaf in _leaves(data)}
        if -1 in lengths or len(lengths) != 1:
            shapes = [np.shape(leaf) for leaf in _leaves(data)]
            raise ValueError(
                "Dataset.from_tensor_slices: every part must have the same, non-scalar first "
                f"dimension; got shapes {shapes}"
            )
        n = lengths.pop()

        def rows():
            for i in range(n):
                yield _map_structure(lambda leaf, i=i: leaf[i], data)

        return Dataset(rows, n)

    @staticmethod
    def from_tensors(tensors) -> Dataset:
        """A data set of one element, ``tensors`` itself."""
        element = _map_structure(_to_numpy, tensors)
        return Dataset(lambda: iter([element]), 1)

    @staticmethod
    def from_generator(generator: Callable, output_types=None, output_shapes=None, args=None,
                       output_signature=None) -> Dataset:
        """The elements yielded by ``generator(*args)``, called afresh on each iteration.

        ``output_types``, ``output_shapes`` and ``output_signature`` are accepted for
        tf.data compatibility; the values are used as the generator yields them.
        """
        if not callable(generator):
            raise TypeError(
                "Dataset.from_generator: `generator` must be a callable that returns an "
                f"iterator (e.g. a generator function); received {type(generator).__name__}"
            )
        call_args = tuple(args or ())

        def elements():
            for element in generator(*call_args):
                yield _map_structure(_to_numpy, element)

        return Dataset(elements, UNKNOWN)

    @staticmethod
    def range(*args, dtype="int64") -> Dataset:
        """Like Python's ``range``: ``range(stop)``, ``range(start, stop[, step])``."""
        values = range(*(int(a) for a in args))
        kind = np.dtype(dtype).type
        return Dataset(lambda: (kind(v) for v in values), len(values))

    @staticmethod
    def zip(*datasets) -> Dataset:
        """Elements of several data sets side by side: ``zip(a, b)`` or ``zip((a, b))`` gives
        ``(a_i, b_i)``; ``zip({"x": a, "y": b})`` gives dicts. Stops at the shortest."""
        if len(datasets) == 1 and isinstance(datasets[0], (tuple, dict)):
            datasets = datasets[0]
        parts = _leaves(datasets)
        for part in parts:
            if not isinstance(part, Dataset):
                raise TypeError(
                    f"Dataset.zip: expected Dataset objects; received {type(part).__name__}")
        known = [p.cardinality() for p in parts]
        finite = [n for n in known if n >= 0]
        if finite:
            n = min(finite) if UNKNOWN not in known or min(finite) == 0 else UNKNOWN
        else:
            n = UNKNOWN if UNKNOWN in known else INFINITE

        def elements():
            iterators = [iter(p) for p in parts]
            for values in zip(*iterators):
                parts_in_order = iter(values)
                yield _map_structure(lambda _, it=parts_in_order: next(it), datasets)

        return Dataset(elements, n)

    # -- transformations -------------------------------------------------------------------
    def map(self, map_func: Callable, num_parallel_calls=None, deterministic=None,
            name=None) -> Dataset:
        """``map_func`` applied to each element (a tuple element is passed as arguments).

        ``num_parallel_calls`` (an int or ``AUTOTUNE``) runs it in that many threads; the
        order of the elements is kept.
        """
        workers = _workers(num_parallel_calls)

        def apply(element):
            return _map_structure(_to_numpy, _call(map_func, element))

        if workers == 1:
            return Dataset(lambda: (apply(e) for e in self), self.cardinality())
        return Dataset(lambda: parallel_map(self, apply, workers), self.cardinality())

    def batch(self, batch_size: int, drop_remainder: bool = False, num_parallel_calls=None,
              deterministic=None, name=None) -> Dataset:
        """Consecutive elements stacked into batches of ``batch_size`` (the last one smaller
        unless ``drop_remainder``)."""
        size = _check_count("batch", "batch_size", batch_size)
        if size < 1:
            raise ValueError(f"Dataset.batch: `batch_size` must be >= 1; received {batch_size}")
        _workers(num_parallel_calls)

        def batches():
            group = []
            for element in self:
                group.append(element)
                if len(group) == size:
                    yield _map_structure(lambda *parts: _stack(parts), *group)
                    group = []
            if group and not drop_remainder:
                yield _map_structure(lambda *parts: _stack(parts), *group)

        n = self.cardinality()
        if n >= 0:
            n = n // size if drop_remainder else -(-n // size)
        batched = Dataset(batches, n)
        batched._batch_size = size  # what split_dataset (as Keras) reads to re-batch
        return batched

    def padded_batch(self, batch_size: int, padded_shapes=None, padding_values=None,
                     drop_remainder: bool = False, name=None) -> Dataset:
        """Like ``batch``, for elements of different shapes: each part is padded at the end
        of every axis to the longest in the batch, or to ``padded_shapes`` (a shape, or a
        structure of them like the elements; None or -1 in a shape means "the longest").
        ``padding_values`` (a scalar or a structure) fills the padding: 0, or "" for
        strings, by default."""
        size = _check_count("padded_batch", "batch_size", batch_size)
        if size < 1:
            raise ValueError(
                f"Dataset.padded_batch: `batch_size` must be >= 1; received {batch_size}")

        def pad(parts, shape, value):
            parts = [np.asarray(p) for p in parts]
            ndims = {p.ndim for p in parts}
            if len(ndims) != 1:
                raise ValueError(f"Dataset.padded_batch: the parts of a batch must have the same "
                                 f"rank; got ranks {sorted(ndims)}")
            longest = np.max([p.shape for p in parts], axis=0) if ndims != {0} else ()
            target = [int(m) if shape is None or shape[i] in (None, -1) else int(shape[i])
                      for i, m in enumerate(longest)]
            for p in parts:
                if any(d > t for d, t in zip(p.shape, target)):
                    raise ValueError(f"Dataset.padded_batch: an element of shape {p.shape} "
                                     f"does not fit padded_shapes {tuple(target)}")
            dtype = np.result_type(*parts)
            fill = value if value is not None else ("" if dtype.kind in "US" else 0)
            out = np.full((len(parts), *target), fill, dtype=dtype)
            for i, p in enumerate(parts):
                out[(i, *(slice(0, d) for d in p.shape))] = p
            return out

        def batches():
            group = []
            for element in self:
                group.append(element)
                if len(group) == size:
                    yield finish(group)
                    group = []
            if group and not drop_remainder:
                yield finish(group)

        def finish(group):
            first = group[0]
            n_leaves = len(_leaves(first))
            shapes = ([padded_shapes] * n_leaves if padded_shapes is None
                      or not isinstance(first, (tuple, dict)) else _up_to(first, padded_shapes))
            values = (_up_to(first, padding_values) if isinstance(padding_values, (tuple, dict))
                      else [padding_values] * n_leaves)
            columns = zip(*(_leaves(e) for e in group))
            padded = iter([pad(parts, None if shape is None else tuple(shape), value)
                           for parts, shape, value in zip(columns, shapes, values)])
            return _map_structure(lambda _: next(padded), first)

        n = self.cardinality()
        if n >= 0:
            n = n // size if drop_remainder else -(-n // size)
        batched = Dataset(batches, n)
        batched._batch_size = size
        return batched

    def flat_map(self, map_func: Callable, name=None) -> Dataset:
        """The elements of the data sets ``map_func`` returns for each element, in turn."""

        def elements():
            for element in self:
                inner = _call(map_func, element)
                if not isinstance(inner, Dataset):
                    raise TypeError("Dataset.flat_map: `map_func` must return a Dataset; "
                                    f"it returned {type(inner).__name__}")
                yield from inner

        return Dataset(elements, UNKNOWN)

    def unbatch(self, name=None) -> Dataset:
        """The rows of each batch, one element each (the inverse of ``batch``)."""

        def rows():
            for element in self:
                leaves = _leaves(element)
                for i in range(len(leaves[0]) if leaves else 0):
                    yield _map_structure(lambda leaf, i=i: leaf[i], element)

        return Dataset(rows, UNKNOWN)

    def shuffle(self, buffer_size: int, seed: int | None = None,
                reshuffle_each_iteration: bool = True, name=None) -> Dataset:
        """Elements in random order, drawn from a buffer of ``buffer_size`` (a buffer at least
        as large as the data set gives a uniform shuffle). With ``seed``, the sequence of
        orders is reproducible; ``reshuffle_each_iteration=False`` repeats one order."""
        size = _check_count("shuffle", "buffer_size", buffer_size)
        if size == AUTOTUNE:
            size = 1 << 30  # tf accepts -1 only in some versions; read it as "all"
        if size < 1:
            raise ValueError(
                f"Dataset.shuffle: `buffer_size` must be >= 1; received {buffer_size}")
        seeds = np.random.RandomState(seed)
        fixed = int(seeds.randint(2**31 - 1))

        def elements():
            s = int(seeds.randint(2**31 - 1)) if reshuffle_each_iteration else fixed
            return shuffled(self, size, np.random.RandomState(s))

        return Dataset(elements, self.cardinality())

    def repeat(self, count: int | None = None, name=None) -> Dataset:
        """The data set ``count`` times over; forever when ``count`` is None or -1."""
        count = _check_count("repeat", "count", count)

        def elements():
            i = 0
            while count < 0 or i < count:
                yield from self
                i += 1

        n = self.cardinality()
        if n == 0 or count == 0:
            total = 0
        elif count < 0:
            total = INFINITE if n != UNKNOWN else UNKNOWN
        else:
            total = n * count if n >= 0 else n
        return Dataset(elements, total)

    def take(self, count: int, name=None) -> Dataset:
        """The first ``count`` elements (all of them for -1)."""
        count = _check_count("take", "count", count)

        def elements():
            if count < 0:
                yield from self
                return
            if count == 0:
                return
            for i, element in enumerate(self):
                yield element
                if i + 1 >= count:
                    return

        n = self.cardinality()
        if count >= 0:
            n = count if n == INFINITE else (min(n, count) if n >= 0 else UNKNOWN)
        return Dataset(elements, n)

    def skip(self, count: int, name=None) -> Dataset:
        """All but the first ``count`` elements (none for -1)."""
        count = _check_count("skip", "count", count)

        def elements():
            if count < 0:
                return
            for i, element in enumerate(self):
                if i >= count:
                    yield element

        n = self.cardinality()
        if count < 0:
            n = 0
        elif n >= 0:
            n = max(0, n - count)
        return Dataset(elements, n)

    def filter(self, predicate: Callable, name=None) -> Dataset:
        """The elements for which ``predicate`` (called like ``map``'s function) is true."""
        return Dataset(lambda: (e for e in self if bool(np.asarray(_call(predicate, e)))),
                       UNKNOWN)

    def enumerate(self, start: int = 0, name=None) -> Dataset:
        """``(index, element)`` pairs, the index an int64 counting from ``start``."""
        return Dataset(lambda: ((np.int64(i), e) for i, e in enumerate(self, start)),
                       self.cardinality())

    def concatenate(self, dataset: Dataset, name=None) -> Dataset:
        """This data set's elements, then ``dataset``'s."""
        a, b = self.cardinality(), dataset.cardinality()
        if INFINITE in (a, b):
            n = INFINITE
        else:
            n = a + b if a >= 0 and b >= 0 else UNKNOWN

        def elements():
            yield from self
            yield from dataset

        return Dataset(elements, n)

    def cache(self, filename: str = "", name=None) -> Dataset:
        """The elements kept in memory after the first complete pass, so later passes (epochs)
        skip the work before it. ``filename`` is accepted; lamina writes no cache file."""
        store: list = []
        complete = threading.Event()

        def elements():
            if complete.is_set():
                yield from store
                return
            seen = []
            for element in self:
                seen.append(element)
                yield element
            store[:] = seen
            complete.set()

        return Dataset(elements, self.cardinality())

    def prefetch(self, buffer_size=AUTOTUNE, name=None) -> Dataset:
        """Elements prepared ahead in a background thread (``buffer_size`` of them, 2 for
        ``AUTOTUNE``), so loading overlaps training."""
        size = _check_count("prefetch", "buffer_size", buffer_size)
        size = 2 if size < 0 else size
        if size == 0:
            return self
        return Dataset(lambda: prefetched(self, size), self.cardinality())

    def apply(self, transformation_func: Callable) -> Dataset:
        """``transformation_func(self)``."""
        return transformation_func(self)

    def reduce(self, initial_state, reduce_func: Callable):
        """Fold the elements: ``state = reduce_func(state, element)`` from ``initial_state``."""
        state = initial_state
        for element in self:
            state = reduce_func(state, element)
        return state
