"""The iterators behind ``Dataset.map(num_parallel_calls=...)``, ``prefetch`` and
``shuffle``: ordered thread-pool mapping, a background producer, tf.data's buffered shuffle.

>>> import numpy as np
>>> list(parallel_map(range(5), lambda v: v * v, workers=2))
[0, 1, 4, 9, 16]
>>> sorted(shuffled(range(5), 2, np.random.RandomState(0)))
[0, 1, 2, 3, 4]
"""

from __future__ import annotations

import collections
import concurrent.futures
import queue
import threading
from collections.abc import Iterable, Iterator

import numpy as np


def parallel_map(source: Iterable, fn, workers: int) -> Iterator:
    """``fn`` on each element in a thread pool (decoding and NumPy release the GIL), results
    in the input order."""
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        pending: collections.deque = collections.deque()
        for element in source:
            pending.append(pool.submit(fn, element))
            if len(pending) >= 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


_DONE = object()


def prefetched(source: Iterable, size: int) -> Iterator:
    """Elements produced ahead by a background thread, at most ``size`` waiting."""
    buffer: queue.Queue = queue.Queue(maxsize=size)
    stop = threading.Event()

    def produce():
        try:
            for element in source:
                while not stop.is_set():
                    try:
                        buffer.put((element, None), timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            buffer.put((_DONE, None))
        except BaseException as e:  # handed to the consumer, raised there
            buffer.put((_DONE, e))

    thread = threading.Thread(target=produce, daemon=True)
    thread.start()
    try:
        while True:
            element, error = buffer.get()
            if element is _DONE:
                if error is not None:
                    raise error
                return
            yield element
    finally:
        stop.set()
        while thread.is_alive():  # unblock a producer waiting on a full queue
            try:
                buffer.get_nowait()
            except queue.Empty:
                thread.join(0.05)


def shuffled(source: Iterable, buffer_size: int, rng: np.random.RandomState) -> Iterator:
    """tf.data's buffered shuffle: each output is a random pick from the next
    ``buffer_size`` elements."""
    buffer = []
    for element in source:
        if len(buffer) < buffer_size:
            buffer.append(element)
            continue
        i = rng.randint(buffer_size)
        yield buffer[i]
        buffer[i] = element
    rng.shuffle(buffer)
    yield from buffer
