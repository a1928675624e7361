"""TimeDistributed: apply one layer to every time step of ``(batch, time, ...)`` inputs."""

from __future__ import annotations

from lamina.ops import kernels as ops  # the training path: no conversion
from lamina.layers.layer import Layer
from lamina.layers.recurrent._common import deserialize_layer, serialize_layer

# layers whose output for one sample depends on the rest of the batch: run step by step
_BATCH_DEPENDENT = ("BatchNormalization",)


class TimeDistributed(Layer):
    """Applies ``layer`` to each time slice (axis 1), with the same weights at every step.

    Sample-wise layers (Dense, Conv2D, ...) run once on the time axis folded into the batch;
    layers that take a mask, or whose output depends on the batch, run step by step as in Keras.

    >>> import lamina
    >>> td = lamina.layers.TimeDistributed(lamina.layers.Dense(3))
    >>> tuple(td(lamina.ops.ones((2, 5, 4))).shape)
    (2, 5, 3)
    """

    def __init__(self, layer, **kwargs):
        if isinstance(layer, dict):
            layer = deserialize_layer(layer)
        if not isinstance(layer, Layer):
            raise ValueError(
                "Please initialize `TimeDistributed` layer with a `keras.layers.Layer` "
                f"instance. Received: {layer}"
            )
        super().__init__(**kwargs)
        self.layer = layer
        self.supports_masking = True

    def _child_shape(self, input_shape):
        if not isinstance(input_shape, (list, tuple)) or len(input_shape) < 3:
            raise ValueError(
                f"`TimeDistributed` layer '{self.name}' requires an input with at least 3 "
                f"dimensions, received: {input_shape}"
            )
        return (input_shape[0], *input_shape[2:])

    def build(self, input_shape):
        child = self._child_shape(tuple(input_shape))
        if not self.layer.built:
            self.layer.build(child)
            self.layer.built = True
            self.layer._build_shapes = child
        self.built = True

    def compute_output_shape(self, input_shape):
        child_out = self.layer.compute_output_shape(self._child_shape(tuple(input_shape)))
        return (child_out[0], input_shape[1], *child_out[1:])

    def _foldable(self):
        if self.layer._call_takes_mask:
            return False
        return not any(name in type(c).__name__ for c in _walk(self.layer)
                       for name in _BATCH_DEPENDENT)

    def call(self, inputs, training=None, mask=None):
        if mask is not None and len(mask.shape) < 2:
            raise ValueError(
                "The `mask` passed to the `TimeDistributed` layer must be at least 2D (e.g., "
                f"`(batch_size, timesteps)`), but it has shape {tuple(mask.shape)}."
            )
        kwargs = {}
        if self.layer._call_takes_training:
            kwargs["training"] = training
        batch, steps = inputs.shape[0], inputs.shape[1]
        if self._foldable():
            flat = ops.reshape(inputs, (batch * steps, *inputs.shape[2:]))
            out = self.layer.call(flat, **kwargs)
            return ops.reshape(out, (batch, steps, *out.shape[1:]))
        outs = []
        for i in range(steps):
            kw = dict(kwargs)
            if self.layer._call_takes_mask and mask is not None:
                kw["mask"] = mask[:, i]
            outs.append(self.layer.call(inputs[:, i], **kw))
        return ops.stack(outs, axis=1)

    def get_config(self):
        cfg = super().get_config()
        cfg["layer"] = serialize_layer(self.layer)
        return cfg

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        layer = deserialize_layer(config.pop("layer"), custom_objects)
        return cls(layer, **config)


def _walk(layer):
    yield layer
    for sub in layer._sublayers():
        yield from _walk(sub)
