"""DepthwiseConv2D: 2-D depthwise convolution."""

from __future__ import annotations

from lamina.layers.convolutional.base_depthwise_conv import BaseDepthwiseConv


class DepthwiseConv2D(BaseDepthwiseConv):
    """2-D depthwise convolution: each channel gets depth_multiplier filters of its own.

    >>> import lamina
    >>> layer = lamina.layers.DepthwiseConv2D(3, padding="same")
    >>> tuple(layer(lamina.ops.ones((2, 8, 8, 3))).shape)
    (2, 8, 8, 3)
    """

    rank = 2
