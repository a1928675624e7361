"""Conv1DTranspose: 1-D transposed convolution (the gradient of Conv1D), kernel (k, filters, in)."""

from __future__ import annotations

from lamina.layers.convolutional.base_conv_transpose import BaseConvTranspose


class Conv1DTranspose(BaseConvTranspose):
    """1-D transposed convolution (the gradient of Conv1D), kernel (k, filters, in).

    >>> import lamina
    >>> layer = lamina.layers.Conv1DTranspose(4, 3, strides=2, padding="same")
    >>> tuple(layer(lamina.ops.ones((2, 5, 3))).shape)
    (2, 10, 4)
    """

    rank = 1
