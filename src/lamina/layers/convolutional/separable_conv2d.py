"""SeparableConv2D: 2-D separable convolution."""

from __future__ import annotations

from lamina.layers.convolutional.base_separable_conv import BaseSeparableConv


class SeparableConv2D(BaseSeparableConv):
    """2-D separable convolution: depthwise, then a pointwise (1x1) convolution.

    >>> import lamina
    >>> layer = lamina.layers.SeparableConv2D(4, 3)
    >>> tuple(layer(lamina.ops.ones((2, 8, 8, 3))).shape)
    (2, 6, 6, 4)
    """

    rank = 2
