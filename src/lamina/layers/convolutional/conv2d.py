"""Conv2D: 2-D convolution over images (batch, height, width, channels)."""

from __future__ import annotations

from lamina.layers.convolutional.base_conv import BaseConv


class Conv2D(BaseConv):
    """2-D convolution over images (batch, height, width, channels).

    >>> import lamina
    >>> layer = lamina.layers.Conv2D(4, 3, padding="same")
    >>> tuple(layer(lamina.ops.ones((2, 8, 8, 3))).shape)
    (2, 8, 8, 4)
    """

    rank = 2
