"""SimpleRNNCell and SimpleRNN: ``h_t = activation(x_t @ kernel + bias + h_{t-1} @ recurrent)``."""

from __future__ import annotations

from lamina import activations
from lamina.ops import kernels as ops  # the training path: no conversion
from lamina.backend import rnn as backend_rnn
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer
from lamina.layers.recurrent._common import DropoutRNNCell, set_cell_arguments
from lamina.layers.recurrent.builtin_rnn import BuiltinRNN, cell_config

_CELL_ARGS = ("units", "activation", "use_bias", "kernel_initializer", "recurrent_initializer",
              "bias_initializer", "kernel_regularizer", "recurrent_regularizer",
              "bias_regularizer", "kernel_constraint", "recurrent_constraint", "bias_constraint",
              "dropout", "recurrent_dropout", "seed")


class SimpleRNNCell(Layer, DropoutRNNCell):
    """One fully connected recurrent step; run it with ``RNN``.

    >>> import lamina
    >>> tuple(lamina.layers.RNN(lamina.layers.SimpleRNNCell(4))(lamina.ops.ones((2, 3, 5))).shape)
    (2, 4)
    """

    def __init__(self, units, activation="tanh", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        given = locals()
        set_cell_arguments(self, "SimpleRNNCell", **{k: given[k] for k in _CELL_ARGS})
        self.state_size = self.units
        self.output_size = self.units

    def build(self, input_shape):
        self.kernel = self.add_weight(
            shape=(input_shape[-1], self.units), name="kernel",
            initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(
            shape=(self.units, self.units), name="recurrent_kernel",
            initializer=self.recurrent_initializer, regularizer=self.recurrent_regularizer,
            constraint=self.recurrent_constraint)
        if self.use_bias:
            self.bias = self.add_weight(
                shape=(self.units,), name="bias", initializer=self.bias_initializer,
                regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        else:
            self.bias = None
        self.built = True

    def call(self, sequence, states, training=False):
        nested = isinstance(states, (list, tuple))
        prev = states[0] if nested else states
        if training and 0.0 < self.dropout < 1.0:
            sequence = sequence * self.get_dropout_mask(sequence)
        h = ops.matmul(sequence, self.kernel)
        if self.bias is not None:
            h = h + self.bias
        if training and 0.0 < self.recurrent_dropout < 1.0:
            prev = prev * self.get_recurrent_dropout_mask(prev)
        output = h + ops.matmul(prev, self.recurrent_kernel)
        if self.activation is not None:
            output = self.activation(output)
        return output, ([output] if nested else output)

    def get_initial_state(self, batch_size=None):
        return [ops.zeros((batch_size, self.state_size), dtype=self.compute_dtype)]

    def get_config(self):
        cfg = super().get_config()
        cfg.update(cell_config(self, _CELL_ARGS))
        return cfg


class SimpleRNN(BuiltinRNN):
    """Fully connected RNN whose output is fed back as its input; with tanh or relu it runs on
    torch's fused RNN kernel.

    >>> import lamina
    >>> tuple(lamina.layers.SimpleRNN(4)(lamina.ops.ones((2, 3, 5))).shape)
    (2, 4)
    """

    _cell_args = _CELL_ARGS

    def __init__(self, units, activation="tanh", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, unroll=False, seed=None, **kwargs):
        cell = SimpleRNNCell(
            units, activation=activation, use_bias=use_bias,
            kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint, dropout=dropout,
            recurrent_dropout=recurrent_dropout, seed=seed, dtype=kwargs.get("dtype"),
            trainable=kwargs.get("trainable", True), name="simple_rnn_cell",
        )
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, unroll=unroll,
                         activity_regularizer=activity_regularizer, **kwargs)
        self.input_spec = InputSpec(ndim=3)
        self._fused_cache = {}

    def _fused_activation(self):
        cell = self.cell
        if self.unroll or cell.recurrent_dropout:
            return None
        if cell.activation is activations.tanh:
            return "tanh"
        if cell.activation is activations.relu:
            return "relu"
        return None

    def inner_loop(self, sequences, initial_state, mask, training=False):
        act = self._fused_activation()
        if act is not None:
            lengths = None
            if mask is not None:
                lengths = self._packed_lengths(mask)
            if mask is None or lengths is not None:
                cell = self.cell
                if training and 0.0 < cell.dropout < 1.0:
                    dp = cell.get_dropout_mask(sequences[:, 0, :])
                    sequences = sequences * ops.expand_dims(dp, 1)
                h0 = initial_state[0]
                if isinstance(h0, (list, tuple)):
                    h0 = h0[0]
                outputs, h = backend_rnn.simple_rnn(
                    sequences, h0, cell.kernel, cell.recurrent_kernel, cell.bias,
                    activation=act, go_backwards=self.go_backwards, lengths=lengths,
                    cache=self._kernel_cache(),
                    zero_output_for_mask=self.zero_output_for_mask)
                last = outputs[:, -1]
                if not self.return_sequences:
                    outputs = ops.expand_dims(last, 1)
                return last, outputs, [h]
        return super().inner_loop(sequences, initial_state, mask, training=training)
