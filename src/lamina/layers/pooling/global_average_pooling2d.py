"""GlobalAveragePooling2D: the mean over every spatial position."""

from __future__ import annotations

from lamina.layers.pooling.base_global_pooling import BaseGlobalPooling


class GlobalAveragePooling2D(BaseGlobalPooling):
    """The mean over all spatial axes, per channel.

    >>> import lamina
    >>> tuple(lamina.layers.GlobalAveragePooling2D()(lamina.ops.ones((2, 4, 4, 3))).shape)
    (2, 3)
    """

    rank = 2
    mode = "average"
