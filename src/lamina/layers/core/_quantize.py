"""int8 weights for Dense and Embedding, as Keras 3's ``quantize("int8")`` stores them.

The float weight becomes an int8 weight plus one float scale per output channel (absmax:
``scale = 127 / max|w|``, ``q = round(w * scale)``); Dense also quantizes its inputs per row
on the fly. Files hold Keras' variables in Keras' order, so quantized ``.keras`` files move
between Keras and lamina. Only inference is exact: the int8 weights are not trained.
"""

from __future__ import annotations

from lamina import quantizers
from lamina.ops import kernels as ops

MODES = ("int8",)


def _check_mode(layer, mode):
    if mode is None:
        raise ValueError(f"{type(layer).__name__} '{layer.name}'.quantize: pass a mode "
                         "(\"int8\") or a config.")
    if mode in ("int4", "float8", "gptq", "awq"):
        raise NotImplementedError(
            f"{type(layer).__name__} '{layer.name}': quantization mode {mode!r} is not "
            "supported by lamina; it quantizes to 'int8' (Keras' other modes are not built).")
    if mode not in MODES:
        raise ValueError(f"Invalid quantization mode. Expected one of ('int8', 'int4', "
                         f"'float8', 'gptq', 'awq'). Received: quantization_mode={mode!r}")


def config_from_argument(layer, config):
    """A layer's ``quantization_config`` argument: None, a config, or its saved dict."""
    if config is None:
        return None
    if isinstance(config, dict):
        config = quantizers.deserialize(config)
    if not isinstance(config, quantizers.QuantizationConfig):
        raise TypeError(f"{type(layer).__name__} '{layer.name}': `quantization_config` must "
                        f"be a keras.quantizers.QuantizationConfig; got {config!r}")
    if config.mode is not None:
        _check_mode(layer, config.mode)
    return config


def serialize_config(config):
    return quantizers.serialize(config)


def _activation_quantizer(config):
    return quantizers.QuantizationConfig.activation_quantizer_or_default(
        config, quantizers.AbsMaxQuantizer())


def build_int8_weight(layer, shape, scale_length, target, scale_name):
    """Add the int8 ``target`` weight and its float scales (the quantized layer's build)."""
    weight = layer.add_weight(name=target, shape=shape, initializer="zeros", dtype="int8",
                              trainable=False)
    layer._add_lora_base(weight)
    setattr(layer, scale_name, layer.add_weight(name=scale_name, shape=(scale_length,),
                                                initializer="ones", trainable=False))
    layer._inputs_quantizer = _activation_quantizer(layer.quantization_config)


def build_int8_kernel(layer, shape, units):
    build_int8_weight(layer, shape, units, "kernel", "kernel_scale")


def quantize_weight(layer, mode, config, axis, target, scale_name):
    """Replace the built layer's float ``target`` weight by int8 values and scales."""
    if config is not None and mode is None:
        mode = config.mode
    _check_mode(layer, mode)
    if not layer.built:
        raise ValueError(f"Cannot quantize a layer that isn't yet built. Layer "
                         f"'{layer.name}' (of type '{type(layer).__name__}') is not built yet.")
    if layer.quantization_mode:
        raise ValueError(f"Layer '{layer.name}' is already quantized with "
                         f"mode='{layer.quantization_mode}'.")
    if layer.lora_enabled:
        raise NotImplementedError(f"Layer '{layer.name}': quantizing a layer with LoRA "
                                  "enabled is not supported by lamina.")
    config = config_from_argument(layer, config)
    layer.quantization_config = config
    float_weight = layer.__dict__[f"_{target}"]
    weight_quantizer = quantizers.QuantizationConfig.weight_quantizer_or_default(
        config, quantizers.AbsMaxQuantizer(axis=axis))
    values, scale = weight_quantizer(float_weight, to_numpy=True)
    scale = ops.squeeze(scale, axis=axis)
    key = next(k for k, v in layer._parameters.items() if v is float_weight)
    del layer._parameters[key]
    layer._own_variables = [v for v in layer._own_variables if v is not float_weight]
    layer._quantization_mode = mode
    shape = tuple(float_weight.shape)
    build_int8_weight(layer, shape, int(scale.shape[0]), target, scale_name)
    layer.__dict__[f"_{target}"].assign(values)
    getattr(layer, scale_name).assign(scale)


def int8_matmul(layer, inputs):
    """``inputs @ kernel`` of a quantized Dense, de-scaled (before the bias)."""
    kernel, scale = layer._kernel, layer.kernel_scale
    compute = layer.compute_dtype
    if layer._inputs_quantizer is not None:
        inputs, input_scale = layer._inputs_quantizer(inputs, axis=-1)
        scale = ops.multiply(scale, input_scale)
        # integer products summed in float: exact in float32 below 2**24
        exact = "float32" if kernel.shape[0] * 127 * 127 < 2 ** 24 else "float64"
        x = ops.matmul(ops.cast(inputs, exact), ops.cast(kernel, exact))
    else:
        x = ops.matmul(inputs, ops.cast(kernel, compute))
    return ops.divide(ops.cast(x, compute), scale)


def save_variables(layer, store, names):
    """Write the quantized layer's variables in Keras' order (a missing bias is skipped)."""
    index = 0
    for name in names:
        variable = getattr(layer, name, None)
        if variable is None:
            continue
        store[str(index)] = ops.convert_to_numpy(variable)
        index += 1


def load_variables(layer, store, names):
    variables = [v for v in (getattr(layer, n, None) for n in names) if v is not None]
    if len(store) != len(variables):
        raise ValueError(
            f"{type(layer).__name__} '{layer.name}' (quantized, int8) expects "
            f"{len(variables)} variable(s) {[tuple(v.shape) for v in variables]}, but the "
            f"file holds {len(store)}.")
    values = [store[str(i)] for i in range(len(variables))]
    for variable, value in zip(variables, values):
        if tuple(variable.shape) != tuple(value.shape):
            raise ValueError(
                f"{type(layer).__name__} '{layer.name}': variable '{variable.name}' has shape "
                f"{tuple(variable.shape)} in the model, but {tuple(value.shape)} in the file.")
    for variable, value in zip(variables, values):
        variable.assign(value)


class QuantizedVariablesMixin:
    """A quantized layer writes and reads its variables in Keras' order (``_QUANTIZED_FILE``,
    attribute names); an unquantized one keeps the file code's default (or LoRA's) path."""

    _QUANTIZED_FILE: tuple = ()

    @property
    def save_own_variables(self):
        if self.quantization_mode:
            return lambda store: save_variables(self, store, self._QUANTIZED_FILE)
        return super().save_own_variables

    @property
    def load_own_variables(self):
        if self.quantization_mode:
            return lambda store: load_variables(self, store, self._QUANTIZED_FILE)
        return super().load_own_variables
