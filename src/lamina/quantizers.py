"""``keras.quantizers``: absmax int8 quantization, int4 packing, float8 scaling helpers.

``model.quantize("int8")`` stores Dense and Embedding weights as int8 with one float scale
per output channel (Keras 3's scheme and file layout); these are the functions it uses.

>>> import numpy as np
>>> q, scale = abs_max_quantize(np.array([[0.5, -1.0], [0.25, 2.0]]), axis=0)
>>> q.tolist(), [round(float(s), 3) for s in np.ravel(scale)]
([[127, -63], [63, 127]], [254.0, 63.5])
"""

from __future__ import annotations

import numpy as np

from lamina import config
from lamina import ops


def _np_axis(axis):
    return tuple(axis) if isinstance(axis, (list, tuple)) else axis


def abs_max_quantize(inputs, axis, value_range=(-127, 127), dtype="int8", epsilon=None,
                     to_numpy=False):
    """``(round(x * scale) clipped to value_range, scale)`` with
    ``scale = value_range[1] / (max|x| along axis + epsilon)`` (keepdims)."""
    epsilon = config.epsilon() if epsilon is None else epsilon
    if to_numpy:
        x = ops.convert_to_numpy(inputs)
        scale = np.divide(value_range[1],
                          np.add(np.max(np.abs(x), axis=_np_axis(axis), keepdims=True), epsilon))
        q = np.clip(np.round(np.multiply(x, scale)), value_range[0], value_range[1])
        return (ops.convert_to_tensor(q.astype(dtype)),
                ops.convert_to_tensor(scale.astype(x.dtype if x.dtype.kind == "f"
                                                   else "float32")))
    x = ops.convert_to_tensor(inputs)
    scale = ops.divide(value_range[1],
                       ops.add(ops.max(ops.abs(x), axis=axis, keepdims=True), epsilon))
    q = ops.clip(ops.round(ops.multiply(x, scale)), value_range[0], value_range[1])
    return ops.cast(q, dtype), scale


class Quantizer:
    """The base of quantizers: ``quantizer(x) -> (quantized x, scale)``."""

    def __init__(self, output_dtype="int8"):
        self.output_dtype = output_dtype

    def __call__(self, x):
        return x

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def get_config(self):
        raise NotImplementedError(f"{self} does not implement get_config()")


class AbsMaxQuantizer(Quantizer):
    """Absmax quantization to ``value_range`` along an axis (``-1`` when none is given).

    >>> q, s = AbsMaxQuantizer()(np.array([[1.0, -2.0]]))
    >>> q.tolist()
    [[63, -127]]
    """

    def __init__(self, axis=None, value_range=(-127, 127), epsilon=None, output_dtype="int8"):
        super().__init__(output_dtype=output_dtype)
        self.axis = None if axis is None else (tuple(axis) if isinstance(axis, (list, tuple))
                                               else (int(axis),))
        self.value_range = tuple(value_range)
        self.epsilon = config.epsilon() if epsilon is None else epsilon
        if output_dtype == "int8" and (self.value_range[0] < -128 or self.value_range[1] > 127):
            raise ValueError(
                "Quantizer with output_dtype='int8' requires value_range to be within the "
                f"interval [-128, 127]. Received: value_range={value_range}")

    def __call__(self, x, axis=None, to_numpy=False):
        axis = axis if axis is not None else self.axis
        axis = -1 if axis is None else axis
        return abs_max_quantize(x, axis, self.value_range, self.output_dtype, self.epsilon,
                                to_numpy=to_numpy)

    def get_config(self):
        return {"value_range": self.value_range, "epsilon": self.epsilon,
                "output_dtype": self.output_dtype}


class QuantizationConfig:
    """How ``quantize`` quantizes weights and activations (None: the mode's defaults)."""

    mode = None

    def __init__(self, weight_quantizer=None, activation_quantizer=None):
        self.weight_quantizer = weight_quantizer
        self.activation_quantizer = activation_quantizer

    def get_config(self):
        return {"weight_quantizer": serialize(self.weight_quantizer),
                "activation_quantizer": serialize(self.activation_quantizer)}

    @classmethod
    def from_config(cls, config):
        return cls(weight_quantizer=deserialize(config.get("weight_quantizer")),
                   activation_quantizer=deserialize(config.get("activation_quantizer")))

    @staticmethod
    def weight_quantizer_or_default(config, default):
        return default if config is None or config.weight_quantizer is None \
            else config.weight_quantizer

    @staticmethod
    def activation_quantizer_or_default(config, default):
        if config is None:
            return default
        return config.activation_quantizer


class Int8QuantizationConfig(QuantizationConfig):
    """int8 weights (absmax per output channel) and, by default, int8 activations."""

    mode = "int8"

    def __init__(self, weight_quantizer=None, activation_quantizer="default"):
        if activation_quantizer == "default":
            activation_quantizer = AbsMaxQuantizer()
        super().__init__(weight_quantizer, activation_quantizer)


def pack_int4(arr, axis=0, dtype="int8"):
    """Two int4 values (in [-8, 7]) per byte along ``axis``: the first of each pair in the low
    nibble. Returns ``(packed, packed_shape, original_length)``."""
    if dtype not in ("int8", "uint8"):
        raise ValueError(f"pack_int4: dtype must be 'int8' or 'uint8'; received {dtype!r}")
    a = np.moveaxis(np.asarray(ops.convert_to_numpy(arr)).astype("int16"), axis, 0)
    rows = a.shape[0]
    if rows % 2:
        a = np.concatenate([a, np.zeros((1,) + a.shape[1:], a.dtype)], axis=0)
    low, high = a[0::2] & 0x0F, (a[1::2] & 0x0F) << 4
    packed = (low | high).astype("uint8")
    if dtype == "int8":
        packed = packed.view("int8")
    packed = np.moveaxis(packed, 0, axis)
    return ops.convert_to_tensor(packed), tuple(packed.shape), rows


def unpack_int4(packed, orig_len, axis=0, dtype="int8"):
    """Undo :func:`pack_int4`: int8 values in [-8, 7] (or [0, 15] for uint8)."""
    p = np.moveaxis(np.asarray(ops.convert_to_numpy(packed)).view("uint8"), axis, 0)
    low, high = (p & 0x0F).astype("int16"), ((p >> 4) & 0x0F).astype("int16")
    if dtype == "int8":
        low, high = np.where(low > 7, low - 16, low), np.where(high > 7, high - 16, high)
    out = np.empty((p.shape[0] * 2,) + p.shape[1:], "int16")
    out[0::2], out[1::2] = low, high
    out = np.moveaxis(out[:orig_len].astype(dtype), 0, axis)
    return ops.convert_to_tensor(out)


def compute_float8_scale(amax, scale, dtype_max, margin=0):
    """The next float8 scale from the amax history's maximum (delayed scaling)."""
    scale = ops.reciprocal(ops.convert_to_tensor(scale))
    amax = ops.convert_to_tensor(amax)
    sf = ops.divide(ops.divide(dtype_max, amax), 2 ** margin)
    sf = ops.where(amax > 0.0, sf, scale)
    sf = ops.where(ops.isfinite(amax), sf, scale)
    return ops.reciprocal(sf)


def compute_float8_amax_history(x, amax_history):
    """The amax history rolled by one, with ``max|x|`` first."""
    history = ops.convert_to_tensor(amax_history)
    update = ops.cast(ops.max(ops.abs(ops.convert_to_tensor(x))), ops.dtype(history))
    rolled = ops.roll(history, shift=-1)
    return ops.concatenate([ops.reshape(update, (1,)), rolled[1:]], axis=0)


def quantize_and_dequantize(inputs, scale, quantized_dtype, compute_dtype):
    """Round-trip ``inputs / scale`` through ``quantized_dtype`` (e.g. float8_e4m3fn)."""
    finfo = {"float8_e4m3fn": 448.0, "float8_e5m2": 57344.0}
    if quantized_dtype not in finfo:
        raise ValueError(f"quantize_and_dequantize: quantized_dtype must be one of "
                         f"{sorted(finfo)}; received {quantized_dtype!r}")
    limit = ops.cast(finfo[quantized_dtype], compute_dtype)
    x = ops.divide(ops.convert_to_tensor(inputs), ops.cast(scale, compute_dtype))
    x = ops.cast(ops.clip(x, -limit, limit), quantized_dtype)
    return ops.multiply(ops.cast(x, compute_dtype), ops.cast(scale, compute_dtype))


_CLASSES = {"Quantizer": Quantizer, "AbsMaxQuantizer": AbsMaxQuantizer,
            "QuantizationConfig": QuantizationConfig,
            "Int8QuantizationConfig": Int8QuantizationConfig}


def serialize(quantizer):
    """Keras' config dict of a quantizer or a quantization config (None stays None)."""
    if quantizer is None:
        return None
    return {"module": "keras.quantizers", "class_name": type(quantizer).__name__,
            "config": quantizer.get_config(), "registered_name": None}


def deserialize(config, custom_objects=None):
    """The object of :func:`serialize`'s dict; class names come from a closed table."""
    if config is None:
        return None
    name = config.get("class_name") if isinstance(config, dict) else None
    cls = (custom_objects or {}).get(name) or _CLASSES.get(name)
    if cls is None:
        raise ValueError(f"Unknown quantizer {name!r}: lamina has {sorted(_CLASSES)} "
                         "(int8 quantization; int4, float8, GPTQ and AWQ are not supported)")
    return cls.from_config(config.get("config") or {})


def get(identifier, **kwargs):
    """A quantizer from an instance, a config dict or a class name."""
    if identifier is None or isinstance(identifier, Quantizer):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str) and identifier in _CLASSES:
        return _CLASSES[identifier](**kwargs)
    raise ValueError(f"Could not interpret quantizer identifier: {identifier!r}")


__all__ = [
    "AbsMaxQuantizer", "Int8QuantizationConfig", "QuantizationConfig", "Quantizer",
    "abs_max_quantize", "compute_float8_amax_history", "compute_float8_scale", "deserialize",
    "get", "pack_int4", "quantize_and_dequantize", "serialize", "unpack_int4",
]
