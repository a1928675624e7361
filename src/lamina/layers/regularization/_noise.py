"""The random source of a noise layer: a seeded generator, or the engine's global one."""

from __future__ import annotations

from lamina.backend import random


class NoiseSource:
    """Reproducible draws when ``seed`` is an int (one generator per layer), global when None."""

    def __init__(self, seed):
        self.seed = seed
        self._generator = None

    def __call__(self):
        if self.seed is None:
            return None
        if self._generator is None:
            self._generator = random.make_generator(self.seed)
        return self._generator
