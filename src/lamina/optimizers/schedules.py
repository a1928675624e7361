"""Learning-rate schedules: the learning rate as a function of the optimizer's step.

The built-in schedules compute in Python floats (Keras computes the same formulas in float32
tensors), so an optimizer asks for its rate once per step without any tensor work. They take
a step given as a Python int or a 0-d tensor.

>>> from lamina.optimizers import SGD, schedules
>>> lr = schedules.ExponentialDecay(0.1, decay_steps=1000, decay_rate=0.96, staircase=True)
>>> opt = SGD(learning_rate=lr)
>>> round(lr(2000), 6)
0.09216
"""

from __future__ import annotations

import bisect
import math

from lamina.utils import registry

__all__ = [
    "CosineDecay",
    "CosineDecayRestarts",
    "ExponentialDecay",
    "InverseTimeDecay",
    "LearningRateSchedule",
    "PiecewiseConstantDecay",
    "PolynomialDecay",
    "deserialize",
    "serialize",
]


class LearningRateSchedule:
    """Base class: subclass it and implement ``__call__(step)`` (and ``get_config``).

    >>> class Halving(LearningRateSchedule):
    ...     def __init__(self, lr): self.lr = lr
    ...     def __call__(self, step): return self.lr / (step + 1)
    ...     def get_config(self): return {"lr": self.lr}
    """

    # True for schedules that accept a Python int step (the built-ins): the optimizer then
    # passes its cached step count instead of the iterations variable.
    _takes_python_step = False

    def __call__(self, step):
        raise NotImplementedError(
            f"Learning rate schedule '{type(self).__name__}' must override `__call__(self, step)`."
        )

    def get_config(self):
        raise NotImplementedError(
            f"Learning rate schedule '{type(self).__name__}' must override `get_config()` "
            "in order to be serializable."
        )

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _check_steps(name, value):
    if value <= 0:
        raise ValueError(f"Argument `{name}` must be > 0. Received: {name}={value}")


class _RateDecay(LearningRateSchedule):
    """Base of the schedules that decay ``initial_learning_rate`` by ``decay_rate`` per
    ``decay_steps`` steps: subclasses say how, from ``_periods(step)``."""

    _takes_python_step = True

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase, name):
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name
        _check_steps("decay_steps", decay_steps)

    def _periods(self, step):
        """``step / decay_steps``, floored if ``staircase``."""
        p = float(step) / self.decay_steps
        return math.floor(p) if self.staircase else p

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


class ExponentialDecay(_RateDecay):
    """``initial_learning_rate * decay_rate ** (step / decay_steps)`` (floored if staircase).

    >>> ExponentialDecay(1.0, decay_steps=10, decay_rate=0.5)(20)
    0.25
    """

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        decay_rate,
        staircase=False,
        name="ExponentialDecay",
    ):
        super().__init__(initial_learning_rate, decay_steps, decay_rate, staircase, name)

    def __call__(self, step):
        return self.initial_learning_rate * self.decay_rate ** self._periods(step)


class PiecewiseConstantDecay(LearningRateSchedule):
    """``values[0]`` up to and including ``boundaries[0]``, ``values[1]`` up to ``boundaries[1]``...

    >>> s = PiecewiseConstantDecay([100, 200], [1.0, 0.5, 0.1])
    >>> s(100), s(101), s(500)
    (1.0, 0.5, 0.1)
    """

    _takes_python_step = True

    def __init__(self, boundaries, values, name="PiecewiseConstant"):
        if len(boundaries) != len(values) - 1:
            raise ValueError(
                "The length of boundaries should be 1 less than the length of values. "
                f"Received: boundaries={boundaries} of length {len(boundaries)}, and "
                f"values={values} of length {len(values)}."
            )
        self.boundaries = boundaries
        self.values = values
        self.name = name

    def __call__(self, step):
        # Number of boundaries strictly below the step = index of the value in force.
        return self.values[bisect.bisect_left(self.boundaries, float(step))]

    def get_config(self):
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class PolynomialDecay(LearningRateSchedule):
    """From ``initial_learning_rate`` to ``end_learning_rate`` along ``(1 - step/decay_steps)**power``.

    >>> PolynomialDecay(1.0, decay_steps=10, end_learning_rate=0.0)(5)
    0.5
    """

    _takes_python_step = True

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        end_learning_rate=0.0001,
        power=1.0,
        cycle=False,
        name="PolynomialDecay",
    ):
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name
        _check_steps("decay_steps", decay_steps)

    def __call__(self, step):
        step = float(step)
        decay_steps = float(self.decay_steps)
        if self.cycle:
            decay_steps *= 1.0 if step == 0 else math.ceil(step / self.decay_steps)
        else:
            step = min(step, decay_steps)
        p = step / decay_steps
        return (self.initial_learning_rate - self.end_learning_rate) * (1 - p) ** self.power + (
            self.end_learning_rate
        )

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "end_learning_rate": self.end_learning_rate,
            "power": self.power,
            "cycle": self.cycle,
            "name": self.name,
        }


class InverseTimeDecay(_RateDecay):
    """``initial_learning_rate / (1 + decay_rate * step / decay_steps)``.

    ``InverseTimeDecay(lr, decay_steps=1, decay_rate=d)`` is Keras 2's ``decay=d`` argument.

    >>> InverseTimeDecay(1.0, decay_steps=1, decay_rate=0.5)(2)
    0.5
    """

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        decay_rate,
        staircase=False,
        name="InverseTimeDecay",
    ):
        super().__init__(initial_learning_rate, decay_steps, decay_rate, staircase, name)

    def __call__(self, step):
        return self.initial_learning_rate / (1.0 + self.decay_rate * self._periods(step))


class CosineDecay(LearningRateSchedule):
    """Cosine decay to ``alpha * rate``, after an optional linear warmup to ``warmup_target``.

    >>> s = CosineDecay(0.0, decay_steps=100, warmup_target=1.0, warmup_steps=10)
    >>> s(5), s(10), s(110)
    (0.5, 1.0, 0.0)
    """

    _takes_python_step = True

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        alpha=0.0,
        name="CosineDecay",
        warmup_target=None,
        warmup_steps=0,
    ):
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.name = name
        self.warmup_steps = warmup_steps
        self.warmup_target = warmup_target
        _check_steps("decay_steps", decay_steps)

    def _decay(self, step, start_lr):
        cosine = 0.5 * (1.0 + math.cos(math.pi * step / self.decay_steps))
        return start_lr * ((1 - self.alpha) * cosine + self.alpha)

    def __call__(self, step):
        step = float(step)
        if self.warmup_target is None:
            return self._decay(min(step, self.decay_steps), self.initial_learning_rate)
        step = min(step, self.decay_steps + self.warmup_steps)
        if step < self.warmup_steps:
            delta = self.warmup_target - self.initial_learning_rate
            return delta * (step / self.warmup_steps) + self.initial_learning_rate
        return self._decay(step - self.warmup_steps, self.warmup_target)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "alpha": self.alpha,
            "name": self.name,
            "warmup_target": self.warmup_target,
            "warmup_steps": self.warmup_steps,
        }


class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts (SGDR): periods grow by ``t_mul``, peaks by ``m_mul``.

    >>> s = CosineDecayRestarts(1.0, first_decay_steps=10)
    >>> s(0), s(10)
    (1.0, 1.0)
    """

    _takes_python_step = True

    def __init__(
        self,
        initial_learning_rate,
        first_decay_steps,
        t_mul=2.0,
        m_mul=1.0,
        alpha=0.0,
        name="SGDRDecay",
    ):
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = first_decay_steps
        self._t_mul = t_mul
        self._m_mul = m_mul
        self.alpha = alpha
        self.name = name
        _check_steps("first_decay_steps", first_decay_steps)

    def __call__(self, step):
        fraction = float(step) / self.first_decay_steps
        t_mul = self._t_mul
        if t_mul == 1.0:
            restart = math.floor(fraction)
            fraction -= restart
        else:
            # Restart i begins after sum_{k<i} t_mul**k = (1 - t_mul**i) / (1 - t_mul) periods.
            restart = math.floor(math.log(1.0 - fraction * (1.0 - t_mul)) / math.log(t_mul))
            done = (1.0 - t_mul**restart) / (1.0 - t_mul)
            fraction = (fraction - done) / t_mul**restart
        peak = self._m_mul**restart
        cosine = 0.5 * peak * (1.0 + math.cos(math.pi * fraction))
        return self.initial_learning_rate * ((1 - self.alpha) * cosine + self.alpha)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "first_decay_steps": self.first_decay_steps,
            "t_mul": self._t_mul,
            "m_mul": self._m_mul,
            "alpha": self.alpha,
            "name": self.name,
        }


_MODULE = "keras.optimizers.schedules"
_ALL = {
    cls.__name__: cls
    for cls in (
        LearningRateSchedule,
        ExponentialDecay,
        PiecewiseConstantDecay,
        PolynomialDecay,
        InverseTimeDecay,
        CosineDecay,
        CosineDecayRestarts,
    )
}


def serialize(learning_rate_schedule) -> dict:
    """Keras' dict form of a schedule.

    >>> serialize(InverseTimeDecay(0.1, 1, 0.5))["class_name"]
    'InverseTimeDecay'
    """
    return registry.serialize_object(learning_rate_schedule, _MODULE)


def deserialize(config, custom_objects=None):
    """A schedule from its dict form (``{"class_name": ..., "config": {...}}``)."""
    return registry.deserialize_object(config, _ALL, custom_objects, kind="learning rate schedule")
