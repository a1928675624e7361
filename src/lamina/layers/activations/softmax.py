"""Softmax: the softmax activation as a layer, over one or several axes, with a mask."""

from __future__ import annotations

from lamina.ops import kernels as ops  # the training path: no conversion
from lamina.layers.layer import Layer


def large_negative(dtype) -> float:
    """What masked logits are set to before a softmax (Keras' value; float16 has a small max)."""
    return -3e4 if str(dtype).endswith("float16") else -1e9


class Softmax(Layer):
    """``exp(x) / sum(exp(x))`` along ``axis``; positions where ``mask`` is False get 0.

    ``mask`` must broadcast to the input (each mask dimension 1 or equal to the input's).

    >>> import lamina
    >>> x = lamina.ops.convert_to_tensor([[1.0, 2.0, 1.0]])
    >>> [round(v, 4) for v in lamina.layers.Softmax()(x)[0].tolist()]
    [0.2119, 0.5761, 0.2119]
    """

    supports_masking = True

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis
        self.built = True

    def call(self, inputs, mask=None):
        if mask is not None:
            mask = self._check_mask(inputs, mask)
            inputs = ops.where(mask, inputs, large_negative(inputs.dtype))
        axis = self.axis
        if isinstance(axis, (list, tuple)) and len(axis) == 1:
            axis = axis[0]
        if isinstance(axis, (list, tuple)):
            outputs = ops.exp(inputs - ops.logsumexp(inputs, axis=tuple(axis), keepdims=True))
        else:
            outputs = ops.softmax(inputs, axis=axis)
        if mask is not None:
            # a fully masked slice would otherwise come out uniform
            outputs = ops.where(mask, outputs, 0.0)
        return outputs

    def _check_mask(self, inputs, mask):
        if len(mask.shape) > len(inputs.shape) or any(
            m != 1 and m != i for m, i in zip(tuple(mask.shape)[::-1], tuple(inputs.shape)[::-1])
        ):
            raise ValueError(
                f"Layer '{self.name}' (Softmax): the mask must broadcast to the inputs (each "
                f"mask dimension 1 or equal to the input's); got inputs.shape="
                f"{tuple(inputs.shape)}, mask.shape={tuple(mask.shape)}"
            )
        if ops.dtype(mask) != "bool":
            mask = ops.greater(mask, 0.5)
        return mask

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        cfg = super().get_config()
        cfg["axis"] = self.axis
        return cfg
