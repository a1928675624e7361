"""The shared part of SeparableConv1D/2D: a depthwise then a 1x1 (pointwise) convolution."""

from __future__ import annotations

from lamina import constraints, initializers, regularizers
from lamina.backend import conv as kernels
from lamina.layers.convolutional import arguments as args
from lamina.layers.convolutional.base_conv import ConvBase


class BaseSeparableConv(ConvBase):
    """Weights ``depthwise_kernel (*k, in, mult)``, ``pointwise_kernel (1.., in*mult, filters)``."""

    _check_strides_with_dilation = False

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, depth_multiplier=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", pointwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None,
                 pointwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, pointwise_constraint=None, bias_constraint=None,
                 **kwargs):
        super().__init__(kernel_size, strides, padding, data_format, dilation_rate, activation,
                         use_bias, bias_initializer, bias_regularizer, activity_regularizer,
                         bias_constraint, **kwargs)
        owner = type(self).__name__
        self.filters = args.positive_int(filters, "filters", owner)
        self.depth_multiplier = args.positive_int(depth_multiplier, "depth_multiplier", owner)
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.pointwise_initializer = initializers.get(pointwise_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.pointwise_regularizer = regularizers.get(pointwise_regularizer)
        self.depthwise_constraint = constraints.get(depthwise_constraint)
        self.pointwise_constraint = constraints.get(pointwise_constraint)

    def build(self, input_shape):
        channels = self._channels(input_shape)
        self._output_shape(input_shape, self.filters)
        self.depthwise_kernel = self._add_kernel(
            "depthwise", self.kernel_size + (channels, self.depth_multiplier),
            name="depthwise_kernel",
        )
        self.pointwise_kernel = self._add_kernel(
            "pointwise", (1,) * self.rank + (channels * self.depth_multiplier, self.filters),
            name="pointwise_kernel",
        )
        self._add_bias(self.filters)
        self.built = True

    def call(self, inputs):
        x = kernels.separable_conv(inputs, self.depthwise_kernel, self.pointwise_kernel,
                                   self.strides, self.padding, self.data_format,
                                   self.dilation_rate, bias=self.bias)
        return self._activate(x)

    def compute_output_shape(self, input_shape):
        return self._output_shape(input_shape, self.filters)

    def get_config(self):
        cfg = self._base_config()
        cfg.update({
            "depth_multiplier": self.depth_multiplier,
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            **self._weights_config("depthwise", "pointwise"),
        })
        return cfg
