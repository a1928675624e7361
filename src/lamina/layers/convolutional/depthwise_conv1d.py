"""DepthwiseConv1D: 1-D depthwise convolution."""

from __future__ import annotations

from lamina.layers.convolutional.base_depthwise_conv import BaseDepthwiseConv


class DepthwiseConv1D(BaseDepthwiseConv):
    """1-D depthwise convolution: each channel gets depth_multiplier filters of its own.

    >>> import lamina
    >>> layer = lamina.layers.DepthwiseConv1D(3, depth_multiplier=2)
    >>> tuple(layer(lamina.ops.ones((2, 10, 3))).shape)
    (2, 8, 6)
    """

    rank = 1
