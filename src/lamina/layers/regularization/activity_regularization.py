"""ActivityRegularization: add an L1/L2 penalty on the activations that pass through."""

from __future__ import annotations

from lamina import regularizers
from lamina.layers.layer import Layer


class ActivityRegularization(Layer):
    """The identity, adding ``(l1 * sum|x| + l2 * sum x**2) / batch_size`` to ``losses``.

    >>> import lamina
    >>> layer = lamina.layers.ActivityRegularization(l1=0.5)
    >>> _ = layer(lamina.ops.ones((2, 3)))
    >>> float(layer.losses[0])
    1.5
    """

    supports_masking = True

    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        given = kwargs.pop("activity_regularizer", None)
        if given is not None and not isinstance(given, dict):
            # the penalty is l1/l2's; a config dict from a file is tolerated, a user's own
            # regularizer would be dropped, so it is refused (Keras raises too)
            raise TypeError(
                "ActivityRegularization: pass the penalty as l1= and l2=; it takes no "
                f"`activity_regularizer` (received {given!r}).")
        super().__init__(activity_regularizer=regularizers.L1L2(l1=l1, l2=l2), **kwargs)
        self.l1 = l1
        self.l2 = l2
        self.built = True

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        cfg = super().get_config()
        cfg.pop("activity_regularizer", None)
        cfg.update({"l1": self.l1, "l2": self.l2})
        return cfg
