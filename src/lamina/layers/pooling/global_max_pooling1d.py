"""GlobalMaxPooling1D: the maximum over every spatial position."""

from __future__ import annotations

from lamina.layers.pooling.base_global_pooling import BaseGlobalPooling


class GlobalMaxPooling1D(BaseGlobalPooling):
    """The maximum over all spatial axes, per channel.

    >>> import lamina
    >>> tuple(lamina.layers.GlobalMaxPooling1D()(lamina.ops.ones((2, 6, 3))).shape)
    (2, 3)
    """

    rank = 1
    mode = "max"
