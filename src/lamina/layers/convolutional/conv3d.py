"""Conv3D: 3-D convolution over volumes (batch, depth, height, width, channels)."""

from __future__ import annotations

from lamina.layers.convolutional.base_conv import BaseConv


class Conv3D(BaseConv):
    """3-D convolution over volumes (batch, depth, height, width, channels).

    >>> import lamina
    >>> layer = lamina.layers.Conv3D(4, 3)
    >>> tuple(layer(lamina.ops.ones((1, 5, 5, 5, 2))).shape)
    (1, 3, 3, 3, 4)
    """

    rank = 3
