"""File plumbing shared by the savers: atomic writes, overwrite checks, opening HDF5 safely.

A save writes a temporary file in the target's folder and renames it into place, so a crash
half-way leaves the old file intact (``os.replace`` is atomic within one filesystem).

>>> with atomic_write("model.weights.h5") as tmp:      # doctest: +SKIP
...     write_h5(tmp)
"""

from __future__ import annotations

import contextlib
import errno
import math
import os
import tempfile

import h5py
import numpy as np

HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
ZIP_SIGNATURE = b"PK\x03\x04"


def fspath(filepath) -> str:
    if not isinstance(filepath, (str, os.PathLike)):
        raise TypeError(
            f"Expected a file path (str or os.PathLike), got {type(filepath).__name__}: {filepath!r}"
        )
    return os.fspath(filepath)


def check_overwrite(path: str, overwrite: bool) -> None:
    """Refuse to replace an existing file when ``overwrite=False``."""
    if not overwrite and os.path.exists(path):
        raise FileExistsError(
            f"The file {path!r} already exists and overwrite=False. Pass overwrite=True to "
            "replace it, or choose another path."
        )


@contextlib.contextmanager
def atomic_write(path: str):
    """Yield a temporary path next to ``path``; on success rename it onto ``path``."""
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
    os.close(fd)
    try:
        yield tmp
        os.replace(tmp, path)
    except OSError as e:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        kept = "the previous file is unchanged" if os.path.exists(path) else "nothing was written"
        hint = " (the disk is full)" if e.errno == errno.ENOSPC else ""
        raise type(e)(e.errno, f"Could not save {path!r}: {e.strerror or e}{hint}; {kept}.") \
            from e
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        raise


def file_signature(path: str) -> bytes:
    """The first 8 bytes of the file (to tell a zip from an HDF5 file from anything else)."""
    if not os.path.exists(path):
        raise FileNotFoundError(f"No such file: {path!r}")
    if os.path.isdir(path):
        raise ValueError(
            f"{path!r} is a directory. lamina loads `.keras` files and `.h5` files; a TensorFlow "
            "SavedModel directory cannot be loaded (Keras 3 cannot load it either)."
        )
    with open(path, "rb") as f:
        return f.read(8)


def open_h5(source, what: str):
    """Open an HDF5 file for reading; a file that is not HDF5 raises a ValueError naming it.

    The file is checked before anything is read (``check_h5``): it must be self-contained.
    """
    try:
        f = h5py.File(source, "r")
    except FileNotFoundError:
        raise
    except (OSError, ValueError) as e:
        raise ValueError(f"{what} is not a valid HDF5 file ({_short(e)}).") from None
    try:
        check_h5(f, what)
    except BaseException:
        f.close()
        raise
    return f


def check_h5(h5file, what: str) -> None:
    """Refuse an HDF5 file that would make h5py read other files: external links, soft links
    (Keras writes neither), virtual datasets and datasets stored in external raw files.

    Links are read without being followed (``getlink=True``), so nothing outside the file is
    opened; each group is walked once, also where hard links make cycles.
    """
    seen = set()

    def walk(group):
        if group.id in seen:
            return
        seen.add(group.id)
        for name in group:
            link = group.get(name, getlink=True)
            where = f"{group.name.rstrip('/')}/{name}"
            if isinstance(link, (h5py.ExternalLink, h5py.SoftLink)):
                kind = "an external link" if isinstance(link, h5py.ExternalLink) else "a soft link"
                target = f"{link.filename}:{link.path}" if isinstance(link, h5py.ExternalLink) \
                    else link.path
                raise ValueError(
                    f"Not allowed: {what} holds {kind} at {where!r} (to {target!r}); lamina "
                    "reads only self-contained weight files and does not follow it.")
            item = group.get(name)
            if isinstance(item, h5py.Group):
                walk(item)
            elif isinstance(item, h5py.Dataset) and (item.is_virtual or item.external):
                kind = "a virtual dataset" if item.is_virtual else \
                    "a dataset stored in external files"
                raise ValueError(
                    f"Not allowed: {what} holds {kind} at {where!r}, whose data would be read "
                    "from other files.")

    walk(h5file)


# The largest weight array a file may hold (8 GiB, as Keras' guard against HDF5 datasets that
# declare absurd shapes): reading one allocates it, whatever the file's size on disk.
MAX_DATASET_BYTES = 1 << 33


def read_dataset(dataset, what: str, max_bytes: int = MAX_DATASET_BYTES):
    """A weight array from an HDF5 dataset: numbers only, of a sane size, read as NumPy."""
    if not isinstance(dataset, h5py.Dataset):
        # the file's content is wrong, not the caller's argument: ValueError
        raise ValueError(f"{what}: '{dataset.name}' is a group, not a weight array")  # noqa: TRY004
    kind = dataset.dtype.kind
    if kind not in "biufc" or dataset.dtype.names is not None:
        raise ValueError(
            f"{what}: the weight array '{dataset.name}' has dtype {dataset.dtype} (strings, "
            "objects or records), not numbers.")
    size = math.prod(dataset.shape or ()) * dataset.dtype.itemsize
    if size > max_bytes:
        raise ValueError(
            f"{what}: the weight array '{dataset.name}' declares shape {dataset.shape} "
            f"({size} bytes), more than the {max_bytes} lamina reads.")
    return np.asarray(dataset[()])


def _short(error) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return text[:200]


def attr_text(value):
    """An HDF5 attribute as text (h5py gives bytes or str depending on how it was written)."""
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if hasattr(value, "tolist") and not isinstance(value, str):
        value = value.tolist()
        if isinstance(value, bytes):
            return value.decode("utf-8")
    return value


def attr_list(group, name: str) -> list:
    """A list attribute (``layer_names``, ``weight_names``), also when split in chunks
    (``name0``, ``name1``...) as Keras does for long lists."""
    if name in group.attrs:
        raw = group.attrs[name]
    else:
        raw, i = [], 0
        while f"{name}{i}" in group.attrs:
            raw.extend(group.attrs[f"{name}{i}"])
            i += 1
    return [v.decode("utf-8") if isinstance(v, bytes) else str(v) for v in raw]
