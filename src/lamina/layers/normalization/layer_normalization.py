"""LayerNormalization: normalize each sample over its feature axes."""

from __future__ import annotations

import warnings

from lamina import constraints, initializers, regularizers
from lamina.backend import core as backend
from lamina.backend import nn
from lamina.layers.layer import Layer
from lamina.layers.normalization._common import (
    add_gamma_beta,
    at_least_float32,
    axis_argument,
    check_axes,
    gamma_beta_config,
    sorted_axes,
)


class LayerNormalization(Layer):
    """``gamma * (x - mean) / sqrt(var + epsilon) + beta`` with statistics over ``axis``.

    >>> import lamina
    >>> ln = lamina.layers.LayerNormalization()
    >>> round(float(ln(lamina.ops.arange(4.0)[None]).sum()), 4)
    0.0
    """

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True, rms_scaling=False,
                 beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None, **kwargs):
        if rms_scaling:
            warnings.warn(
                "You passed `rms_scaling=True`, which is deprecated (it scales by the "
                "variance, not the root mean square). Use `RMSNormalization` instead.",
                stacklevel=2,
            )
        super().__init__(**kwargs)
        self.axis = axis_argument("LayerNormalization", axis)
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.rms_scaling = rms_scaling
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True
        self.autocast = False

    def build(self, input_shape):
        shape = sorted_axes(self, input_shape)
        if any(d is None for d in shape):
            raise ValueError(
                f"Layer '{self.name}' (LayerNormalization) needs the normalized axes "
                f"{self.axis} to be known; received input shape {tuple(input_shape)}."
            )
        add_gamma_beta(
            self, shape, self.scale or self.rms_scaling, self.center and not self.rms_scaling
        )
        self.built = True

    def call(self, inputs):
        x = at_least_float32(inputs)  # statistics in at least float32, as Keras
        if self.rms_scaling:
            out = nn.variance_scaling_normalization(x, self.gamma, self.axis, self.epsilon)
        else:
            out = nn.layer_normalization(x, self.gamma, self.beta, self.axis, self.epsilon)
        if out.dtype != self._engine_compute_dtype:
            out = backend.cast(out, self._compute_dtype)
        return out

    def compute_output_shape(self, input_shape):
        check_axes(self, self.axis, input_shape)
        return tuple(input_shape)

    def get_config(self):
        cfg = super().get_config()
        cfg.update({
            "axis": self.axis,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "rms_scaling": self.rms_scaling,
            **gamma_beta_config(self),
        })
        return cfg
