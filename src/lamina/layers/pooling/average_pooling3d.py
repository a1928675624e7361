"""AveragePooling3D: mean over windows of a 3-D input."""

from __future__ import annotations

from lamina.layers.pooling.base_pooling import BasePooling


class AveragePooling3D(BasePooling):
    """The mean of each ``pool_size`` window, moved ``strides`` (default ``pool_size``) cells.

    >>> import lamina
    >>> tuple(lamina.layers.AveragePooling3D((2, 2, 2))(lamina.ops.ones((1, 4, 4, 4, 2))).shape)
    (1, 2, 2, 2, 2)
    """

    rank = 3
    mode = "average"

    def __init__(self, pool_size, strides=None, padding="valid", data_format=None, name=None,
                 **kwargs):
        super().__init__(pool_size, strides, padding, data_format, name=name, **kwargs)
