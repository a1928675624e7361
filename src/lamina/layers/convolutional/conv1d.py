"""Conv1D: 1-D convolution over (batch, steps, channels); padding may also be 'causal'."""

from __future__ import annotations

from lamina.layers.convolutional.base_conv import BaseConv


class Conv1D(BaseConv):
    """1-D convolution over (batch, steps, channels); padding may also be 'causal'.

    >>> import lamina
    >>> layer = lamina.layers.Conv1D(4, 3)
    >>> tuple(layer(lamina.ops.ones((2, 10, 3))).shape)
    (2, 8, 4)
    """

    rank = 1
    _allow_causal = True
