"""Conv2DTranspose: 2-D transposed convolution, kernel (kh, kw, filters, in)."""

from __future__ import annotations

from lamina.layers.convolutional.base_conv_transpose import BaseConvTranspose


class Conv2DTranspose(BaseConvTranspose):
    """2-D transposed convolution, kernel (kh, kw, filters, in).

    >>> import lamina
    >>> layer = lamina.layers.Conv2DTranspose(4, 3, strides=2, padding="same")
    >>> tuple(layer(lamina.ops.ones((2, 5, 5, 3))).shape)
    (2, 10, 10, 4)
    """

    rank = 2
