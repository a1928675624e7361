"""AdaptiveMaxPooling1D: the maximum over a fixed grid of bins, whatever the input size."""

from __future__ import annotations

from lamina.layers.pooling.base_adaptive_pooling import BaseAdaptivePooling


class AdaptiveMaxPooling1D(BaseAdaptivePooling):
    """The maximum of each of ``output_size`` bins per spatial axis,
    for sequences (batch, steps, channels)
    (or channels first); the bins' size and stride follow from the input size.

    >>> import lamina
    >>> tuple(lamina.layers.AdaptiveMaxPooling1D(4)(lamina.ops.ones((2, 10, 3))).shape)
    (2, 4, 3)
    """

    rank = 1
    mode = "max"

    def __init__(self, output_size, data_format: str | None = None, **kwargs):
        super().__init__(output_size, data_format, **kwargs)
