"""GroupNormalization: normalize groups of channels over each sample."""

from __future__ import annotations

from lamina import constraints, initializers, regularizers
from lamina.backend import core as backend
from lamina.backend import nn
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer
from lamina.layers.normalization._common import (
    add_gamma_beta,
    at_least_float32,
    check_axes,
    gamma_beta_config,
)


class GroupNormalization(Layer):
    """Split the channels of ``axis`` into ``groups`` and normalize each group per sample.

    ``groups=-1`` is instance normalization (one channel per group); ``groups=1`` is layer
    normalization over all non-batch axes.

    >>> import lamina
    >>> gn = lamina.layers.GroupNormalization(groups=2)
    >>> tuple(gn(lamina.ops.ones((2, 5, 4))).shape)
    (2, 5, 4)
    """

    def __init__(self, groups=32, axis=-1, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None, **kwargs):
        if isinstance(groups, bool) or not isinstance(groups, int) or (
            groups <= 0 and groups != -1
        ):
            raise ValueError(
                "GroupNormalization: `groups` must be a positive integer (or -1 for instance "
                f"normalization), got {groups!r}"
            )
        super().__init__(**kwargs)
        self.supports_masking = True
        self.autocast = False
        self.groups = groups
        self.axis = axis
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)

    def build(self, input_shape):
        check_axes(self, self.axis, input_shape)
        dim = input_shape[self.axis]
        if dim is None:
            raise ValueError(
                f"Layer '{self.name}' (GroupNormalization): axis {self.axis} of the input must "
                f"have a known size; received input shape {tuple(input_shape)}."
            )
        if self.groups == -1:
            self.groups = dim
        if dim < self.groups:
            raise ValueError(
                f"Layer '{self.name}' (GroupNormalization): number of groups ({self.groups}) "
                f"cannot be more than the number of channels ({dim})."
            )
        if dim % self.groups != 0:
            raise ValueError(
                f"Layer '{self.name}' (GroupNormalization): the number of channels ({dim}) "
                f"must be a multiple of the number of groups ({self.groups})."
            )
        self.input_spec = InputSpec(ndim=len(input_shape), axes={self.axis: dim})
        add_gamma_beta(self, (dim,), self.scale, self.center)
        self.built = True

    def call(self, inputs):
        x = at_least_float32(inputs)
        out = nn.group_normalization(x, self.groups, self.gamma, self.beta, self.axis,
                                     self.epsilon)
        if out.dtype != self._engine_compute_dtype:
            out = backend.cast(out, self._compute_dtype)
        return out

    def compute_output_shape(self, input_shape):
        check_axes(self, self.axis, input_shape)
        return tuple(input_shape)

    def get_config(self):
        cfg = super().get_config()
        cfg.update({
            "groups": self.groups,
            "axis": self.axis,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            **gamma_beta_config(self),
        })
        return cfg
