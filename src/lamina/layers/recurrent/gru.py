"""GRUCell and GRU (Cho et al. 2014), Keras' weight layout: gates z, r, h."""

from __future__ import annotations

from lamina import activations
from lamina.ops import kernels as ops  # the training path: no conversion
from lamina.backend import rnn as backend_rnn
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer
from lamina.layers.recurrent._common import DropoutRNNCell, set_cell_arguments
from lamina.layers.recurrent.builtin_rnn import BuiltinRNN, cell_config

_CELL_ARGS = ("units", "activation", "recurrent_activation", "use_bias", "kernel_initializer",
              "recurrent_initializer", "bias_initializer", "kernel_regularizer",
              "recurrent_regularizer", "bias_regularizer", "kernel_constraint",
              "recurrent_constraint", "bias_constraint", "dropout", "recurrent_dropout",
              "reset_after", "seed")


class GRUCell(Layer, DropoutRNNCell):
    """One GRU step: ``call(x_t, h) -> (h_new, h_new)``; run it with ``RNN``.

    With ``reset_after=True`` (the default) the bias has shape ``(2, 3 * units)``: input and
    recurrent biases.

    >>> import lamina
    >>> tuple(lamina.layers.RNN(lamina.layers.GRUCell(4))(lamina.ops.ones((2, 3, 5))).shape)
    (2, 4)
    """

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, reset_after=True,
                 seed=None, **kwargs):
        self.implementation = kwargs.pop("implementation", 2)  # accepted, ignored (Keras 2)
        super().__init__(**kwargs)
        given = locals()
        set_cell_arguments(self, "GRUCell", **{k: given[k] for k in _CELL_ARGS})
        self.dropout_mask_count = 3 if self.recurrent_dropout else None
        self.state_size = self.units
        self.output_size = self.units

    def build(self, input_shape):
        input_dim = input_shape[-1]
        self.kernel = self.add_weight(
            shape=(input_dim, self.units * 3), name="kernel",
            initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(
            shape=(self.units, self.units * 3), name="recurrent_kernel",
            initializer=self.recurrent_initializer, regularizer=self.recurrent_regularizer,
            constraint=self.recurrent_constraint)
        if self.use_bias:
            shape = (2, 3 * self.units) if self.reset_after else (3 * self.units,)
            self.bias = self.add_weight(
                shape=shape, name="bias", initializer=self.bias_initializer,
                regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        else:
            self.bias = None
        self.built = True

    def call(self, inputs, states, training=False):
        nested = isinstance(states, (list, tuple))
        h_tm1 = states[0] if nested else states
        u = self.units
        if self.bias is not None:
            if self.reset_after:
                input_bias, recurrent_bias = self.bias[0], self.bias[1]
            else:
                input_bias, recurrent_bias = self.bias, None
        else:
            input_bias = recurrent_bias = None
        dp = self.get_dropout_mask(inputs) if training and 0.0 < self.dropout < 1.0 else None
        rdp = (self.get_recurrent_dropout_mask(h_tm1)
               if training and 0.0 < self.recurrent_dropout < 1.0 else None)
        per_gate = isinstance(dp, list) or isinstance(rdp, list)
        k, rk = self.kernel, self.recurrent_kernel
        if per_gate:
            xs = [inputs * dp[g] if dp is not None else inputs for g in range(3)]
            hs = [h_tm1 * rdp[g] if rdp is not None else h_tm1 for g in range(3)]
            x_z = ops.matmul(xs[0], k[:, :u])
            x_r = ops.matmul(xs[1], k[:, u:2 * u])
            x_h = ops.matmul(xs[2], k[:, 2 * u:])
            if input_bias is not None:
                x_z = x_z + input_bias[:u]
                x_r = x_r + input_bias[u:2 * u]
                x_h = x_h + input_bias[2 * u:]
            rec_z = ops.matmul(hs[0], rk[:, :u])
            rec_r = ops.matmul(hs[1], rk[:, u:2 * u])
            h_for_h = hs[2]
        else:
            if dp is not None:
                inputs = inputs * dp
            mx = ops.matmul(inputs, k)
            if input_bias is not None:
                mx = mx + input_bias
            x_z, x_r, x_h = mx[:, :u], mx[:, u:2 * u], mx[:, 2 * u:]
            if self.reset_after:
                inner = ops.matmul(h_tm1, rk)
                if recurrent_bias is not None:
                    inner = inner + recurrent_bias
                rec_z, rec_r, rec_h = inner[:, :u], inner[:, u:2 * u], inner[:, 2 * u:]
            else:
                inner = ops.matmul(h_tm1, rk[:, :2 * u])
                rec_z, rec_r = inner[:, :u], inner[:, u:2 * u]
            h_for_h = h_tm1
        if per_gate and self.reset_after and recurrent_bias is not None:
            rec_z = rec_z + recurrent_bias[:u]
            rec_r = rec_r + recurrent_bias[u:2 * u]
        z = self.recurrent_activation(x_z + rec_z)
        r = self.recurrent_activation(x_r + rec_r)
        if self.reset_after:
            if per_gate:
                rec_h = ops.matmul(h_for_h, rk[:, 2 * u:])
                if recurrent_bias is not None:
                    rec_h = rec_h + recurrent_bias[2 * u:]
            rec_h = r * rec_h
        else:
            rec_h = ops.matmul(r * h_for_h, rk[:, 2 * u:])
        hh = self.activation(x_h + rec_h)
        h = z * h_tm1 + (1 - z) * hh
        return h, ([h] if nested else h)

    def get_initial_state(self, batch_size=None):
        return [ops.zeros((batch_size, self.state_size), dtype=self.compute_dtype)]

    def get_config(self):
        cfg = super().get_config()
        cfg.update(cell_config(self, _CELL_ARGS))
        return cfg


class GRU(BuiltinRNN):
    """Gated Recurrent Unit layer; with Keras' defaults (tanh, sigmoid, ``reset_after=True``)
    it runs on torch's fused GRU kernel, which computes the same formulation.

    >>> import lamina
    >>> tuple(lamina.layers.GRU(4)(lamina.ops.ones((2, 3, 5))).shape)
    (2, 4)
    """

    _cell_args = _CELL_ARGS

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, unroll=False, reset_after=True,
                 use_cudnn="auto", **kwargs):
        cell = GRUCell(
            units, activation=activation, recurrent_activation=recurrent_activation,
            use_bias=use_bias, kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
            dropout=dropout, recurrent_dropout=recurrent_dropout, reset_after=reset_after,
            dtype=kwargs.get("dtype"), trainable=kwargs.get("trainable", True),
            name="gru_cell", seed=seed, implementation=kwargs.pop("implementation", 2),
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
        # the reordered (r, z, h) weights for inference, rebuilt when a variable is written
        # (every optimizer step, set_weights and load_weights bump the write counters)
        self._fused_cache = {}

    def _fusable(self):
        cell = self.cell
        return (self.use_cudnn is not False and not self.unroll and not cell.recurrent_dropout
                and cell.reset_after and cell.activation is activations.tanh
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
                h0 = initial_state[0]
                if isinstance(h0, (list, tuple)):
                    h0 = h0[0]
                outputs, h = backend_rnn.gru(
                    sequences, h0, cell.kernel, cell.recurrent_kernel, cell.bias,
                    go_backwards=self.go_backwards, lengths=lengths, cache=self._kernel_cache(),
                    zero_output_for_mask=self.zero_output_for_mask)
                last = outputs[:, -1]
                if not self.return_sequences:
                    outputs = ops.expand_dims(last, 1)
                return last, outputs, [h]
        if self.use_cudnn is True and not self._fusable():
            raise ValueError(
                f"use_cudnn=True was specified for layer '{self.name}', but the fused kernel "
                "does not support this configuration (it needs activation='tanh', "
                "recurrent_activation='sigmoid', reset_after=True, no recurrent_dropout, "
                "unroll=False). Pass use_cudnn='auto' to fall back to the step-by-step "
                "implementation."
            )
        return super().inner_loop(sequences, initial_state, mask, training=training)
