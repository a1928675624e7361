"""File plumbing shared by the savers: atomic writes, overwrite checks, opening HDF5 safely.

A save writes a temporary file in the target's folder and renames it into place, so a crash
half-way leaves the old file intact (``os.replace`` is atomic within one filesystem).

>>> with atomic_write("model.weights.h5") as tmp:      # doctest: +SKIP
...     write_h5(tmp)
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile

import h5py

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
    """Open an HDF5 file for reading; a file that is not HDF5 raises a ValueError naming it."""
    try:
        return h5py.File(source, "r")
    except FileNotFoundError:
        raise
    except (OSError, ValueError) as e:
        raise ValueError(f"{what} is not a valid HDF5 file ({_short(e)}).") from None


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
