"""The shared part of DepthwiseConv1D/2D: kernel ``(*kernel_size, in, depth_multiplier)``."""

from __future__ import annotations

from lamina import constraints, initializers, regularizers
from lamina.backend import conv as kernels
from lamina.layers.convolutional import arguments as args
from lamina.layers.convolutional.base_conv import ConvBase


class BaseDepthwiseConv(ConvBase):
    """Each input channel convolved with its own ``depth_multiplier`` filters."""

    _check_strides_with_dilation = False

    def __init__(self, kernel_size, strides=1, padding="valid", depth_multiplier=1,
                 data_format=None, dilation_rate=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", bias_initializer="zeros",
                 depthwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(kernel_size, strides, padding, data_format, dilation_rate, activation,
                         use_bias, bias_initializer, bias_regularizer, activity_regularizer,
                         bias_constraint, **kwargs)
        self.depth_multiplier = args.positive_int(
            depth_multiplier, "depth_multiplier", type(self).__name__
        )
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.depthwise_constraint = constraints.get(depthwise_constraint)

    def build(self, input_shape):
        channels = self._channels(input_shape)
        self._output_shape(input_shape, channels * self.depth_multiplier)
        # Keras 3 names this weight "kernel" (Keras 2 called it depthwise_kernel)
        self.kernel = self._add_kernel(
            "depthwise", self.kernel_size + (channels, self.depth_multiplier), name="kernel"
        )
        self._add_bias(channels * self.depth_multiplier)
        self.built = True

    def call(self, inputs):
        x = kernels.depthwise_conv(inputs, self.kernel, self.strides, self.padding,
                                   self.data_format, self.dilation_rate, bias=self.bias)
        return self._activate(x)

    def compute_output_shape(self, input_shape):
        _, channels = args.spatial(input_shape, self.data_format)
        out = None if channels is None else channels * self.depth_multiplier
        return self._output_shape(input_shape, out)

    def get_config(self):
        cfg = self._base_config()
        cfg.update({
            "depth_multiplier": self.depth_multiplier,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            **self._weights_config("depthwise"),
        })
        return cfg
