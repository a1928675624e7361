"""MaxPooling1D: maximum over windows of a 1-D input."""

from __future__ import annotations

from lamina.layers.pooling.base_pooling import BasePooling


class MaxPooling1D(BasePooling):
    """The maximum of each ``pool_size`` window, moved ``strides`` (default ``pool_size``) cells.

    >>> import lamina
    >>> tuple(lamina.layers.MaxPooling1D()(lamina.ops.ones((2, 6, 3))).shape)
    (2, 3, 3)
    """

    rank = 1
    mode = "max"

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None, name=None,
                 **kwargs):
        super().__init__(pool_size, strides, padding, data_format, name=name, **kwargs)
