"""Random tensors (``keras.random``): normal, uniform, randint, dropout, shuffle, ...

``seed`` is an int (the same values on every call, as in Keras), a ``SeedGenerator`` (new
values on every call, reproducibly), or None (new values from the global generator, which
``lamina.utils.set_random_seed`` seeds).

>>> from lamina import random
>>> random.normal((2, 3), seed=1).shape
torch.Size([2, 3])
>>> gen = random.SeedGenerator(42)
>>> bool((random.uniform((3,), seed=gen) != random.uniform((3,), seed=gen)).any())
True
"""

from __future__ import annotations

import random as _pyrandom

from lamina import config
from lamina.backend import distributions as _dist
from lamina.backend import random as _random
from lamina.utils import registry


class SeedGenerator:
    """A seed that moves on at every draw, so successive calls differ but a run repeats.

    >>> gen = SeedGenerator(seed=1337)
    >>> a = normal((2,), seed=gen); b = normal((2,), seed=gen)   # different values
    """

    def __init__(self, seed=None, name=None, **kwargs):
        if seed is None:
            seed = _pyrandom.randint(0, 2**31 - 1)  # seeded by set_random_seed
        if not isinstance(seed, int) or isinstance(seed, bool):
            raise ValueError(f"SeedGenerator: seed must be an int or None; got {seed!r}")
        self._initial_seed = seed
        self.name = name or registry.unique_name("seed_generator")
        self._generator = _random.make_generator(seed)

    def next(self, ordered=True):
        """The engine generator, advanced by every draw made from it."""
        return self._generator

    @property
    def state(self):
        return self._initial_seed

    def get_config(self):
        return {"seed": self._initial_seed}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<SeedGenerator seed={self._initial_seed}>"


def _seed(seed):
    if isinstance(seed, SeedGenerator):
        return seed.next()
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
        raise ValueError(
            f"seed must be an int, a SeedGenerator or None; got {type(seed).__name__}"
        )
    return seed


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Draws from a normal distribution."""
    return _random.normal(shape, mean, stddev, dtype or config.floatx(), _seed(seed))


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    """Draws from a uniform distribution on ``[minval, maxval)``."""
    return _random.uniform(shape, minval, maxval, dtype or config.floatx(), _seed(seed))


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Normal draws, redrawn when more than two standard deviations from the mean."""
    return _random.truncated_normal(shape, mean, stddev, dtype or config.floatx(), _seed(seed))


def randint(shape, minval, maxval, dtype="int32", seed=None):
    """Integers in ``[minval, maxval)``."""
    return _random.randint(shape, minval, maxval, dtype, _seed(seed))


def categorical(logits, num_samples, dtype="int32", seed=None):
    """Class indices drawn from the softmax of each row of ``logits``."""
    return _dist.categorical(logits, num_samples, dtype, _seed(seed))


def dropout(inputs, rate, noise_shape=None, seed=None):
    """Inverted dropout: zero entries with probability ``rate``, scale the rest up."""
    return _dist.dropout(inputs, rate, noise_shape, _seed(seed))


def shuffle(x, axis=0, seed=None):
    """``x`` shuffled along ``axis``."""
    return _dist.shuffle(x, axis, _seed(seed))


def gamma(shape, alpha, dtype=None, seed=None):
    """Draws from Gamma(alpha, 1)."""
    return _dist.gamma(shape, alpha, dtype, _seed(seed))


def binomial(shape, counts, probabilities, dtype=None, seed=None):
    """Draws from Binomial(counts, probabilities)."""
    return _dist.binomial(shape, counts, probabilities, dtype, _seed(seed))


def beta(shape, alpha, beta, dtype=None, seed=None):
    """Draws from Beta(alpha, beta)."""
    return _dist.beta(shape, alpha, beta, dtype, _seed(seed))


__all__ = ["SeedGenerator", "beta", "binomial", "categorical", "dropout", "gamma", "normal",
           "randint", "shuffle", "truncated_normal", "uniform"]
