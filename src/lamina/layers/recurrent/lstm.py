"""LSTMCell and LSTM (Hochreiter 1997), Keras' weight layout: gates i, f, c, o."""

from __future__ import annotations

from lamina import activations, initializers
from lamina.ops import kernels as ops  # the training path: no conversion
from lamina.backend import rnn as backend_rnn
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer
from lamina.layers.recurrent._common import DropoutRNNCell, set_cell_arguments
from lamina.layers.recurrent.builtin_rnn import BuiltinRNN, cell_config

_CELL_ARGS = ("units", "activation", "recurrent_activation", "use_bias", "kernel_initializer",
              "recurrent_initializer", "bias_initializer", "unit_forget_bias",
              "kernel_regularizer", "recurrent_regularizer", "bias_regularizer",
              "kernel_constraint", "recurrent_constraint", "bias_constraint", "dropout",
              "recurrent_dropout", "seed")


class LSTMCell(Layer, DropoutRNNCell):
    """One LSTM step: ``call(x_t, [h, c]) -> (h_new, [h_new, c_new])``; run it with ``RNN``.

    >>> import lamina
    >>> tuple(lamina.layers.RNN(lamina.layers.LSTMCell(4))(lamina.ops.ones((2, 3, 5))).shape)
    (2, 4)
    """

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", unit_forget_bias=True, kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, **kwargs):
        self.implementation = kwargs.pop("implementation", 2)  # accepted, ignored (Keras 2)
        super().__init__(**kwargs)
        given = locals()
        set_cell_arguments(self, "LSTMCell", **{k: given[k] for k in _CELL_ARGS})
        # with recurrent dropout Keras draws one mask per gate (its "implementation 1")
        self.dropout_mask_count = 4 if self.recurrent_dropout else None
        self.state_size = [self.units, self.units]
        self.output_size = self.units

    def build(self, input_shape):
        input_dim = input_shape[-1]
        self.kernel = self.add_weight(
            shape=(input_dim, self.units * 4), name="kernel",
            initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(
            shape=(self.units, self.units * 4), name="recurrent_kernel",
            initializer=self.recurrent_initializer, regularizer=self.recurrent_regularizer,
            constraint=self.recurrent_constraint)
        if self.use_bias:
            if self.unit_forget_bias:
                base = self.bias_initializer

                def bias_initializer(shape, dtype=None):
                    return ops.concatenate([
                        base((self.units,), dtype=dtype),
                        initializers.get("ones")((self.units,), dtype=dtype),
                        base((self.units * 2,), dtype=dtype),
                    ])
            else:
                bias_initializer = self.bias_initializer
            self.bias = self.add_weight(
                shape=(self.units * 4,), name="bias", initializer=bias_initializer,
                regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        else:
            self.bias = None
        self.built = True

    def call(self, inputs, states, training=False):
        h_tm1, c_tm1 = states[0], states[1]
        dp = self.get_dropout_mask(inputs) if training and 0.0 < self.dropout < 1.0 else None
        rdp = (self.get_recurrent_dropout_mask(h_tm1)
               if training and 0.0 < self.recurrent_dropout < 1.0 else None)
        if isinstance(dp, list) or isinstance(rdp, list):
            ks = ops.split(self.kernel, 4, axis=1)
            rks = ops.split(self.recurrent_kernel, 4, axis=1)
            zs = []
            for g in range(4):
                x = inputs * dp[g] if dp is not None else inputs
                h = h_tm1 * rdp[g] if rdp is not None else h_tm1
                zs.append(ops.matmul(x, ks[g]) + ops.matmul(h, rks[g]))
            z = ops.concatenate(zs, axis=-1)
        else:
            if dp is not None:
                inputs = inputs * dp
            z = ops.matmul(inputs, self.kernel) + ops.matmul(h_tm1, self.recurrent_kernel)
        if self.bias is not None:
            z = z + self.bias
        z0, z1, z2, z3 = ops.split(z, 4, axis=1)
        i = self.recurrent_activation(z0)
        f = self.recurrent_activation(z1)
        c = f * c_tm1 + i * self.activation(z2)
        o = self.recurrent_activation(z3)
        h = o * self.activation(c)
        return h, [h, c]

    def get_initial_state(self, batch_size=None):
        return [ops.zeros((batch_size, d), dtype=self.compute_dtype) for d in self.state_size]

    def get_config(self):
        cfg = super().get_config()
        cfg.update(cell_config(self, _CELL_ARGS))
        return cfg


class LSTM(BuiltinRNN):
    """Long Short-Term Memory layer; runs on torch's fused LSTM kernel when its activations are
    Keras' defaults (tanh, sigmoid), with no recurrent dropout and no unrolling.

    >>> import lamina
    >>> tuple(lamina.layers.LSTM(4, return_sequences=True)(lamina.ops.ones((2, 3, 5))).shape)
    (2, 3, 4)
    """

    _cell_args = _CELL_ARGS

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", unit_forget_bias=True, kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 dropout=0.0, recurrent_dropout=0.0, seed=None, return_sequences=False,
                 return_state=False, go_backwards=False, stateful=False, unroll=False,
                 use_cudnn="auto", **kwargs):
        cell = LSTMCell(
            units, activation=activation, recurrent_activation=recurrent_activation,
            use_bias=use_bias, kernel_initializer=kernel_initializer,
            unit_forget_bias=unit_forget_bias, recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint, dropout=dropout,
            recurrent_dropout=recurrent_dropout, dtype=kwargs.get("dtype"),
            trainable=kwargs.get("trainable", True), name="lstm_cell", seed=seed,
            implementation=kwargs.pop("implementation", 2),
        )
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, unroll=unroll,
                         activity_regularizer=activity_regularizer, **kwargs)
        self.input_spec = InputSpec(ndim=3)
        if use_cudnn not in ("auto", True, False):
            raise ValueError(
                "Invalid value received for argument `use_cudnn`. Expected one of "
                f"{{'auto', True, False}}. Received: use_cudnn={use_cudnn}"
            )
        self.use_cudnn = use_cudnn
        self._fused_cache = {}

    def _fusable(self):
        cell = self.cell
        return (self.use_cudnn is not False and not self.unroll and not cell.recurrent_dropout
                and cell.activation is activations.tanh
                and cell.recurrent_activation is activations.sigmoid)

    def inner_loop(self, sequences, initial_state, mask, training=False):
        if self._fusable():
            lengths = None
            if mask is not None:
                lengths = self._packed_lengths(mask)
            if mask is None or lengths is not None:
                cell = self.cell
                if training and 0.0 < cell.dropout < 1.0:
                    dp = cell.get_dropout_mask(sequences[:, 0, :])
                    sequences = sequences * ops.expand_dims(dp, 1)
                outputs, h, c = backend_rnn.lstm(
                    sequences, initial_state[0], initial_state[1], cell.kernel,
                    cell.recurrent_kernel, cell.bias, go_backwards=self.go_backwards,
                    lengths=lengths, cache=self._kernel_cache(),
                    zero_output_for_mask=self.zero_output_for_mask)
                last = outputs[:, -1]
                if not self.return_sequences:
                    outputs = ops.expand_dims(last, 1)
                return last, outputs, [h, c]
        if self.use_cudnn is True and not self._fusable():
            raise ValueError(
                f"use_cudnn=True was specified for layer '{self.name}', but the fused kernel "
                "does not support this configuration (it needs activation='tanh', "
                "recurrent_activation='sigmoid', no recurrent_dropout, unroll=False). Pass "
                "use_cudnn='auto' to fall back to the step-by-step implementation."
            )
        return super().inner_loop(sequences, initial_state, mask, training=training)
