"""AdaptiveAveragePooling3D: the mean over a fixed grid of bins, whatever the input size."""

from __future__ import annotations

from lamina.layers.pooling.base_adaptive_pooling import BaseAdaptivePooling


class AdaptiveAveragePooling3D(BaseAdaptivePooling):
    """The mean of each of ``output_size`` bins per spatial axis,
    for volumes (batch, depth, height, width, channels)
    (or channels first); the bins' size and stride follow from the input size.

    >>> import lamina
    >>> tuple(lamina.layers.AdaptiveAveragePooling3D(2)(lamina.ops.ones((2, 6, 5, 4, 3))).shape)
    (2, 2, 2, 2, 3)
    """

    rank = 3
    mode = "average"

    def __init__(self, output_size, data_format: str | None = None, **kwargs):
        super().__init__(output_size, data_format, **kwargs)
