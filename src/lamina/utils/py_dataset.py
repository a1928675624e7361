"""PyDataset (Keras 3) and Sequence (Keras 2): batches served by index, optionally by workers.

>>> import numpy as np
>>> class Squares(PyDataset):
...     def __len__(self):
...         return 4
...     def __getitem__(self, i):
...         x = np.full((2, 1), i, dtype="float32")
...         return x, x ** 2
>>> len(Squares())
4
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing


class PyDataset:
    """Base class for a data set of batches: define ``__len__`` and ``__getitem__(index)``.

    ``workers`` > 1 prepares batches ahead in a thread pool (or a process pool when
    ``use_multiprocessing=True``), at most ``max_queue_size`` batches ahead.
    """

    def __init__(self, workers: int = 1, use_multiprocessing: bool = False,
                 max_queue_size: int = 10):
        if workers < 1:
            raise ValueError(f"PyDataset: workers must be >= 1, got {workers}")
        self._workers = workers
        self._use_multiprocessing = use_multiprocessing
        self._max_queue_size = max(1, max_queue_size)

    @property
    def workers(self):
        return getattr(self, "_workers", 1)

    @property
    def use_multiprocessing(self):
        return getattr(self, "_use_multiprocessing", False)

    @property
    def max_queue_size(self):
        return getattr(self, "_max_queue_size", 10)

    def __len__(self):
        raise NotImplementedError(f"{type(self).__name__} must define __len__")

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__")

    @property
    def num_batches(self):
        return len(self)

    def on_epoch_begin(self):
        pass

    def on_epoch_end(self):
        pass


Sequence = PyDataset  # Keras 2 name


def iterate_batches(data, order):
    """Yield ``data[i]`` for i in ``order``, prefetched by the data set's workers if it has any."""
    workers = getattr(data, "workers", 1)
    if workers <= 1:
        for i in order:
            yield data[i]
        return
    if getattr(data, "use_multiprocessing", False):
        pool = concurrent.futures.ProcessPoolExecutor(
            workers, mp_context=multiprocessing.get_context("fork"))
    else:
        pool = concurrent.futures.ThreadPoolExecutor(workers)
    ahead = getattr(data, "max_queue_size", 10)
    try:
        order = list(order)
        pending = [pool.submit(data.__getitem__, i) for i in order[:ahead]]
        for k in range(len(order)):
            batch = pending[k].result()
            nxt = k + ahead
            if nxt < len(order):
                pending.append(pool.submit(data.__getitem__, order[nxt]))
            pending[k] = None
            yield batch
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
