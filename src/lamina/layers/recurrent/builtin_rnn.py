"""What SimpleRNN, LSTM and GRU share: their config is their cell's arguments, and the cell's
arguments read as the layer's own attributes (``LSTM(8).units``), as in Keras."""

from __future__ import annotations

from lamina import activations, constraints, initializers, regularizers
from lamina.backend import core as backend
from lamina.backend import rnn as backend_rnn
from lamina.layers.recurrent.rnn import RNN


def cell_config(cell, keys):
    """The serialized constructor arguments ``keys`` of a built-in cell."""
    out = {}
    for key in keys:
        value = getattr(cell, key)
        if key.endswith("activation"):
            value = activations.serialize(value)
        elif key.endswith("initializer"):
            value = initializers.serialize(value)
        elif key.endswith("regularizer"):
            value = regularizers.serialize(value)
        elif key.endswith("constraint"):
            value = constraints.serialize(value)
        out[key] = value
    return out


class BuiltinRNN(RNN):
    """Base of the built-in recurrent layers; subclasses list their cell's arguments."""

    _cell_args: tuple = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for name in cls._cell_args:
            setattr(cls, name, property(lambda self, key=name: getattr(self.cell, key)))

    def _kernel_cache(self):
        """The fused kernel's weight cache (re-laid-out weights, reused while they do not
        change), or None under torch.compile: the compiler would take the cached tensors,
        made without gradients, for graph inputs."""
        return None if backend.is_compiling() else self._fused_cache

    def _packed_lengths(self, mask):
        """Each sequence's length when ``mask`` is right-padded (the fused kernel then runs
        packed sequences), else None. Under torch.compile always None: packing reads the
        lengths on the host, so the masked step loop (which the compiler traces) runs instead."""
        if backend.is_compiling():
            return None
        return backend_rnn.right_padded_lengths(mask)

    def get_config(self):
        cfg = super().get_config()
        del cfg["cell"]
        cfg.update(cell_config(self.cell, self._cell_args))
        cfg["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        return cfg

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return cls(**config)
