"""The string hashes TensorFlow uses for Keras' hashing layers, without TensorFlow.

- ``tf.strings.to_hash_bucket_fast``: FarmHash ``Fingerprint64`` of the UTF-8 bytes, modulo
  the number of buckets (unsigned). FarmHash comes from the ``pyfarmhash`` package (its
  ``farmhash.fingerprint64`` is the same function, ``farmhashna::Hash64``).
- ``tf.strings.to_hash_bucket_strong``: SipHash-2-4 keyed by two 64-bit integers (the salt).
- ``tf.sparse.cross_hashed`` folds the hashes of a row's features with ``FingerprintCat64``,
  starting from TF's default hash key; a string feature hashes to its Fingerprint64 and an
  integer feature to its own (64-bit) value.
- Numbers are hashed as their decimal strings (``tf.strings.as_string``).

>>> hash_bucket_fast(["hello"], 1000).tolist()                    # doctest: +SKIP
[296]
"""

from __future__ import annotations

import numpy as np

_M64 = (1 << 64) - 1
_CROSS_MUL = 0xC6A4A7935BD1E995
CROSS_HASH_KEY = 0xDECAFCAFFE  # tf.sparse.cross_hashed's default hash_key


def _farmhash():
    try:
        import farmhash
    except ImportError:
        raise ImportError(
            "Hashing, HashedCrossing and lookups with several OOV indices hash strings with "
            "FarmHash, which lamina takes from the `pyfarmhash` package. Install it with "
            "`pip install pyfarmhash` (or `pip install lamina[text]`)."
        ) from None
    return farmhash


def _as_bytes(value) -> bytes:
    if isinstance(value, bytes):
        return value
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value)).lower().encode()
    if isinstance(value, (int, np.integer)):
        return str(int(value)).encode()
    return str(value).encode("utf-8")


def fingerprint64(value) -> int:
    """FarmHash Fingerprint64 of a string, bytes or integer (its decimal string)."""
    return _farmhash().fingerprint64(_as_bytes(value))


def _rotl(x, b):
    return ((x << b) | (x >> (64 - b))) & _M64


def siphash24(key0: int, key1: int, data: bytes) -> int:
    """SipHash-2-4 of ``data`` under the 128-bit key ``(key0, key1)``."""
    k0, k1 = key0 & _M64, key1 & _M64
    v0, v1 = k0 ^ 0x736F6D6570736575, k1 ^ 0x646F72616E646F6D
    v2, v3 = k0 ^ 0x6C7967656E657261, k1 ^ 0x7465646279746573

    def rounds(v0, v1, v2, v3, n):
        for _ in range(n):
            v0 = (v0 + v1) & _M64
            v1 = _rotl(v1, 13) ^ v0
            v0 = _rotl(v0, 32)
            v2 = (v2 + v3) & _M64
            v3 = _rotl(v3, 16) ^ v2
            v0 = (v0 + v3) & _M64
            v3 = _rotl(v3, 21) ^ v0
            v2 = (v2 + v1) & _M64
            v1 = _rotl(v1, 17) ^ v2
            v2 = _rotl(v2, 32)
        return v0, v1, v2, v3

    n = len(data)
    end = n - n % 8
    for i in range(0, end, 8):
        m = int.from_bytes(data[i:i + 8], "little")
        v3 ^= m
        v0, v1, v2, v3 = rounds(v0, v1, v2, v3, 2)
        v0 ^= m
    last = ((n & 0xFF) << 56) | int.from_bytes(data[end:], "little")
    v3 ^= last
    v0, v1, v2, v3 = rounds(v0, v1, v2, v3, 2)
    v0 ^= last
    v2 ^= 0xFF
    v0, v1, v2, v3 = rounds(v0, v1, v2, v3, 4)
    return v0 ^ v1 ^ v2 ^ v3


def _flat_bytes(values):
    values = np.asarray(values)
    return values.shape, [_as_bytes(v) for v in values.reshape(-1).tolist()]


def hash_bucket_fast(values, num_buckets: int) -> np.ndarray:
    """``tf.strings.to_hash_bucket_fast``: int64 bucket ids, same shape as ``values``."""
    shape, items = _flat_bytes(values)
    fp = _farmhash().fingerprint64
    return np.array([fp(b) % num_buckets for b in items], dtype=np.int64).reshape(shape)


def hash_bucket_strong(values, num_buckets: int, key) -> np.ndarray:
    """``tf.strings.to_hash_bucket_strong`` with ``key=[k0, k1]``."""
    shape, items = _flat_bytes(values)
    k0, k1 = int(key[0]), int(key[1])
    return np.array([siphash24(k0, k1, b) % num_buckets for b in items],
                    dtype=np.int64).reshape(shape)


def _shift_mix(v):
    return v ^ (v >> 47)


def fingerprint_cat64(fp1: int, fp2: int) -> int:
    """TF's ``FingerprintCat64``: combine two 64-bit fingerprints (order matters)."""
    result = fp1 ^ _CROSS_MUL
    result ^= (_shift_mix((fp2 * _CROSS_MUL) & _M64) * _CROSS_MUL) & _M64
    result = (result * _CROSS_MUL) & _M64
    result = (_shift_mix(result) * _CROSS_MUL) & _M64
    return _shift_mix(result)


def cross_feature_hash(value) -> int:
    """One feature's hash inside ``tf.sparse.cross_hashed``: strings by Fingerprint64,
    integers by their own two's-complement 64-bit value."""
    if isinstance(value, (str, bytes)):
        return fingerprint64(value)
    return int(value) & _M64


def cross_hashed(columns, num_buckets: int) -> np.ndarray:
    """Hash the crossing of equally long 1-D feature columns, row by row."""
    out = np.empty(len(columns[0]), dtype=np.int64)
    for row in range(len(out)):
        h = CROSS_HASH_KEY
        for col in columns:
            h = fingerprint_cat64(h, cross_feature_hash(col[row]))
        out[row] = h % num_buckets
    return out
