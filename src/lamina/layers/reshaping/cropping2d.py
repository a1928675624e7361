"""Cropping2D: drop cells at the edges of the 2 spatial axes."""

from __future__ import annotations

from lamina.layers.reshaping.cropping import BaseCropping


class Cropping2D(BaseCropping):
    """Remove (start, end) cells per spatial axis.

    >>> import lamina
    >>> tuple(lamina.layers.Cropping2D(1)(lamina.ops.ones((2, 4, 4, 3))).shape)
    (2, 2, 2, 3)
    """

    rank = 2

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(cropping, data_format, **kwargs)
