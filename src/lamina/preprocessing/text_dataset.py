"""``text_dataset_from_directory``: batches of ``(texts, labels)`` from a folder of class
sub-folders holding ``.txt`` files, as a ``lamina.utils.Dataset``.

>>> # ds = text_dataset_from_directory("aclImdb/train", batch_size=32, seed=42,
>>> #                                  validation_split=0.2, subset="training")
>>> # ds.class_names -> ['neg', 'pos'];  for texts, labels in ds: texts[0] is a str
"""

from __future__ import annotations

import numpy as np

from lamina.preprocessing import directory_index
from lamina.utils.dataset import Dataset


def _reader(max_length):
    def read(path):
        # newline="" keeps the file's line endings, as tf.io.read_file does.
        with open(path, encoding="utf-8", errors="replace", newline="") as f:
            text = f.read() if max_length is None else f.read(max_length)
        return np.str_(text)

    return read


def _files_dataset(paths, labels, label_mode, num_classes, read, shuffle, buffer_size, seed):
    """Files (and their labels) as a Dataset of ``read(path)`` (and label) elements, shuffled
    anew each pass (as Keras' ``shuffle(buffer_size, seed)``) when ``shuffle``."""
    paths = np.asarray(paths, dtype=object)
    if label_mode:
        ds = Dataset.from_tensor_slices(
            (paths, directory_index.encode_labels(labels, label_mode, num_classes)))
    else:
        ds = Dataset.from_tensor_slices(paths)
    if shuffle:
        ds = ds.shuffle(buffer_size, seed=seed)
    if label_mode:
        return ds.map(lambda p, y: (read(p), y))
    return ds.map(read)


def text_dataset_from_directory(directory, labels="inferred", label_mode="int",
                                class_names=None, batch_size: int | None = 32,
                                max_length: int | None = None, shuffle: bool = True,
                                seed: int | None = None, validation_split: float | None = None,
                                subset: str | None = None, follow_links: bool = False,
                                verbose: bool = True, **kwargs):
    """Batches of ``(texts, labels)`` from ``directory/<class name>/<.txt files>``.

    Args:
        directory: the folder; with ``labels="inferred"`` each sub-folder is a class.
        labels: ``"inferred"``, None (texts only) or a list of integer labels, one per
            ``.txt`` file in sorted path order.
        label_mode: ``"int"`` (int32), ``"categorical"`` (one-hot float32), ``"binary"``
            (float32 ``(batch, 1)``, exactly two classes) or None.
        class_names: the classes to keep, in this order (with ``labels="inferred"``).
        batch_size: texts per batch; None for single texts.
        max_length: keep only the first ``max_length`` characters of each text (Keras' tf
            path cuts bytes; lamina cuts characters so no UTF-8 character is split).
        shuffle: shuffle the files once (seeded) and again each pass; else sorted order.
        seed: seed of the shuffles and of the split.
        validation_split: fraction of files for validation (the last ones after the
            shuffle), with ``subset`` ``"training"``, ``"validation"`` or ``"both"`` (a list
            of the two data sets).
        follow_links: also walk sub-folders that are symbolic links.

    Returns:
        A ``Dataset`` whose batches are ``(str array (batch,), labels)`` (texts are NumPy
        unicode strings), with ``class_names`` and ``file_paths``.
    """
    if kwargs.pop("format", "tf") not in ("tf", "grain"):
        raise ValueError('`format` should be either "tf" or "grain".')
    if kwargs:
        raise TypeError(f"text_dataset_from_directory: unexpected arguments {sorted(kwargs)}")
    if max_length is not None and (not isinstance(max_length, int) or max_length < 0):
        raise ValueError(f"`max_length` must be a non-negative int or None; got {max_length!r}")
    if isinstance(labels, (list, tuple)) and class_names:
        raise ValueError(
            "You can only pass `class_names` if `labels='inferred'`; received "
            f"labels={labels!r} and class_names={class_names!r}"
        )
    directory_index.check_arguments(labels, label_mode, validation_split, subset, shuffle, seed)
    if labels is None or label_mode is None:
        labels, label_mode = None, None
    if seed is None:
        seed = np.random.randint(1_000_000)
    paths, found, class_names = directory_index.list_files(
        directory, labels, label_mode, class_names, (".txt",), shuffle, seed, follow_links,
        verbose)
    buffer_size = batch_size * 8 if batch_size is not None else 1024
    read = _reader(max_length)

    def make(subset_name, shuffle_part):
        part_paths, part_labels = directory_index.split(paths, found, validation_split,
                                                       subset_name)
        if not part_paths:
            raise ValueError(f"No text files found in directory {directory}. Allowed format: "
                             ".txt")
        ds = _files_dataset(part_paths, part_labels, label_mode,
                            len(class_names) if class_names else 0, read, shuffle_part,
                            buffer_size, seed)
        if batch_size is not None:
            ds = ds.batch(batch_size)
        ds = ds.prefetch()
        if batch_size is not None:
            ds._batch_size = batch_size  # batched: split_dataset re-batches its parts
        ds.class_names = class_names
        ds.file_paths = list(part_paths)
        return ds

    if subset == "both":
        return [make("training", shuffle), make("validation", False)]
    return make(subset, shuffle)
