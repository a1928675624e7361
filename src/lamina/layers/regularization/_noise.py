"""Random draws shared by the noise layers: a seeded generator per layer, or torch's global one."""

from __future__ import annotations

from lamina.backend import random


class SeededNoise:
    """Draws for one layer: reproducible when ``seed`` is an int, global RNG when None."""

    def __init__(self, seed):
        self.seed = seed
        self._generator = None

    def generator(self):
        if self.seed is None:
            return None
        if self._generator is None:
            self._generator = random.make_generator(self.seed)
        return self._generator

    def normal(self, shape, mean, stddev, dtype):
        gen = self.generator()
        if gen is None:
            gen = random.make_generator(None)
        return random.normal(shape, mean, stddev, dtype, seed=gen)

    def uniform(self, shape, dtype):
        gen = self.generator()
        if gen is None:
            gen = random.make_generator(None)
        return random.uniform(shape, 0.0, 1.0, dtype, seed=gen)
