"""Masking: mark timesteps whose features all equal ``mask_value`` as padding."""

from __future__ import annotations

from lamina.ops import kernels as ops  # the training path: no conversion
from lamina.layers.layer import Layer


class Masking(Layer):
    """Zero the timesteps where every feature equals ``mask_value`` and mask them out.

    The output is ``inputs * any(inputs != mask_value, axis=-1)`` and carries that boolean
    mask (shape ``inputs.shape[:-1]``) for the layers downstream that take ``mask``.

    >>> import lamina
    >>> x = lamina.ops.convert_to_tensor([[[1.0], [0.0]]])
    >>> lamina.layers.Masking()(x)._keras_mask.tolist()
    [[True, False]]
    """

    supports_masking = True

    def __init__(self, mask_value=0.0, **kwargs):
        super().__init__(**kwargs)
        if isinstance(mask_value, dict) and mask_value.get("config", None):
            mask_value = mask_value["config"].get("value", mask_value)
        self.mask_value = mask_value
        self.built = True

    def compute_mask(self, inputs, mask=None):
        return ops.any(ops.not_equal(inputs, self.mask_value), axis=-1)

    def call(self, inputs):
        keep = ops.any(ops.not_equal(inputs, self.mask_value), axis=-1, keepdims=True)
        out = ops.where(keep, inputs, ops.zeros_like(inputs))
        out._keras_mask = ops.squeeze(keep, axis=-1)
        return out

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        cfg = super().get_config()
        cfg["mask_value"] = self.mask_value
        return cfg
