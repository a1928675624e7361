"""RNN: the recurrent layer over any cell (``state_size`` plus ``call(inputs, states)``)."""

from __future__ import annotations

from lamina.ops import kernels as ops  # the training path: no conversion
from lamina import tree
from lamina.backend import core as backend
from lamina.backend import rnn as backend_rnn
from lamina.layers.layer import Layer
from lamina.layers.recurrent._common import DropoutRNNCell, deserialize_layer, serialize_layer
from lamina.layers.recurrent.stacked_rnn_cells import StackedRNNCells


def _map(fn, x):
    if isinstance(x, (list, tuple)):
        return type(x)(_map(fn, v) for v in x)
    return fn(x)


class RNN(Layer):
    """Runs a cell over the time axis of ``(batch, time, features)`` inputs.

    A cell has ``state_size`` (an int, or a list of ints) and
    ``call(inputs, states) -> (output, new_states)``; a list of cells is stacked.

    >>> import lamina
    >>> layer = lamina.layers.RNN(lamina.layers.SimpleRNNCell(4), return_sequences=True)
    >>> tuple(layer(lamina.ops.ones((2, 3, 5))).shape)
    (2, 3, 4)
    """

    def __init__(self, cell, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, zero_output_for_mask=False, **kwargs):
        if isinstance(cell, (list, tuple)):
            cell = StackedRNNCells(cell)
        if isinstance(cell, dict):
            cell = deserialize_layer(cell)
        if "call" not in dir(cell):
            raise ValueError(f"Argument `cell` should have a `call` method. Received: cell={cell}")
        if "state_size" not in dir(cell):
            raise ValueError(
                "The RNN cell should have a `state_size` attribute (single integer or list of "
                f"integers, one integer per RNN state). Received: cell={cell}"
            )
        super().__init__(**kwargs)
        self.zero_output_for_mask = bool(zero_output_for_mask)
        self.cell = cell
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)
        self.go_backwards = bool(go_backwards)
        self.stateful = bool(stateful)
        self.unroll = bool(unroll)
        self.supports_masking = True
        self.states = None
        state_size = getattr(cell, "state_size", None)
        if state_size is None:
            raise ValueError("state_size must be specified as property on the RNN cell.")
        if not isinstance(state_size, (list, tuple, int)):
            raise ValueError(
                "state_size must be an integer, or a list/tuple of integers (one for each state "
                f"tensor); got {state_size!r}"
            )
        self.state_size = [state_size] if isinstance(state_size, int) else list(state_size)
        self.single_state = isinstance(state_size, int)
        call = cell.call
        import inspect

        try:
            self._cell_takes_training = "training" in inspect.signature(call).parameters
        except (TypeError, ValueError):  # pragma: no cover - builtins
            self._cell_takes_training = False

    # -- shapes -------------------------------------------------------------------------------

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        if isinstance(sequences_shape, list) and sequences_shape and \
                isinstance(sequences_shape[0], (list, tuple)):
            sequences_shape = sequences_shape[0]
        batch, length = sequences_shape[0], sequences_shape[1]
        states_shape = []
        for size in self.state_size:
            if isinstance(size, int):
                states_shape.append((batch, size))
            else:
                states_shape.append([(batch, s) for s in size])
        output_size = getattr(self.cell, "output_size", None)
        if output_size is None:
            output_size = self.state_size[0]
        if not isinstance(output_size, int):
            raise NotImplementedError  # e.g. ConvLSTM cells: found by running call
        out = (batch, length, output_size) if self.return_sequences else (batch, output_size)
        if self.return_state:
            return [out, *states_shape]
        return out

    def compute_mask(self, inputs, mask=None):
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        out = mask if self.return_sequences else None
        if self.return_state:
            return [out] + [None for _ in self.state_size]
        return out

    def build(self, sequences_shape, initial_state_shape=None):
        if isinstance(sequences_shape, list) and sequences_shape and \
                isinstance(sequences_shape[0], (list, tuple)):
            sequences_shape = sequences_shape[0]
        step_shape = (sequences_shape[0],) + tuple(sequences_shape[2:])
        if isinstance(self.cell, Layer) and not self.cell.built:
            self.cell.build(step_shape)
            self.cell.built = True
            self.cell._build_shapes = step_shape
        elif not isinstance(self.cell, Layer) and hasattr(self.cell, "build") and \
                not getattr(self.cell, "built", False):
            self.cell.build(step_shape)
            self.cell.built = True
        self.built = True

    # -- states -------------------------------------------------------------------------------

    def get_initial_state(self, batch_size):
        fn = getattr(self.cell, "get_initial_state", None)
        if fn is None:
            dtype = getattr(self.cell, "compute_dtype", self.compute_dtype)
            return [ops.zeros((batch_size, d), dtype=dtype) for d in self.state_size]
        state = fn(batch_size=batch_size)
        if not isinstance(state, (list, tuple)):
            state = [state]
        return list(state)

    def reset_states(self, states=None):
        """Zero the states of a stateful layer (or set them to ``states``)."""
        if self.states is None:
            return
        if states is not None:
            given = tree.flatten(states)
            flat = tree.flatten(self.states)
            if len(given) != len(flat):
                raise ValueError(
                    f"Layer '{self.name}' has {len(flat)} state(s), but {len(given)} were given."
                )
            new = [ops.cast(backend.convert_to_tensor(g), backend.dtype_of(f))
                   for g, f in zip(given, flat)]
            self.states = tree.pack_sequence_as(self.states, new)
            return
        self.states = _map(ops.zeros_like, self.states)

    reset_state = reset_states

    def _initial_state_for(self, sequences, initial_state):
        batch = sequences.shape[0]
        if initial_state is None:
            if not self.stateful:
                return self.get_initial_state(batch)
            if self.states is None:
                self.states = self.get_initial_state(batch)
                return self.states
            expected = tree.flatten(self.states)[0].shape[0]
            if expected != batch:
                raise ValueError(
                    f"If an RNN is stateful, the batch size of the input sequences must be the "
                    f"same as the batch size of the initial state (layer '{self.name}').\n"
                    f"- Expected batch size: {expected}\n- Received batch size: {batch}"
                )
            return self.states
        if not isinstance(initial_state, (list, tuple)):
            initial_state = [initial_state]
        dtype = sequences.dtype
        return [_map(lambda s: backend.cast(backend.convert_to_tensor(s), dtype), s)
                for s in initial_state]

    # -- call ---------------------------------------------------------------------------------

    def _cell_step(self, training):
        cell = self.cell
        if isinstance(cell, Layer) and cell.built:
            fn = cell.call
        else:
            fn = cell.__call__ if callable(cell) else cell.call
        kwargs = {"training": bool(training)} if self._cell_takes_training else {}

        def step(inputs, states):
            output, new_states = fn(inputs, states, **kwargs)
            if not isinstance(new_states, (list, tuple)):
                new_states = [new_states]
            return output, new_states

        return step

    def inner_loop(self, sequences, initial_state, mask, training=False):
        """(last_output, outputs, states) of the cell run over the sequence."""
        return backend_rnn.rnn(
            self._cell_step(training), sequences, list(initial_state),
            go_backwards=self.go_backwards, mask=mask,
            zero_output_for_mask=self.zero_output_for_mask,
            return_all_outputs=self.return_sequences,
        )

    def call(self, sequences, initial_state=None, mask=None, training=None):
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        if mask is not None and not backend.is_tensor(mask):
            mask = backend.convert_to_tensor(mask)  # e.g. a NumPy array given as mask=
        if backend.float_dtype_like(sequences) and \
                backend.dtype_of(sequences) != self.compute_dtype or not backend.float_dtype_like(sequences):
            sequences = backend.cast(sequences, self.compute_dtype)
        if self.unroll and sequences.shape[1] is None:
            raise ValueError("Cannot unroll a RNN if the time dimension is undefined.")
        states = self._initial_state_for(sequences, initial_state)
        _reset_dropout_masks(self.cell)
        try:
            last_output, outputs, states = self.inner_loop(
                sequences, states, mask, training=bool(training))
        finally:
            _reset_dropout_masks(self.cell)
        if self.stateful:
            self.states = _map(lambda s: s.detach(), list(states))
        output = outputs if self.return_sequences else last_output
        if self.return_state:
            return [output, *states]
        return output

    # -- config -------------------------------------------------------------------------------

    def get_config(self):
        cfg = super().get_config()
        cfg.update({
            "return_sequences": self.return_sequences,
            "return_state": self.return_state,
            "go_backwards": self.go_backwards,
            "stateful": self.stateful,
            "unroll": self.unroll,
            "zero_output_for_mask": self.zero_output_for_mask,
        })
        cfg["cell"] = serialize_layer(self.cell)
        return cfg

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        cell = deserialize_layer(config.pop("cell"), custom_objects)
        return cls(cell, **config)


def _reset_dropout_masks(cell):
    if isinstance(cell, DropoutRNNCell):
        cell.reset_dropout_mask()
        cell.reset_recurrent_dropout_mask()
    if isinstance(cell, StackedRNNCells):
        for c in cell.cells:
            _reset_dropout_masks(c)
