"""Dense: the fully connected layer ``activation(x @ kernel + bias)``."""

from __future__ import annotations

from lamina import activations, constraints, initializers, regularizers
from lamina.backend import nn
from lamina.layers.core import _quantize
from lamina.layers.core._lora import LoraMixin, lora_property
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer


class Dense(_quantize.QuantizedVariablesMixin, LoraMixin, Layer):
    """``output = activation(dot(input, kernel) + bias)``, kernel of shape ``(in, units)``.

    >>> import lamina
    >>> layer = lamina.layers.Dense(3, activation="relu")
    >>> tuple(layer(lamina.ops.ones((2, 4))).shape)
    (2, 3)

    ``lora_rank`` (or ``enable_lora(rank)`` later) freezes the kernel and learns a low-rank
    update instead; ``kernel`` then reads the merged kernel (see ``layers/core/_lora.py``).
    """

    kernel = lora_property("kernel")
    _QUANTIZED_FILE = ("_kernel", "bias", "kernel_scale")  # Keras' int8 file order

    def __init__(self, units, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, lora_rank=None, lora_alpha=None,
                 quantization_config=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.quantization_config = _quantize.config_from_argument(self, quantization_config)
        if isinstance(units, bool) or not hasattr(units, "__index__") or int(units) <= 0:
            raise ValueError(f"Dense: `units` must be a positive integer, got {units!r}")
        self.units = int(units)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(min_ndim=2)
        self.supports_masking = True
        self._linear = self.activation is activations.linear
        self._init_lora(lora_rank, lora_alpha)

    def build(self, input_shape):
        in_dim = input_shape[-1]
        if in_dim is None:
            raise ValueError(
                f"Layer '{self.name}' (Dense) needs the last dimension of its input to be known; "
                f"received input shape {tuple(input_shape)}"
            )
        if self.quantization_mode:  # loaded from a quantized model's config
            _quantize.build_int8_kernel(self, (in_dim, self.units), self.units)
        else:
            self._add_lora_base(self.add_weight(
                shape=(in_dim, self.units), initializer=self.kernel_initializer, name="kernel",
                regularizer=self.kernel_regularizer, constraint=self.kernel_constraint,
            ))
        if self.use_bias:
            self.bias = self.add_weight(
                shape=(self.units,), initializer=self.bias_initializer, name="bias",
                regularizer=self.bias_regularizer, constraint=self.bias_constraint,
            )
        else:
            self.bias = None
        self.input_spec = InputSpec(min_ndim=2, axes={-1: in_dim})
        self.built = True
        self._maybe_enable_lora()

    def call(self, inputs):
        if self.quantization_mode:
            x = _quantize.int8_matmul(self, inputs)
            if self.bias is not None:
                x = x + self.bias
        else:
            kernel = self.kernel if self.lora_enabled else self._kernel
            x = nn.linear(inputs, kernel, self.bias)
        return x if self._linear else self.activation(x)

    def quantize(self, mode=None, type_check=True, config=None):
        """Store the kernel as int8 with one scale per unit (Keras 3's ``"int8"`` scheme):
        outputs are ``(q(x) @ q(kernel)) / (input_scale * kernel_scale)`` with the inputs
        quantized per row on the fly (unless ``config`` says otherwise)."""
        if type_check and type(self) is not Dense:
            raise NotImplementedError(
                f"Layer {type(self).__name__} does not have a `quantize()` method implemented.")
        _quantize.quantize_weight(self, mode, config, axis=0, target="kernel",
                                  scale_name="kernel_scale")

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self):
        cfg = super().get_config()
        cfg.update({
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "quantization_config": _quantize.serialize_config(self.quantization_config),
        })
        return self._lora_config(cfg)
