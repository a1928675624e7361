"""Reading the pickled parts of data-set files (CIFAR batches, IMDB/Reuters object arrays)
without running code from them.

A pickle can call any importable function while it loads. The data sets need only NumPy
arrays, lists, dicts, numbers and strings, so the unpickler here resolves just the three
NumPy names that rebuild an array and refuses every other global (rule 9: files are data).

>>> import io, pickle, numpy as np
>>> load_pickle(io.BytesIO(pickle.dumps({"a": np.arange(3)})))["a"].tolist()
[0, 1, 2]
"""

from __future__ import annotations

import io
import pickle
import zipfile

import numpy as np

# (module, name) pairs a pickled ndarray needs; numpy 2 moved numpy.core to numpy._core.
_ARRAY_GLOBALS = frozenset({
    ("numpy", "ndarray"),
    ("numpy", "dtype"),
    ("numpy.core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "_reconstruct"),
})


class _DataUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) in _ARRAY_GLOBALS:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(
            f"Refusing to load `{module}.{name}` from a data-set file: only NumPy arrays and "
            "plain Python values are allowed. The file may be corrupted or malicious."
        )


def load_pickle(fileobj, encoding: str = "ASCII"):
    """Unpickle data (arrays, lists, dicts, numbers, strings) and nothing else."""
    return _DataUnpickler(fileobj, encoding=encoding).load()


def _read_npy(buffer: io.BytesIO) -> np.ndarray:
    version = np.lib.format.read_magic(buffer)
    if version == (1, 0):
        shape, _, dtype = np.lib.format.read_array_header_1_0(buffer)
    elif version in ((2, 0), (3, 0)):
        shape, _, dtype = np.lib.format.read_array_header_2_0(buffer)
    else:
        raise ValueError(f"Unsupported .npy format version {version}")
    if not dtype.hasobject:
        buffer.seek(0)
        return np.lib.format.read_array(buffer, allow_pickle=False)
    # An object array (lists of word indices) is stored as a pickle after the header.
    array = load_pickle(buffer, encoding="latin1")
    if not isinstance(array, np.ndarray) or array.shape != tuple(shape):
        raise ValueError(f"Corrupted .npy member: expected an array of shape {shape}")
    return array


def load_npz(path) -> dict:
    """Every array of an ``.npz`` file, object arrays included, read without running code."""
    arrays = {}
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.endswith(".npy"):
                with archive.open(name) as member:
                    arrays[name[: -len(".npy")]] = _read_npy(io.BytesIO(member.read()))
    return arrays
