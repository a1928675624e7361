"""GlobalMaxPooling3D: the maximum over every spatial position."""

from __future__ import annotations

from lamina.layers.pooling.base_global_pooling import BaseGlobalPooling


class GlobalMaxPooling3D(BaseGlobalPooling):
    """The maximum over all spatial axes, per channel.

    >>> import lamina
    >>> tuple(lamina.layers.GlobalMaxPooling3D()(lamina.ops.ones((1, 4, 4, 4, 2))).shape)
    (1, 2)
    """

    rank = 3
    mode = "max"
