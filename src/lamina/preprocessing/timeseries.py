"""``timeseries_dataset_from_array``: sliding windows over a time series, batched, as a
``lamina.utils.Dataset``.

>>> import numpy as np
>>> ds = timeseries_dataset_from_array(np.arange(10), None, sequence_length=3,
...                                    sequence_stride=3, batch_size=2)
>>> [b.tolist() for b in ds]
[[[0, 1, 2], [3, 4, 5]], [[6, 7, 8]]]
"""

from __future__ import annotations

import numpy as np

from lamina.utils.dataset import Dataset


def _positive(name, value, data_length):
    if not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"`{name}` must be higher than 0. Received: {name}={value!r}")
    if value >= data_length:
        raise ValueError(
            f"`{name}` must be lower than the length of the data. Received: {name}={value}, "
            f"for data of length {data_length}"
        )


def timeseries_dataset_from_array(data, targets, sequence_length: int,
                                  sequence_stride: int = 1, sampling_rate: int = 1,
                                  batch_size: int | None = 128, shuffle: bool = False,
                                  seed: int | None = None, start_index: int | None = None,
                                  end_index: int | None = None, **kwargs):
    """Windows of ``data`` (and the target of each window's first step) as a Dataset.

    Window ``i`` starts at row ``start_index + p_i`` with ``p_i = i * sequence_stride`` and
    holds rows ``p_i, p_i + sampling_rate, ...`` (``sequence_length`` of them); its target is
    ``targets[start_index + p_i]``. Only windows that end before ``end_index`` (and, with
    targets, that have one) are made.

    Args:
        data: array-like of rows (time steps), first axis is time.
        targets: array-like aligned with ``data``, or None (windows only).
        sequence_length: rows per window.
        sequence_stride: step between the starts of consecutive windows.
        sampling_rate: step between the rows inside a window.
        batch_size: windows per batch; None yields single windows.
        shuffle: shuffle the windows (their start positions, with
            ``np.random.RandomState(seed)``, as Keras does before its tf-side buffer shuffle).
        seed: seed of that shuffle.
        start_index, end_index: the part of ``data`` used (``end_index`` excluded).

    Returns:
        A ``Dataset`` of ``windows`` or ``(windows, targets)`` batches, shaped
        ``(batch, sequence_length, *data.shape[1:])``.
    """
    if kwargs.pop("format", "tf") not in ("tf", "grain"):
        raise ValueError('`format` should be either "tf" or "grain".')
    if kwargs:
        raise TypeError(f"timeseries_dataset_from_array: unexpected arguments {sorted(kwargs)}")
    data = np.asarray(data)
    n = len(data)
    if start_index:
        if start_index < 0:
            raise ValueError(f"`start_index` must be 0 or greater. Received: start_index={start_index}")
        if start_index >= n:
            raise ValueError(
                "`start_index` must be lower than the length of the data. Received: "
                f"start_index={start_index}, for data of length {n}"
            )
    if end_index:
        if start_index and end_index <= start_index:
            raise ValueError(
                "`end_index` must be higher than `start_index`. Received: "
                f"start_index={start_index}, and end_index={end_index}"
            )
        if end_index >= n:
            raise ValueError(
                "`end_index` must be lower than the length of the data. Received: "
                f"end_index={end_index}, for data of length {n}"
            )
        if end_index <= 0:
            raise ValueError(f"`end_index` must be higher than 0. Received: end_index={end_index}")
    _positive("sampling_rate", sampling_rate, n)
    _positive("sequence_stride", sequence_stride, n)
    if not isinstance(sequence_length, (int, np.integer)) or sequence_length <= 0:
        raise ValueError(f"`sequence_length` must be a positive int; received {sequence_length!r}")
    start = start_index or 0
    stop = end_index if end_index is not None else n
    num_seqs = stop - start - (sequence_length - 1) * sampling_rate
    if targets is not None:
        targets = np.asarray(targets)
        num_seqs = min(num_seqs, len(targets))
    positions = np.arange(0, max(num_seqs, 0), sequence_stride)
    if shuffle:
        if seed is None:
            seed = np.random.randint(1_000_000)
        np.random.RandomState(seed).shuffle(positions)
    window = np.arange(sequence_length) * sampling_rate
    rows = data[start:stop]
    target_rows = targets[start:stop] if targets is not None else None

    def windows(chunk):
        picks = positions[chunk]
        x = rows[np.asarray(picks)[..., None] + window]
        return x if target_rows is None else (x, target_rows[picks])

    count = len(positions)
    if batch_size is None:
        return Dataset(lambda: (windows(i) for i in range(count)), count)
    size = int(batch_size)
    if size < 1:
        raise ValueError(f"`batch_size` must be a positive int or None; received {batch_size!r}")
    return Dataset(lambda: (windows(slice(b, b + size)) for b in range(0, count, size)),
                   -(-count // size))
