"""Bidirectional: run a recurrent layer forwards and backwards, and merge the two outputs."""

from __future__ import annotations

from lamina.ops import kernels as ops  # the training path: no conversion
from lamina.layers.layer import Layer
from lamina.layers.recurrent._common import deserialize_layer, serialize_layer

_MODES = ("sum", "mul", "ave", "concat", None)


def _removeprefix(name, prefix):
    return name[len(prefix):] if name.startswith(prefix) else name


class Bidirectional(Layer):
    """Wraps an RNN layer: a copy reads the sequence forwards, another (or ``backward_layer``)
    reads it backwards; ``merge_mode`` ('concat', 'sum', 'mul', 'ave' or None) joins them.

    >>> import lamina
    >>> bi = lamina.layers.Bidirectional(lamina.layers.LSTM(4, return_sequences=True))
    >>> tuple(bi(lamina.ops.ones((2, 3, 5))).shape)
    (2, 3, 8)
    """

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None, **kwargs):
        if isinstance(layer, dict):
            layer = deserialize_layer(layer)
        if isinstance(backward_layer, dict):
            backward_layer = deserialize_layer(backward_layer)
        if not isinstance(layer, Layer):
            raise ValueError(
                "Please initialize `Bidirectional` layer with a `keras.layers.Layer` instance. "
                f"Received: {layer}"
            )
        if backward_layer is not None and not isinstance(backward_layer, Layer):
            raise ValueError(
                "`backward_layer` need to be a `keras.layers.Layer` instance. "
                f"Received: {backward_layer}"
            )
        if merge_mode not in _MODES:
            raise ValueError(
                f"Invalid merge mode. Received: {merge_mode}. Merge mode should be one of "
                '{"sum", "mul", "ave", "concat", None}'
            )
        super().__init__(**kwargs)
        config = serialize_layer(layer)
        config.pop("build_config", None)
        config["config"]["name"] = f"forward_{_removeprefix(layer.name, 'forward_')}"
        self.forward_layer = deserialize_layer(config)
        if backward_layer is None:
            config = serialize_layer(layer)
            config.pop("build_config", None)
            config["config"]["go_backwards"] = True
            config["config"]["name"] = f"backward_{_removeprefix(layer.name, 'backward_')}"
            self.backward_layer = deserialize_layer(config)
        else:
            self.backward_layer = backward_layer
        if hasattr(layer, "use_cudnn"):
            self.forward_layer.use_cudnn = layer.use_cudnn
            self.backward_layer.use_cudnn = layer.use_cudnn
        self._verify_layer_config()
        for sub in (self.forward_layer, self.backward_layer):
            if getattr(sub, "zero_output_for_mask", None) is not None:
                sub.zero_output_for_mask = sub.return_sequences
        self.merge_mode = merge_mode
        self._initial_weights = list(weights) if weights else None
        self.stateful = layer.stateful
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        self.supports_masking = True
        self.input_spec = layer.input_spec

    def _verify_layer_config(self):
        if self.forward_layer.go_backwards == self.backward_layer.go_backwards:
            raise ValueError(
                "Forward layer and backward layer should have different `go_backwards` value. "
                f"Received: forward_layer.go_backwards={self.forward_layer.go_backwards}, "
                f"backward_layer.go_backwards={self.backward_layer.go_backwards}"
            )
        for a in ("stateful", "return_sequences", "return_state"):
            fv, bv = getattr(self.forward_layer, a), getattr(self.backward_layer, a)
            if fv != bv:
                raise ValueError(
                    "Forward layer and backward layer are expected to have the same value for "
                    f'attribute "{a}", got "{fv}" for forward layer and "{bv}" for backward layer'
                )

    def build(self, sequences_shape, initial_state_shape=None):
        if not self.forward_layer.built:
            self.forward_layer.build(sequences_shape)
            self.forward_layer.built = True
            self.forward_layer._build_shapes = sequences_shape
        if not self.backward_layer.built:
            self.backward_layer.build(sequences_shape)
            self.backward_layer.built = True
            self.backward_layer._build_shapes = sequences_shape
        if self._initial_weights:
            n = len(self._initial_weights)
            self.forward_layer.set_weights(self._initial_weights[: n // 2])
            self.backward_layer.set_weights(self._initial_weights[n // 2:])
            self._initial_weights = None
        self.built = True

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        out = self.forward_layer.compute_output_shape(sequences_shape)
        states = []
        if self.return_state:
            out, states = out[0], list(out[1:])
        if self.merge_mode == "concat":
            out = tuple(out[:-1]) + (out[-1] * 2,)
        elif self.merge_mode is None:
            out = [tuple(out), tuple(out)]
        if self.return_state:
            head = out if self.merge_mode is None else [tuple(out)]
            return head + states + states
        return out

    def compute_mask(self, inputs, mask=None):
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        if self.return_sequences:
            out = [mask, mask] if not self.merge_mode else mask
        else:
            out = [None, None] if not self.merge_mode else None
        if self.return_state and self.states is not None:
            extra = [None] * len(self.states)
            return (out if isinstance(out, list) else [out]) + extra
        return out

    def call(self, sequences, initial_state=None, mask=None, training=None):
        kwargs = {}
        if self.forward_layer._call_takes_training:
            kwargs["training"] = training
        if self.forward_layer._call_takes_mask and mask is not None:
            kwargs["mask"] = mask
        forward_state = backward_state = None
        if initial_state is not None:
            half = len(initial_state) // 2
            forward_state, backward_state = list(initial_state[:half]), list(initial_state[half:])
        y = self.forward_layer(sequences, initial_state=forward_state, **kwargs)
        y_rev = self.backward_layer(sequences, initial_state=backward_state, **kwargs)
        states = []
        if self.return_state:
            states = list(y[1:]) + list(y_rev[1:])
            y, y_rev = y[0], y_rev[0]
        if self.return_sequences:
            y_rev = ops.flip(y_rev, axis=1)
        mode = self.merge_mode
        if mode == "concat":
            output = ops.concatenate([y, y_rev], axis=-1)
        elif mode == "sum":
            output = y + y_rev
        elif mode == "ave":
            output = (y + y_rev) / 2
        elif mode == "mul":
            output = y * y_rev
        else:
            output = [y, y_rev]
        if self.return_state:
            return (output if mode is None else [output]) + states
        return output

    @property
    def states(self):
        fs = getattr(self.forward_layer, "states", None)
        bs = getattr(self.backward_layer, "states", None)
        if fs and bs:
            return tuple(list(fs) + list(bs))
        return None

    def reset_states(self):
        if not self.stateful:  # (Keras raises; Model.reset_states calls every layer)
            return
        self.forward_layer.reset_states()
        self.backward_layer.reset_states()

    reset_state = reset_states

    def get_config(self):
        cfg = super().get_config()
        cfg["merge_mode"] = self.merge_mode
        cfg["layer"] = serialize_layer(self.forward_layer)
        cfg["backward_layer"] = serialize_layer(self.backward_layer)
        return cfg

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        config["layer"] = deserialize_layer(config["layer"], custom_objects)
        backward = config.pop("backward_layer", None)
        if backward is not None:
            config["backward_layer"] = deserialize_layer(backward, custom_objects)
        return cls(**config)
