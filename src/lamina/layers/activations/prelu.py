"""PReLU: a leaky ReLU whose negative slope is learned."""

from __future__ import annotations

from lamina import constraints, initializers, regularizers
from lamina.ops import kernels as ops  # the training path: no conversion
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer


class PReLU(Layer):
    """``x`` for ``x >= 0``, ``alpha * x`` below, with ``alpha`` a weight shaped like one sample.

    ``shared_axes`` share the slope along those axes (e.g. ``[1, 2]`` for one slope per
    channel of an image).

    >>> import lamina
    >>> layer = lamina.layers.PReLU(alpha_initializer="ones")
    >>> layer(lamina.ops.convert_to_tensor([[-2.0, 3.0]])).tolist()
    [[-2.0, 3.0]]
    """

    supports_masking = True

    def __init__(self, alpha_initializer="Zeros", alpha_regularizer=None, alpha_constraint=None,
                 shared_axes=None, **kwargs):
        super().__init__(**kwargs)
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        if shared_axes is None:
            self.shared_axes = None
        elif isinstance(shared_axes, (list, tuple)):
            self.shared_axes = [int(a) for a in shared_axes]
        else:
            self.shared_axes = [int(shared_axes)]

    def build(self, input_shape):
        param_shape = list(input_shape[1:])
        for axis in self.shared_axes or ():
            if not 1 <= axis < len(input_shape):
                raise ValueError(
                    f"Layer '{self.name}' (PReLU): shared axis {axis} is out of range for inputs "
                    f"of shape {tuple(input_shape)}; axes count from 1 (0 is the batch)."
                )
            param_shape[axis - 1] = 1
        if any(d is None for d in param_shape):
            raise ValueError(
                f"Layer '{self.name}' (PReLU) needs every non-shared dimension of its input to "
                f"be known; received input shape {tuple(input_shape)}. Pass shared_axes for "
                "the unknown ones."
            )
        self.alpha = self.add_weight(
            shape=param_shape, name="alpha", initializer=self.alpha_initializer,
            regularizer=self.alpha_regularizer, constraint=self.alpha_constraint,
        )
        axes = {i: input_shape[i] for i in range(1, len(input_shape))
                if i not in (self.shared_axes or ())}
        self.input_spec = InputSpec(ndim=len(input_shape), axes=axes)
        self.built = True

    def call(self, inputs):
        return ops.relu(inputs) - self.alpha * ops.relu(-inputs)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        cfg = super().get_config()
        cfg.update({
            "alpha_initializer": initializers.serialize(self.alpha_initializer),
            "alpha_regularizer": regularizers.serialize(self.alpha_regularizer),
            "alpha_constraint": constraints.serialize(self.alpha_constraint),
            "shared_axes": self.shared_axes,
        })
        return cfg
