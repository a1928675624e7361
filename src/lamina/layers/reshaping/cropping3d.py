"""Cropping3D: drop cells at the edges of the 3 spatial axes."""

from __future__ import annotations

from lamina.layers.reshaping.cropping import BaseCropping


class Cropping3D(BaseCropping):
    """Remove (start, end) cells per spatial axis.

    >>> import lamina
    >>> tuple(lamina.layers.Cropping3D()(lamina.ops.ones((1, 4, 4, 4, 1))).shape)
    (1, 2, 2, 2, 1)
    """

    rank = 3

    def __init__(self, cropping=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(cropping, data_format, **kwargs)
