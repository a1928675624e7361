"""StackedRNNCells: several cells run as one, each feeding the next."""

from __future__ import annotations

import inspect

from lamina.ops import kernels as ops  # the training path: no conversion
from lamina.layers.layer import Layer
from lamina.layers.recurrent._common import deserialize_layer, serialize_layer


class StackedRNNCells(Layer):
    """Wraps a list of cells so that an ``RNN`` runs them as one deep cell.

    >>> import lamina
    >>> cells = [lamina.layers.LSTMCell(4), lamina.layers.GRUCell(3)]
    >>> tuple(lamina.layers.RNN(lamina.layers.StackedRNNCells(cells))(lamina.ops.ones((2, 5, 6))).shape)
    (2, 3)
    """

    def __init__(self, cells, **kwargs):
        super().__init__(**kwargs)
        cells = [deserialize_layer(c) if isinstance(c, dict) else c for c in cells]
        for cell in cells:
            if "call" not in dir(cell):
                raise ValueError(
                    f"All cells must have a `call` method. Received cell without a `call` "
                    f"method: {cell}"
                )
            if "state_size" not in dir(cell):
                raise ValueError(
                    "All cells must have a `state_size` attribute. Received cell without a "
                    f"`state_size`: {cell}"
                )
        self.cells = list(cells)
        self._takes_training = []
        for cell in self.cells:
            try:
                sig = inspect.signature(cell.call).parameters
                self._takes_training.append("training" in sig)
            except (TypeError, ValueError):  # pragma: no cover
                self._takes_training.append(False)

    @property
    def state_size(self):
        return [c.state_size for c in self.cells]

    @property
    def output_size(self):
        last = self.cells[-1]
        if getattr(last, "output_size", None) is not None:
            return last.output_size
        if isinstance(last.state_size, (list, tuple)):
            return last.state_size[0]
        return last.state_size

    def get_initial_state(self, batch_size=None):
        states = []
        for cell in self.cells:
            fn = getattr(cell, "get_initial_state", None)
            if fn is not None:
                states.append(fn(batch_size=batch_size))
            elif isinstance(cell.state_size, int):
                states.append(ops.zeros((batch_size, cell.state_size), dtype=self.compute_dtype))
            else:
                states.append([ops.zeros((batch_size, d), dtype=self.compute_dtype)
                               for d in cell.state_size])
        return states

    def call(self, inputs, states, training=False, **kwargs):
        new_states = []
        for cell, cell_states, takes_training in zip(self.cells, states, self._takes_training):
            is_list = isinstance(cell_states, (list, tuple))
            cell_states = list(cell_states) if is_list else [cell_states]
            kw = dict(kwargs)
            if takes_training:
                kw["training"] = training
            if isinstance(cell, Layer) and cell.built:
                fn = cell.call
            else:
                fn = cell.__call__ if callable(cell) else cell.call
            inputs, cell_states = fn(inputs, cell_states, **kw)
            if not isinstance(cell_states, (list, tuple)):
                cell_states = [cell_states]
            if len(cell_states) == 1 and not is_list:
                cell_states = cell_states[0]
            new_states.append(cell_states)
        if len(new_states) == 1:
            new_states = new_states[0]
        return inputs, new_states

    def build(self, input_shape):
        for cell in self.cells:
            if isinstance(cell, Layer) and not cell.built:
                cell.build(input_shape)
                cell.built = True
                cell._build_shapes = tuple(input_shape)
            if getattr(cell, "output_size", None) is not None:
                dim = cell.output_size
            elif isinstance(cell.state_size, (list, tuple)):
                dim = cell.state_size[0]
            else:
                dim = cell.state_size
            input_shape = (input_shape[0], dim)
        self.built = True

    def get_config(self):
        cfg = super().get_config()
        cfg["cells"] = [serialize_layer(c) for c in self.cells]
        return cfg

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        cells = [deserialize_layer(c, custom_objects) for c in config.pop("cells")]
        return cls(cells, **config)
