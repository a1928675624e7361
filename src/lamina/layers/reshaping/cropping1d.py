"""Cropping1D: drop cells at the edges of the 1 spatial axes."""

from __future__ import annotations

from lamina.layers.reshaping.cropping import BaseCropping


class Cropping1D(BaseCropping):
    """Remove (start, end) cells per spatial axis (steps axis, channels_last).

    >>> import lamina
    >>> tuple(lamina.layers.Cropping1D()(lamina.ops.ones((2, 6, 3))).shape)
    (2, 4, 3)
    """

    rank = 1

    def __init__(self, cropping=(1, 1), **kwargs):
        super().__init__(cropping, None, **kwargs)
