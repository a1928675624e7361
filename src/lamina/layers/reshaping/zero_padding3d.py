"""ZeroPadding3D: zeros around the 3 spatial axes."""

from __future__ import annotations

from lamina.layers.reshaping.zero_padding import BaseZeroPadding


class ZeroPadding3D(BaseZeroPadding):
    """Pad with zeros: an int, 3 ints, or (before, after) pairs per axis.

    >>> import lamina
    >>> tuple(lamina.layers.ZeroPadding3D()(lamina.ops.ones((1, 2, 2, 2, 1))).shape)
    (1, 4, 4, 4, 1)
    """

    rank = 3

    def __init__(self, padding=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(padding, data_format, **kwargs)
