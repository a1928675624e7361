"""The shared part of Conv1DTranspose/2D/3D: kernel ``(*kernel_size, filters, in)``."""

from __future__ import annotations

from lamina import constraints, initializers, regularizers
from lamina.backend import conv as kernels
from lamina.layers.convolutional import arguments as args
from lamina.layers.convolutional.base_conv import ConvBase


class BaseConvTranspose(ConvBase):
    """Transposed convolution with Keras' output sizes (``output_padding`` on the right)."""

    def __init__(self, filters, kernel_size, strides=1, padding="valid", output_padding=None,
                 data_format=None, dilation_rate=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(kernel_size, strides, padding, data_format, dilation_rate, activation,
                         use_bias, bias_initializer, bias_regularizer, activity_regularizer,
                         bias_constraint, **kwargs)
        owner = type(self).__name__
        self.filters = args.positive_int(filters, "filters", owner)
        if output_padding is None:
            self.output_padding = None
        else:
            self.output_padding = args.standardize_tuple(output_padding, self.rank,
                                                         "output_padding", owner, allow_zero=True)
            for i, (op, s) in enumerate(zip(self.output_padding, self.strides)):
                if op >= s:
                    raise ValueError(
                        f"{owner}: every `output_padding` value must be less than the stride "
                        f"on its axis; at axis {i} output_padding is {op} and strides is {s} "
                        f"(output_padding={self.output_padding}, strides={self.strides})"
                    )
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)

    def build(self, input_shape):
        channels = self._channels(input_shape)
        self.kernel = self._add_kernel("kernel", self.kernel_size + (self.filters, channels))
        self._add_bias(self.filters)
        self.built = True

    def call(self, inputs):
        x = kernels.conv_transpose(inputs, self.kernel, self.strides, self.padding,
                                   self.output_padding, self.data_format, self.dilation_rate,
                                   bias=self.bias)
        return self._activate(x)

    def compute_output_shape(self, input_shape):
        dims, _ = args.spatial(input_shape, self.data_format)
        outpads = self.output_padding or (None,) * self.rank
        out = [args.transpose_output_length(n, k, s, self.padding, op, d) for n, k, s, op, d in
               zip(dims, self.kernel_size, self.strides, outpads, self.dilation_rate)]
        return args.assemble(input_shape[0], out, self.filters, self.data_format)

    def get_config(self):
        cfg = self._base_config()
        cfg.update({
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "output_padding": self.output_padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            **self._weights_config("kernel"),
        })
        return cfg
