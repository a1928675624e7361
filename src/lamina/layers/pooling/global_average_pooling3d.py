"""GlobalAveragePooling3D: the mean over every spatial position."""

from __future__ import annotations

from lamina.layers.pooling.base_global_pooling import BaseGlobalPooling


class GlobalAveragePooling3D(BaseGlobalPooling):
    """The mean over all spatial axes, per channel.

    >>> import lamina
    >>> tuple(lamina.layers.GlobalAveragePooling3D()(lamina.ops.ones((1, 4, 4, 4, 2))).shape)
    (1, 2)
    """

    rank = 3
    mode = "average"
