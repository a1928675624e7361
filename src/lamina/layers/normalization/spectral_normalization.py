"""SpectralNormalization: keep a layer's kernel at spectral norm 1 (Miyato et al., 2018)."""

from __future__ import annotations

from lamina import initializers
from lamina.ops import kernels as ops  # the training path: no conversion
from lamina.backend import core as backend
from lamina.layers.core.wrapper import Wrapper
from lamina.layers.input_spec import InputSpec


class SpectralNormalization(Wrapper):
    """Divides the wrapped layer's ``kernel`` (or ``embeddings``) by its largest singular
    value, estimated by ``power_iterations`` steps of the power method from the running
    estimate ``vector_u`` (a non-trainable weight).

    As in Keras, the division happens in training calls only and is written into the kernel
    itself (so it persists); inference calls use the kernel as it stands. An all-zero kernel
    is left alone.

    >>> import lamina
    >>> sn = lamina.layers.SpectralNormalization(lamina.layers.Dense(3))
    >>> tuple(sn(lamina.ops.ones((2, 4)), training=True).shape)
    (2, 3)
    """

    def __init__(self, layer, power_iterations: int = 1, **kwargs):
        super().__init__(layer, **kwargs)
        if isinstance(power_iterations, bool) or not isinstance(power_iterations, int) \
                or power_iterations <= 0:
            raise ValueError(
                "SpectralNormalization: `power_iterations` should be greater than zero. "
                f"Received: `power_iterations={power_iterations!r}`")
        self.power_iterations = power_iterations

    @property
    def kernel(self):
        """The wrapped layer's kernel (or embeddings table): the weight being normalized."""
        layer = self.layer
        if hasattr(layer, "kernel"):
            return layer.kernel
        return layer.embeddings

    def build(self, input_shape):
        super().build(input_shape)
        self.input_spec = InputSpec(min_ndim=1, axes={-1: input_shape[-1]})
        if not (hasattr(self.layer, "kernel") or hasattr(self.layer, "embeddings")):
            raise ValueError(
                f"SpectralNormalization: {type(self.layer).__name__} object has no attribute "
                "'kernel' nor 'embeddings'")
        kernel = self.kernel
        self.kernel_shape = tuple(kernel.shape)
        # Keras lists the wrapped kernel among the wrapper's own weights (first, and saved in
        # its file group), then vector_u; the kernel still belongs to the inner layer's
        # parameters only, so it is trained and counted once.
        self._own_variables.append(kernel)
        self.vector_u = self.add_weight(
            shape=(1, self.kernel_shape[-1]), name="vector_u", trainable=False,
            initializer=initializers.TruncatedNormal(stddev=0.02),
            dtype=backend.dtype_of(kernel))

    def _regularization_losses(self):
        # the borrowed kernel's penalty is counted by the layer that owns it
        return []

    def normalized_weights(self):
        """``(new vector_u, kernel / sigma)``: one round of the power method, not assigned."""
        weights = ops.reshape(self.kernel, (-1, self.kernel_shape[-1]))
        u = ops.convert_to_tensor(self.vector_u)
        for _ in range(self.power_iterations):
            v = ops.normalize(ops.matmul(u, ops.transpose(weights)), axis=None)
            u = ops.normalize(ops.matmul(v, weights), axis=None)
        u, v = ops.stop_gradient(u), ops.stop_gradient(v)
        sigma = ops.matmul(ops.matmul(v, weights), ops.transpose(u))
        kernel = ops.reshape(self.kernel / sigma, self.kernel_shape)
        return u, kernel

    def call(self, inputs, training=False):
        if training:
            with backend.no_grad():
                if bool(ops.any(ops.not_equal(self.kernel, 0))):
                    u, kernel = self.normalized_weights()
                    self.vector_u.assign(u)
                    self.kernel.assign(kernel)
        out = self.layer(inputs)
        return ops.cast(out, backend.dtype_of(inputs))

    def get_config(self):
        cfg = super().get_config()
        cfg["power_iterations"] = self.power_iterations
        return cfg
