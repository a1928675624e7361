"""The shared part of every convolution layer: arguments, bias, activation, config."""

from __future__ import annotations

from lamina import activations, config, constraints, initializers, regularizers
from lamina.ops import kernels as ops  # the training path: no conversion
from lamina.backend import core as backend
from lamina.backend import conv as kernels
from lamina.layers.convolutional import arguments as args
from lamina.layers.core._lora import LoraMixin, lora_property
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer


class ConvBase(Layer):
    """Arguments every convolution takes; subclasses add their kernels in ``build``."""

    rank = 2
    _allow_causal = False
    _check_strides_with_dilation = True

    def __init__(self, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, activation=None, use_bias=True, bias_initializer="zeros",
                 bias_regularizer=None, activity_regularizer=None, bias_constraint=None,
                 **kwargs):
        # lora_rank / lora_alpha: only Conv1D/2D/3D take them (as Keras); the transposed,
        # depthwise and separable convolutions refuse them as unexpected keywords
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        owner = type(self).__name__
        n = self.rank
        self.kernel_size = args.standardize_tuple(kernel_size, n, "kernel_size", owner)
        self.strides = args.standardize_tuple(strides, n, "strides", owner)
        self.dilation_rate = args.standardize_tuple(dilation_rate, n, "dilation_rate", owner)
        self.padding = args.standardize_padding(padding, owner, self._allow_causal)
        self.data_format = config.standardize_data_format(data_format)
        self.activation = activations.get(activation)
        self._linear = self.activation is activations.linear
        self._elementwise = activations.is_elementwise(self.activation)
        self.use_bias = bool(use_bias)
        self.bias_initializer = initializers.get(bias_initializer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(ndim=n + 2)
        if (self._check_strides_with_dilation and max(self.strides) > 1
                and max(self.dilation_rate) > 1):
            raise ValueError(
                f"{owner}: `strides > 1` cannot be combined with `dilation_rate > 1`; received "
                f"strides={self.strides} and dilation_rate={self.dilation_rate}"
            )

    def _channels(self, input_shape):
        channels = input_shape[-1] if self.data_format == "channels_last" else input_shape[1]
        if len(input_shape) != self.rank + 2:
            raise ValueError(
                f"Layer '{self.name}' ({type(self).__name__}) expects inputs of rank "
                f"{self.rank + 2} (batch, {self.rank} spatial axes, channels); received input "
                f"shape {tuple(input_shape)}"
            )
        if channels is None:
            raise ValueError(
                f"Layer '{self.name}' ({type(self).__name__}) needs the channel dimension of "
                f"its input to be known ({self.data_format}); received {tuple(input_shape)}"
            )
        axis = -1 if self.data_format == "channels_last" else 1
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={axis: channels})
        return int(channels)

    def _add_kernel(self, role, shape, name=None):
        """A weight made with this layer's ``{role}_initializer/_regularizer/_constraint``."""
        return self.add_weight(
            shape=shape, initializer=getattr(self, f"{role}_initializer"), name=name or role,
            regularizer=getattr(self, f"{role}_regularizer"),
            constraint=getattr(self, f"{role}_constraint"),
        )

    def _add_bias(self, size):
        self.bias = self._add_kernel("bias", (size,)) if self.use_bias else None

    def _activate(self, x):
        return x if self._linear else self.activation(x)

    def _output_shape(self, input_shape, channels_out):
        dims, _ = args.spatial(input_shape, self.data_format)
        out = []
        for n, k, s, d in zip(dims, self.kernel_size, self.strides, self.dilation_rate):
            size = args.conv_output_length(n, k, s, self.padding, d)
            if size is not None and size <= 0:
                raise ValueError(
                    f"Layer '{self.name}' ({type(self).__name__}): the output would have size "
                    f"{size} <= 0 for input shape {tuple(input_shape)} with kernel_size="
                    f"{self.kernel_size}, strides={self.strides}, dilation_rate="
                    f"{self.dilation_rate}, padding='{self.padding}'. Use a smaller kernel or "
                    "padding='same'."
                )
            out.append(size)
        return args.assemble(input_shape[0], out, channels_out, self.data_format)

    def _base_config(self):
        cfg = super().get_config()
        cfg.pop("activity_regularizer", None)
        return cfg

    def _weights_config(self, *kernels):
        """activation, use_bias, then the initializers, regularizers and constraints of
        ``kernels`` and the bias, in Keras' order (activity_regularizer after the regularizers)."""
        roles = (*kernels, "bias")

        def each(kind, serialize):
            return {f"{r}_{kind}": serialize(getattr(self, f"{r}_{kind}")) for r in roles}

        return {
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            **each("initializer", initializers.serialize),
            **each("regularizer", regularizers.serialize),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            **each("constraint", constraints.serialize),
        }


class BaseConv(LoraMixin, ConvBase):
    """Conv1D/2D/3D: kernel ``(*kernel_size, in // groups, filters)``, optional bias.

    ``lora_rank`` (or ``enable_lora(rank)``) freezes the kernel and learns a low-rank update
    (``layers/core/_lora.py``); ``kernel`` reads the merged kernel.
    """

    kernel = lora_property("kernel")

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, lora_rank=None, lora_alpha=None,
                 **kwargs):
        super().__init__(kernel_size, strides, padding, data_format, dilation_rate, activation,
                         use_bias, bias_initializer, bias_regularizer, activity_regularizer,
                         bias_constraint, **kwargs)
        self._init_lora(lora_rank, lora_alpha)
        owner = type(self).__name__
        self.filters = args.positive_int(filters, "filters", owner)
        self.groups = args.positive_int(groups, "groups", owner)
        if self.filters % self.groups:
            raise ValueError(f"{owner}: `filters` ({self.filters}) must be divisible by `groups` "
                             f"({self.groups})")
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)

    def build(self, input_shape):
        channels = self._channels(input_shape)
        if channels % self.groups:
            raise ValueError(
                f"Layer '{self.name}' ({type(self).__name__}): the input has {channels} "
                f"channels, which is not divisible by groups={self.groups} (input shape "
                f"{tuple(input_shape)})"
            )
        self._output_shape(input_shape, self.filters)
        self._add_lora_base(self._add_kernel(
            "kernel", self.kernel_size + (channels // self.groups, self.filters)
        ))
        self._add_bias(self.filters)
        self.built = True
        self._maybe_enable_lora()

    def call(self, inputs):
        padding = self.padding
        if padding == "causal":
            left = self.dilation_rate[0] * (self.kernel_size[0] - 1)
            inputs = kernels.pad_spatial(inputs, ((left, 0),), self.data_format)
            padding = "valid"
        kernel = self.kernel if self.lora_enabled else self._kernel
        if (self.data_format == "channels_last" and not self._linear and self._elementwise
                and backend.is_compiling()):
            # Under torch.compile an elementwise activation runs on the channels-first view,
            # so the compiler sees one layout between convolutions (otherwise it writes the
            # activation's masks transposed, at 1/3 of the speed); same numbers.
            x = kernels.conv(ops.moveaxis(inputs, -1, 1), kernel, self.strides, padding,
                             "channels_first", self.dilation_rate, bias=self.bias)
            return ops.moveaxis(self._activate(x), 1, -1)
        x = kernels.conv(inputs, kernel, self.strides, padding, self.data_format,
                         self.dilation_rate, bias=self.bias)
        return self._activate(x)

    def compute_output_shape(self, input_shape):
        return self._output_shape(input_shape, self.filters)

    def get_config(self):
        cfg = self._base_config()
        cfg.update({
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "groups": self.groups,
            **self._weights_config("kernel"),
        })
        return self._lora_config(cfg)
