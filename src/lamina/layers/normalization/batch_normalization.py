"""BatchNormalization: normalize with batch statistics in training, moving ones in inference."""

from __future__ import annotations

from lamina import constraints, initializers, regularizers
from lamina.ops import kernels as ops  # the training path: no conversion
from lamina.backend import core as backend
from lamina.backend import nn
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer
from lamina.layers.normalization._common import add_gamma_beta

_RENORM_KEYS = ("rmax", "rmin", "dmax")


class BatchNormalization(Layer):
    """``gamma * (x - mean) / sqrt(var + epsilon) + beta`` per channel of ``axis``.

    In training (``training=True`` on a trainable layer) ``mean``/``var`` are the batch's
    (biased variance) and the moving statistics move towards them:
    ``moving = moving * momentum + batch * (1 - momentum)``. Otherwise the moving statistics are
    used. A layer with ``trainable=False`` always runs in inference mode (Keras 3).

    >>> import lamina
    >>> bn = lamina.layers.BatchNormalization()
    >>> tuple(bn(lamina.ops.ones((4, 3)), training=True).shape)
    (4, 3)
    """

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones",
                 moving_mean_initializer="zeros", moving_variance_initializer="ones",
                 beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, renorm=False, renorm_clipping=None,
                 renorm_momentum=0.99, synchronized=False, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            if len(axis) != 1:
                raise ValueError(
                    f"BatchNormalization: `axis` must be one integer, got {axis!r}")
            axis = axis[0]
        self.axis = int(axis)
        if synchronized:
            raise ValueError(
                "BatchNormalization: synchronized=True is only supported with the TensorFlow "
                "backend (as in Keras 3); lamina runs on torch."
            )
        self.synchronized = synchronized
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.center = center
        self.scale = scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True
        self.renorm = renorm
        if renorm:
            renorm_clipping = renorm_clipping or {}
            bad = set(renorm_clipping) - set(_RENORM_KEYS)
            if bad:
                raise ValueError(
                    f"BatchNormalization: invalid keys {sorted(bad)} in `renorm_clipping`; "
                    f"supported keys are {list(_RENORM_KEYS)}."
                )
            rmax, rmin = renorm_clipping.get("rmax"), renorm_clipping.get("rmin")
            dmax = renorm_clipping.get("dmax")
            if rmax is not None and rmin is not None and rmax < rmin:
                raise ValueError(
                    f"BatchNormalization: renorm_clipping needs rmax >= rmin, got "
                    f"rmax={rmax}, rmin={rmin}.")
            if dmax is not None and dmax < 0:
                raise ValueError(
                    f"BatchNormalization: renorm_clipping needs dmax >= 0, got dmax={dmax}.")
        self.renorm_clipping = renorm_clipping
        self.renorm_momentum = renorm_momentum
        self.gamma = None
        self.beta = None

    def build(self, input_shape):
        ndim = len(input_shape)
        if not -ndim <= self.axis < ndim:
            raise ValueError(
                f"Layer '{self.name}' (BatchNormalization): axis {self.axis} is out of range for "
                f"inputs of shape {tuple(input_shape)}."
            )
        dim = input_shape[self.axis]
        if dim is None:
            raise ValueError(
                f"Layer '{self.name}' (BatchNormalization) needs axis {self.axis} of its input "
                f"to be known; received input shape {tuple(input_shape)}."
            )
        shape = (dim,)
        add_gamma_beta(self, shape, self.scale, self.center)
        self.moving_mean = self.add_weight(
            shape=shape, name="moving_mean", initializer=self.moving_mean_initializer,
            trainable=False)
        self.moving_variance = self.add_weight(
            shape=shape, name="moving_variance", initializer=self.moving_variance_initializer,
            trainable=False)
        for v in (self.moving_mean, self.moving_variance):
            v._lamina_keep_untrainable = True
        if self.renorm:
            std = ops.sqrt(self.moving_variance_initializer(shape, dtype=self.dtype))
            self.moving_stddev = self.add_weight(
                shape=shape, name="moving_stddev", initializer="ones", trainable=False)
            self.renorm_mean = self.add_weight(
                shape=shape, name="renorm_mean", initializer=self.moving_mean_initializer,
                trainable=False)
            self.renorm_stddev = self.add_weight(
                shape=shape, name="renorm_stddev", initializer="ones", trainable=False)
            for v in (self.moving_stddev, self.renorm_mean, self.renorm_stddev):
                v._lamina_keep_untrainable = True
            self.moving_stddev.assign(std)
            self.renorm_stddev.assign(std)
        self.input_spec = InputSpec(ndim=ndim, axes={self.axis: dim})
        self._reduction_axes = [d for d in range(ndim) if d != self.axis % ndim]
        self.built = True

    def call(self, inputs, training=None, mask=None):
        if mask is not None and mask.ndim != inputs.ndim - 1:
            raise ValueError(
                f"Layer '{self.name}' (BatchNormalization): the mask must have one dimension "
                f"less than the inputs; got mask shape {tuple(mask.shape)} for inputs of shape "
                f"{tuple(inputs.shape)}."
            )
        x = inputs
        if x.dtype != self.moving_mean.dtype:  # at least float32 for the statistics
            x = backend.cast(x, self.moving_mean.dtype)
        gamma, beta = self.gamma, self.beta
        if training and self.trainable:
            if mask is None and not self.renorm:
                out, mean, var = nn.batch_norm_train(x, self.axis, gamma, beta, self.epsilon)
            else:
                mean, var = self._moments(x, mask)
                if self.renorm:
                    gamma, beta = self._renorm_transform(mean, var)
                out = nn.batch_normalization(x, mean, var, self.axis, beta, gamma,
                                             self.epsilon)
            if self.renorm:
                self._update_renorm_statistics(mean, var)
            else:
                nn.update_moving(self.moving_mean, mean, self.momentum)
                nn.update_moving(self.moving_variance, var, self.momentum)
        else:
            out = nn.batch_normalization(x, self.moving_mean, self.moving_variance, self.axis,
                                         beta, gamma, self.epsilon)
        if out.dtype != self._engine_compute_dtype:
            out = backend.cast(out, self._compute_dtype)
        return out

    def _moments(self, x, mask):
        axes = self._reduction_axes
        if mask is None:
            return nn.moments(x, axes)
        m = ops.broadcast_to(ops.expand_dims(backend.cast(mask, "bool"), -1), tuple(x.shape))
        weights = backend.cast(m, backend.dtype_of(x))
        total = ops.sum(weights, axis=axes, keepdims=True) + 1e-7
        mean = ops.sum(ops.where(m, x, 0.0), axis=axes, keepdims=True) / total
        var = ops.sum(ops.square(ops.where(m, x - mean, 0.0)), axis=axes, keepdims=True) / total
        return ops.reshape(mean, (-1,)), ops.reshape(var, (-1,))

    def _renorm_transform(self, mean, var):
        """Batch renormalization: the (r, d) correction folded into gamma and beta."""
        with backend.no_grad():  # r and d carry no gradient (stop_gradient in Keras)
            std = ops.sqrt(var + self.epsilon)
            renorm_std = ops.clip(self.renorm_stddev, self.epsilon ** 0.5, None)
            r = std / renorm_std
            d = (mean - self.renorm_mean) / renorm_std
            clip = self.renorm_clipping
            if clip.get("rmin") is not None or clip.get("rmax") is not None:
                r = ops.clip(r, clip.get("rmin"), clip.get("rmax"))
            if clip.get("dmax") is not None:
                d = ops.clip(d, -clip["dmax"], clip["dmax"])
        gamma = r * self.gamma if self.gamma is not None else r
        beta = d * self.gamma if self.gamma is not None else d
        if self.beta is not None:
            beta = beta + self.beta
        return gamma, beta

    def _update_renorm_statistics(self, mean, var):
        std = ops.sqrt(var + self.epsilon)
        nn.update_moving(self.renorm_mean, mean, self.renorm_momentum)
        nn.update_moving(self.renorm_stddev, std, self.renorm_momentum)
        nn.update_moving(self.moving_mean, mean, self.momentum)
        nn.update_moving(self.moving_stddev, std, self.momentum)
        with backend.no_grad():
            s = self.moving_stddev
            self.moving_variance.assign(ops.relu(s * s - self.epsilon))

    def compute_output_shape(self, input_shape):
        if not -len(input_shape) <= self.axis < len(input_shape):
            raise ValueError(
                f"Layer '{self.name}' (BatchNormalization): axis {self.axis} is out of bounds "
                f"for input shape {tuple(input_shape)}."
            )
        return tuple(input_shape)

    def get_config(self):
        cfg = super().get_config()
        cfg.update({
            "axis": self.axis,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
            "moving_variance_initializer": initializers.serialize(
                self.moving_variance_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
            "beta_constraint": constraints.serialize(self.beta_constraint),
            "gamma_constraint": constraints.serialize(self.gamma_constraint),
            "synchronized": self.synchronized,
            "renorm": self.renorm,
            "renorm_clipping": self.renorm_clipping,
            "renorm_momentum": self.renorm_momentum,
        })
        return cfg
