"""ZeroPadding1D: zeros around the 1 spatial axes."""

from __future__ import annotations

from lamina.layers.reshaping.zero_padding import BaseZeroPadding


class ZeroPadding1D(BaseZeroPadding):
    """Pad with zeros: an int, 2 ints, or (before, after) pairs per axis.

    >>> import lamina
    >>> tuple(lamina.layers.ZeroPadding1D()(lamina.ops.ones((2, 4, 3))).shape)
    (2, 6, 3)
    """

    rank = 1

    def __init__(self, padding=1, data_format=None, **kwargs):
        super().__init__(padding, data_format, **kwargs)
