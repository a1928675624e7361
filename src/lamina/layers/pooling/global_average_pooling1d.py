"""GlobalAveragePooling1D: the mean over every spatial position."""

from __future__ import annotations

from lamina.ops import kernels as ops  # the training path: no conversion
from lamina.layers.pooling.base_global_pooling import BaseGlobalPooling


class GlobalAveragePooling1D(BaseGlobalPooling):
    """The mean over all spatial axes, per channel (masked steps are left out).

    >>> import lamina
    >>> tuple(lamina.layers.GlobalAveragePooling1D()(lamina.ops.ones((2, 6, 3))).shape)
    (2, 3)
    """

    rank = 1
    mode = "average"

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(data_format, keepdims, **kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        if mask is None:
            return super().call(inputs)
        # the mean over unmasked steps only
        axis = 1 if self.data_format == "channels_last" else 2
        m = ops.cast(ops.expand_dims(mask, 2 if axis == 1 else 1), inputs.dtype)
        total = ops.sum(inputs * m, axis=axis, keepdims=self.keepdims)
        return total / ops.sum(m, axis=axis, keepdims=self.keepdims)

    def compute_mask(self, inputs, mask=None):
        return None
