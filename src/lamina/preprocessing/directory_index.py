"""Listing a folder of class sub-folders as Keras does, for the ``*_dataset_from_directory``
functions (images, text, audio): the same file order, seeded shuffle and validation split.

Keras' order: class folders sorted (or as ``class_names`` gives them), files sorted within
each folder (walked recursively, folders in sorted order); with ``shuffle`` the whole list
is permuted once by ``np.random.RandomState(seed)``, then the LAST ``validation_split``
fraction is the validation subset.
"""

from __future__ import annotations

import os

import numpy as np


def index_directory(directory, labels, formats, class_names=None, follow_links=False):
    """``(file paths, labels or None, class names)`` in Keras' (unshuffled) order."""
    if not os.path.isdir(directory):
        raise ValueError(f"`directory` must be an existing folder; received {directory!r}")
    if labels == "inferred":
        subdirs = [d for d in sorted(os.listdir(directory))
                   if os.path.isdir(os.path.join(directory, d)) and not d.startswith(".")]
        if class_names is not None:
            if not set(class_names).issubset(subdirs):
                raise ValueError(
                    "The `class_names` passed did not match the names of the subdirectories "
                    f"of the target directory. Expected: {subdirs} (or a subset of it), but "
                    f"received: class_names={class_names}"
                )
            subdirs = list(class_names)
    else:
        if class_names is not None:
            raise ValueError("`class_names` can only be given with labels='inferred'; got "
                             f"labels={labels!r}")
        subdirs = [""]
    paths, found_labels = [], []
    for index, subdir in enumerate(subdirs):
        folder = os.path.join(directory, subdir)
        for root, _, files in sorted(os.walk(folder, followlinks=follow_links),
                                     key=lambda t: t[0]):
            for fname in sorted(files):
                if fname.lower().endswith(tuple(formats)):
                    paths.append(os.path.join(root, fname))
                    found_labels.append(index)
    if labels == "inferred":
        return paths, np.asarray(found_labels, dtype="int32"), subdirs
    if labels is None:
        return paths, None, None
    if len(labels) != len(paths):
        raise ValueError(
            f"Expected the lengths of `labels` to match the number of files in the target "
            f"directory. len(labels) is {len(labels)} while we found {len(paths)} files in "
            f"directory {directory}."
        )
    return paths, np.asarray(labels), [str(v) for v in sorted(set(labels))]


def check_arguments(labels, label_mode, validation_split, subset, shuffle, seed):
    """Keras' checks of the arguments every ``*_dataset_from_directory`` shares."""
    if labels not in ("inferred", None) and not isinstance(labels, (list, tuple, np.ndarray)):
        raise ValueError(
            "`labels` should be 'inferred', None, or a list/tuple of integer labels (one per "
            f"file, in sorted file order); got labels={labels!r}"
        )
    if label_mode not in ("int", "categorical", "binary", None):
        raise ValueError(
            f'`label_mode` must be one of "int", "categorical", "binary", or None; got '
            f"{label_mode!r}"
        )
    if validation_split is not None and not 0 < validation_split < 1:
        raise ValueError(f"`validation_split` must be between 0 and 1; got {validation_split}")
    if (validation_split or subset) and not (validation_split and subset):
        raise ValueError("`validation_split` and `subset` must be given together.")
    if subset not in (None, "training", "validation", "both"):
        raise ValueError(f'`subset` must be "training", "validation" or "both"; got {subset!r}')
    if validation_split and shuffle and seed is None:
        raise ValueError(
            "If using `validation_split` and shuffling the data, you must provide a `seed` "
            "argument, so the training and validation subsets do not overlap."
        )


def list_files(directory, labels, label_mode, class_names, formats, shuffle, seed,
               follow_links, verbose):
    """Index, check ``binary`` has two classes, report, and shuffle once with ``seed``."""
    directory = os.fspath(directory)
    paths, found, class_names = index_directory(directory, labels, formats, class_names,
                                                follow_links)
    if label_mode == "binary" and len(class_names) != 2:
        raise ValueError(
            f'When passing `label_mode="binary"`, there must be exactly 2 class_names; got '
            f"class_names={class_names}"
        )
    if verbose:
        if found is None:
            print(f"Found {len(paths)} files.")
        else:
            print(f"Found {len(paths)} files belonging to {len(class_names)} classes.")
    if shuffle:  # one global shuffle, as Keras does, before splitting
        order = np.random.RandomState(seed).permutation(len(paths))
        paths = [paths[i] for i in order]
        found = found[order] if found is not None else None
    return paths, found, class_names


def split(paths, labels, validation_split, subset):
    """The training (first) or validation (last ``validation_split``) part."""
    if not validation_split:
        return paths, labels
    num_val = int(validation_split * len(paths))
    if subset == "training":
        print(f"Using {len(paths) - num_val} files for training.")
        sl = slice(None, len(paths) - num_val)
    elif subset == "validation":
        print(f"Using {num_val} files for validation.")
        sl = slice(len(paths) - num_val, None)
    else:
        raise ValueError(f'`subset` must be either "training" or "validation"; got {subset!r}')
    return paths[sl], (labels[sl] if labels is not None else None)


def encode_labels(labels, label_mode, num_classes):
    """Labels as Keras gives them: int32 indices, float32 ``(n, 1)`` for ``binary``, one-hot
    float32 for ``categorical``."""
    labels = np.asarray(labels)
    if label_mode == "int":
        return labels.astype("int32")
    if label_mode == "binary":
        return labels.astype("float32").reshape(-1, 1)
    if label_mode == "categorical":
        return np.eye(num_classes, dtype="float32")[labels]
    return labels
