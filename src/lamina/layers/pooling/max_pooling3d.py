"""MaxPooling3D: maximum over windows of a 3-D input."""

from __future__ import annotations

from lamina.layers.pooling.base_pooling import BasePooling


class MaxPooling3D(BasePooling):
    """The maximum of each ``pool_size`` window, moved ``strides`` (default ``pool_size``) cells.

    >>> import lamina
    >>> tuple(lamina.layers.MaxPooling3D()(lamina.ops.ones((1, 4, 4, 4, 2))).shape)
    (1, 2, 2, 2, 2)
    """

    rank = 3
    mode = "max"

    def __init__(self, pool_size=(2, 2, 2), strides=None, padding="valid", data_format=None, name=None,
                 **kwargs):
        super().__init__(pool_size, strides, padding, data_format, name=name, **kwargs)
