"""Conv3DTranspose: 3-D transposed convolution, kernel (kd, kh, kw, filters, in)."""

from __future__ import annotations

from lamina.layers.convolutional.base_conv_transpose import BaseConvTranspose


class Conv3DTranspose(BaseConvTranspose):
    """3-D transposed convolution, kernel (kd, kh, kw, filters, in).

    >>> import lamina
    >>> layer = lamina.layers.Conv3DTranspose(2, 2, strides=2)
    >>> tuple(layer(lamina.ops.ones((1, 2, 2, 2, 3))).shape)
    (1, 4, 4, 4, 2)
    """

    rank = 3
