"""SeparableConv1D: 1-D separable convolution."""

from __future__ import annotations

from lamina.layers.convolutional.base_separable_conv import BaseSeparableConv


class SeparableConv1D(BaseSeparableConv):
    """1-D separable convolution: depthwise, then a pointwise (1x1) convolution.

    >>> import lamina
    >>> layer = lamina.layers.SeparableConv1D(4, 3)
    >>> tuple(layer(lamina.ops.ones((2, 10, 3))).shape)
    (2, 8, 4)
    """

    rank = 1
