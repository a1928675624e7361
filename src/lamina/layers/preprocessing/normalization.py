"""Normalization: ``(x - mean) / sqrt(variance)`` per feature, with mean/variance from ``adapt``."""

from __future__ import annotations

import itertools
import math

import numpy as np

from lamina import config, ops
from lamina.backend import core as backend
from lamina.layers.layer import Layer
from lamina.layers.preprocessing.adapt_data import iter_batches, to_numpy


class Normalization(Layer):
    """Shift and scale inputs to mean 0 and variance 1 along ``axis`` (the kept axes).

    The mean and variance come from ``mean=``/``variance=`` or from ``adapt(data)``; adapted
    values are the layer's non-trainable weights ``mean``, ``variance`` and ``count`` (as Keras
    saves them). ``invert=True`` maps normalized values back.

    >>> import numpy as np, lamina
    >>> layer = lamina.layers.Normalization(axis=None)
    >>> layer.adapt(np.array([1., 2., 3., 4., 5.], dtype="float32"))
    >>> [round(float(v), 4) for v in lamina.ops.convert_to_numpy(layer(np.array([1., 3.])))]
    [-1.4142, 0.0]
    """

    def __init__(self, axis: int | tuple | list | None = -1, mean=None, variance=None,
                 invert: bool = False, **kwargs):
        super().__init__(**kwargs)
        if axis is None:
            axis = ()
        elif isinstance(axis, int):
            axis = (axis,)
        else:
            axis = tuple(int(a) for a in axis)
        self.axis = axis
        self.input_mean = mean
        self.input_variance = variance
        self.invert = bool(invert)
        self.supports_masking = True
        self._build_input_shape = None
        self.mean = None
        self.variance = None
        if (mean is None) != (variance is None):
            raise ValueError(
                "Normalization: when setting values directly, both `mean` and `variance` must "
                f"be set. Received: mean={mean} and variance={variance}"
            )
        if mean is not None:
            if np.shape(mean) != np.shape(variance):
                raise ValueError(
                    "Normalization: `mean` and `variance` must have the same shape. Received: "
                    f"mean shape {np.shape(mean)} and variance shape {np.shape(variance)}"
                )
            if len(np.shape(mean)) > len(self.axis):
                raise ValueError(
                    "Normalization: the rank of `mean` must be at most the number of axes "
                    f"({len(self.axis)}). Received: mean shape {np.shape(mean)} for axis "
                    f"{self.axis}"
                )

    def build(self, input_shape):
        if input_shape is None:
            return
        input_shape = tuple(input_shape)
        ndim = len(input_shape)
        if any(a < -ndim or a >= ndim for a in self.axis):
            raise ValueError(
                f"Normalization: all `axis` values must be in the range [-ndim, ndim). "
                f"Received inputs with ndim={ndim}, while axis={self.axis}"
            )
        keep = tuple(sorted(a % ndim for a in self.axis))
        for d in keep:
            if input_shape[d] is None:
                raise ValueError(
                    f"Normalization: all `axis` values to be kept must have a known size. "
                    f"Received axis={self.axis}, inputs.shape={input_shape}, with unknown "
                    f"axis at index {d}"
                )
        self._build_input_shape = input_shape
        self._keep_axis = keep
        self._reduce_axis = tuple(d for d in range(ndim) if d not in keep)
        self._broadcast_shape = tuple(input_shape[d] if d in keep else 1 for d in range(ndim))
        self._mean_and_var_shape = tuple(input_shape[d] for d in keep)
        if self.input_mean is None:
            self.adapt_mean = self.add_weight(name="mean", shape=self._mean_and_var_shape,
                                              initializer="zeros", trainable=False)
            self.adapt_variance = self.add_weight(name="variance",
                                                  shape=self._mean_and_var_shape,
                                                  initializer="ones", trainable=False)
            # Keras' dtype "int": int32 on its torch backend
            self.count = self.add_weight(name="count", shape=(), dtype="int32",
                                         initializer="zeros", trainable=False)
        else:
            self.mean, self.variance = (
                self._broadcast(v) for v in (self.input_mean, self.input_variance))
        self.built = True

    def _broadcast(self, value):
        """A given mean/variance laid out to broadcast against inputs (Keras' rule: its axes
        fill the kept axes from the right)."""
        value = np.asarray(value, dtype=self.compute_dtype)
        shape = [1] * len(self._broadcast_shape)
        for i in range(1, value.ndim + 1):
            shape[self._keep_axis[-i]] = value.shape[-i]
        value = np.broadcast_to(value.reshape(shape), self._broadcast_shape)
        return backend.convert_to_tensor(np.array(value, copy=True))

    def adapt(self, data) -> None:
        """Compute the mean and variance of ``data`` (an array, a tensor, or batches of them)
        for each position of the kept axes; batches are combined as Keras combines them."""
        if isinstance(data, np.ndarray) or backend.is_tensor(data):
            batches, shape = None, tuple(data.shape)
        else:
            it = iter_batches(data, layer="Normalization")
            first = next(it, None)
            if first is None:
                raise ValueError(
                    "Normalization.adapt() received an empty iterable (no batches). Pass an "
                    "array or a non-empty iterable of arrays, e.g. layer.adapt([x])."
                )
            if first.dtype == object:
                raise TypeError(
                    "Normalization.adapt() expects batches that are arrays or tensors; got an "
                    f"element of type {type(first.reshape(-1)[0]).__name__}. Pass "
                    "np.asarray(data) to adapt on one array."
                )
            batches, shape = itertools.chain([first], it), tuple(first.shape)
        if not self.built:
            self.build(shape)
        else:
            self._check_shape(shape)
        if self.input_mean is not None:
            raise ValueError("Normalization: cannot adapt a layer given `mean` and `variance`.")
        if batches is None:
            x = to_numpy(data)
            if x.dtype.kind not in "fc":
                x = x.astype(self.compute_dtype)
            mean = np.mean(x, axis=self._reduce_axis)
            var = np.var(x, axis=self._reduce_axis)
        else:
            mean, var = self._combine(batches)
        self.adapt_mean.assign(np.asarray(mean, dtype="float32"))
        self.adapt_variance.assign(np.asarray(var, dtype="float32"))

    def _check_shape(self, shape):
        for d in self._keep_axis:
            if len(shape) != len(self._build_input_shape) or shape[d] != self._build_input_shape[d]:
                raise ValueError(
                    f"Normalization: the layer was built with input_shape="
                    f"{self._build_input_shape}, but adapt() got data of incompatible shape "
                    f"{shape}"
                )

    def _combine(self, batches):
        """Keras' running update: each batch's mean and variance folded into the totals,
        weighted by the number of values it contributes per kept position."""
        total_mean = np.zeros(self._mean_and_var_shape, np.float32)
        total_var = np.zeros(self._mean_and_var_shape, np.float32)
        total_count = 0
        for batch in batches:
            batch = np.asarray(batch, dtype=self.compute_dtype)
            self._check_shape(tuple(batch.shape))
            batch_mean = np.mean(batch, axis=self._reduce_axis)
            batch_var = np.var(batch, axis=self._reduce_axis)
            count = math.prod(batch.shape[d] for d in self._reduce_axis) if self._reduce_axis \
                else 1
            total_count += count
            w = float(count) / total_count
            new_mean = total_mean * (1.0 - w) + batch_mean * w
            total_var = ((total_var + (total_mean - new_mean) ** 2) * (1.0 - w)
                         + (batch_var + (batch_mean - new_mean) ** 2) * w)
            total_mean = new_mean
        return total_mean, total_var

    def call(self, inputs):
        if not self.built or (self.input_mean is None and not hasattr(self, "adapt_mean")):
            raise ValueError("Normalization: call `.build(input_shape)` or `.adapt(data)` on "
                             "the layer before using it.")
        inputs = ops.cast(inputs, self.compute_dtype)
        if self.input_mean is not None:
            mean, variance = self.mean, self.variance
        else:
            mean = ops.cast(ops.reshape(self.adapt_mean, self._broadcast_shape),
                            self.compute_dtype)
            variance = ops.cast(ops.reshape(self.adapt_variance, self._broadcast_shape),
                                self.compute_dtype)
        scale = ops.maximum(ops.sqrt(variance), config.epsilon())
        if self.invert:
            return mean + inputs * scale
        return (inputs - mean) / scale

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        cfg = super().get_config()
        cfg.update({
            "axis": self.axis,
            "invert": self.invert,
            "mean": np.array(self.input_mean).tolist(),
            "variance": np.array(self.input_variance).tolist(),
        })
        return cfg

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if isinstance(config.get("axis"), list):
            config["axis"] = tuple(config["axis"])
        return cls(**config)

    def get_build_config(self):
        if self._build_input_shape:
            return {"input_shape": list(self._build_input_shape)}
        return None

    def build_from_config(self, config):
        if config and not self.built:
            self.build(tuple(config["input_shape"]))
