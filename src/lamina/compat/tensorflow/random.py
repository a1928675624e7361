"""``tf.random``: draws from lamina's seeded generators."""

from __future__ import annotations

from lamina import random as _random
from lamina.compat.tensorflow._dtypes import _name_of
from lamina.compat.tensorflow._tensors import _t, _unsupported


def set_seed(seed):
    """Seed the global generators (Python, NumPy, engine), as ``keras.utils.set_random_seed``."""
    from lamina.utils import set_random_seed

    set_random_seed(int(seed))


def normal(shape, mean=0.0, stddev=1.0, dtype="float32", seed=None, name=None):
    return _random.normal(tuple(shape), mean=mean, stddev=stddev, dtype=_name_of(dtype),
                          seed=seed)


def uniform(shape, minval=0, maxval=None, dtype="float32", seed=None, name=None):
    dtype = _name_of(dtype)
    if dtype.startswith(("int", "uint")):
        if maxval is None:
            raise ValueError("tf.random.uniform: an integer dtype needs maxval")
        return _random.randint(tuple(shape), minval, maxval, dtype=dtype, seed=seed)
    return _random.uniform(tuple(shape), minval=minval, maxval=1.0 if maxval is None
                           else maxval, dtype=dtype, seed=seed)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype="float32", seed=None, name=None):
    return _random.truncated_normal(tuple(shape), mean=mean, stddev=stddev,
                                    dtype=_name_of(dtype), seed=seed)


def shuffle(value, seed=None, name=None):
    return _random.shuffle(_t(value), axis=0, seed=seed)


def categorical(logits, num_samples, dtype=None, seed=None, name=None):
    return _random.categorical(_t(logits), num_samples, dtype=_name_of(dtype) or "int64",
                               seed=seed)


def __getattr__(name):
    raise _unsupported(name, "tf.random")
