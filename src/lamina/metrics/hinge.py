"""Hinge metrics: the running means of the hinge losses.

>>> m = Hinge()
>>> m.update_state([[0.0, 1.0]], [[0.3, 0.8]])
>>> float(m.result())
0.75
"""

from __future__ import annotations

from lamina.losses.hinge import categorical_hinge, hinge, squared_hinge
from lamina.metrics.reduction import _BuiltinMeanMetric


class Hinge(_BuiltinMeanMetric):
    """The mean hinge loss over all samples seen (see ``losses.hinge``).

    >>> m = Hinge()
    >>> m.update_state([[-1.0, 1.0]], [[-2.0, 0.5]])
    >>> float(m.result())
    0.25
    """

    _direction = "down"

    def __init__(self, name="hinge", dtype=None):
        super().__init__(fn=hinge, name=name, dtype=dtype)


class SquaredHinge(_BuiltinMeanMetric):
    """The mean squared hinge loss over all samples seen.

    >>> m = SquaredHinge()
    >>> m.update_state([[-1.0, 1.0]], [[-2.0, 0.5]])
    >>> float(m.result())
    0.125
    """

    _direction = "down"

    def __init__(self, name="squared_hinge", dtype=None):
        super().__init__(fn=squared_hinge, name=name, dtype=dtype)


class CategoricalHinge(_BuiltinMeanMetric):
    """The mean categorical hinge loss over all samples seen.

    >>> m = CategoricalHinge()
    >>> m.update_state([[0.0, 1.0]], [[0.3, 0.8]])
    >>> float(m.result())
    0.5
    """

    _direction = "down"

    def __init__(self, name="categorical_hinge", dtype=None):
        super().__init__(fn=categorical_hinge, name=name, dtype=dtype)
