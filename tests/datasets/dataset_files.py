"""Writers of each data set's true file format, for the tests (small files in tmp folders)."""

import gzip
import io
import pickle
import tarfile

import numpy as np


def cifar_batch(images, labels_by_key):
    """A pickled CIFAR batch dict with bytes keys, as the real files have."""
    data = {b"batch_label": b"test", b"data": images.reshape(len(images), -1)}
    for key, labels in labels_by_key.items():
        data[key.encode()] = [int(v) for v in labels]
    return pickle.dumps(data, protocol=4)


def write_tar(path, folder, files):
    with tarfile.open(path, "w:gz") as tar:
        for name, payload in files.items():
            info = tarfile.TarInfo(f"{folder}/{name}")
            info.size = len(payload)
            tar.addfile(info, io.BytesIO(payload))


def write_idx_gz(path, array):
    """An IDX file (magic 0x0803 images / 0x0801 labels, big-endian sizes), gzipped."""
    array = np.asarray(array, np.uint8)
    magic = (0x0800 | array.ndim).to_bytes(4, "big")
    header = magic + b"".join(int(d).to_bytes(4, "big") for d in array.shape)
    with gzip.open(path, "wb") as f:
        f.write(header + array.tobytes())


def word_lists(rng, n, max_len=12, vocab=40):
    out = np.empty(n, dtype=object)
    for i in range(n):
        out[i] = [int(w) for w in rng.integers(1, vocab, rng.integers(1, max_len))]
    return out
