"""The dense projections inside MultiHeadAttention (Keras builds them as EinsumDense layers).

A projection contracts the last ``bound`` dims of its input with a kernel of shape
``bound_shape + out_shape`` and adds a bias of shape ``out_shape``: exactly Keras' EinsumDense
for ``"abc,cde->abde"`` (input) and ``"abcd,cde->abe"`` (output), with the same weight shapes
and names, run as one matmul on the flattened dims.
"""

from __future__ import annotations

import math

from lamina import activations
from lamina.ops import kernels as ops  # the training path: no conversion
from lamina.backend import nn
from lamina.layers.layer import Layer


class HeadProjection(Layer):
    """``(..., *bound) -> (..., *out_shape)`` by a kernel ``(*bound, *out_shape)``."""

    def __init__(self, out_shape, bound_dims=1, use_bias=True, activation=None,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, **kwargs):
        super().__init__(**kwargs)
        self.out_shape = tuple(int(d) for d in out_shape)
        self.bound_dims = int(bound_dims)
        self.use_bias = use_bias
        self.activation = activations.get(activation)
        self._linear = self.activation is activations.linear
        self._init = (kernel_initializer, bias_initializer)
        self._reg = (kernel_regularizer, bias_regularizer)
        self._con = (kernel_constraint, bias_constraint)

    def build(self, input_shape):
        bound = tuple(input_shape[-self.bound_dims:])
        if any(d is None for d in bound):
            raise ValueError(
                f"Layer '{self.name}' needs the last {self.bound_dims} dimension(s) of its input "
                f"to be known; received input shape {tuple(input_shape)}"
            )
        self._in_size = math.prod(bound)
        self._out_size = math.prod(self.out_shape)
        self.kernel = self.add_weight(
            shape=bound + self.out_shape, initializer=self._init[0], name="kernel",
            regularizer=self._reg[0], constraint=self._con[0],
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                shape=self.out_shape, initializer=self._init[1], name="bias",
                regularizer=self._reg[1], constraint=self._con[1],
            )
        self.built = True

    def call(self, inputs):
        lead = tuple(inputs.shape[: inputs.ndim - self.bound_dims])
        x = ops.reshape(inputs, lead + (self._in_size,))
        kernel = ops.reshape(self.kernel, (self._in_size, self._out_size))
        bias = None if self.bias is None else ops.reshape(self.bias, (self._out_size,))
        y = ops.reshape(nn.linear(x, kernel, bias), lead + self.out_shape)
        return y if self._linear else self.activation(y)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[: len(input_shape) - self.bound_dims]) + self.out_shape
