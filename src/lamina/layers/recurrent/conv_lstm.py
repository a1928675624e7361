"""ConvLSTMCell and ConvLSTM, the N-D convolutional LSTM that ConvLSTM1D/2D/3D specialise.

Keras' weight layout: ``kernel (*kernel_size, in, 4 * filters)``, ``recurrent_kernel
(*kernel_size, filters, 4 * filters)``, ``bias (4 * filters,)``, gates i, f, c, o. The input
convolution uses the layer's strides, padding and dilation; the recurrent one is always
stride 1, 'same', no dilation (as in Keras).

The input convolution does not depend on the state, so the layer runs it once over all time
steps (time folded into the batch) and only the recurrent convolution runs per step; the four
gates are one convolution with ``4 * filters`` outputs unless per-gate dropout masks differ.
"""

from __future__ import annotations

from lamina import activations, config, constraints, initializers, regularizers
from lamina.ops import kernels as ops  # the training path: no conversion
from lamina.backend import conv as kernels
from lamina.backend import rnn as backend_rnn
from lamina.layers.convolutional import arguments as args
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer
from lamina.layers.recurrent._common import DropoutRNNCell, check_rate
from lamina.layers.recurrent.builtin_rnn import cell_config
from lamina.layers.recurrent.rnn import RNN

_CONV_ARGS = ("filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate")
_CELL_ARGS = _CONV_ARGS + (
    "activation", "recurrent_activation", "use_bias", "kernel_initializer",
    "recurrent_initializer", "bias_initializer", "unit_forget_bias", "kernel_regularizer",
    "recurrent_regularizer", "bias_regularizer", "kernel_constraint", "recurrent_constraint",
    "bias_constraint", "dropout", "recurrent_dropout", "seed")


class ConvLSTMCell(Layer, DropoutRNNCell):
    """One ConvLSTM step on ``(batch, *spatial, channels)`` (or channels_first) inputs:
    ``call(x_t, [h, c]) -> (h_new, [h_new, c_new])``.

    >>> import lamina
    >>> cell = ConvLSTMCell(2, filters=3, kernel_size=3, padding="same")
    >>> tuple(lamina.layers.RNN(cell)(lamina.ops.ones((2, 4, 5, 5, 1))).shape)
    (2, 5, 5, 3)
    """

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, activation="tanh", recurrent_activation="sigmoid",
                 use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        owner = type(self).__name__
        if rank not in (1, 2, 3):
            raise ValueError(f"Rank {rank} convolutions are not currently implemented. "
                             f"Received: rank={rank}")
        if isinstance(filters, bool) or not hasattr(filters, "__index__") or int(filters) <= 0:
            raise ValueError(f"{owner}: `filters` must be a positive integer; received "
                             f"filters={filters!r}")
        self.rank = rank
        self.seed = seed
        self.filters = int(filters)
        self.kernel_size = args.standardize_tuple(kernel_size, rank, "kernel_size", owner)
        self.strides = args.standardize_tuple(strides, rank, "strides", owner)
        self.padding = args.standardize_padding(padding, owner)
        self.data_format = config.standardize_data_format(data_format)
        self.dilation_rate = args.standardize_tuple(dilation_rate, rank, "dilation_rate", owner)
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(
                "Specifying `strides > 1` is not compatible with `dilation_rate > 1`. Please "
                f"provide `strides=1` or `dilation_rate=1`. Received: strides={self.strides} "
                f"and dilation_rate={self.dilation_rate}"
            )
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.unit_forget_bias = bool(unit_forget_bias)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.dropout = check_rate(owner, "dropout", dropout)
        self.recurrent_dropout = check_rate(owner, "recurrent_dropout", recurrent_dropout)
        self.dropout_mask_count = 4  # one mask per gate, as Keras draws them
        self.input_spec = InputSpec(ndim=rank + 2)
        self.state_size = -1  # the states are feature maps: see get_initial_state
        self.spatial_dims = None
        self.input_dim = None

    @property
    def _channel_axis(self):
        return -1 if self.data_format == "channels_last" else 1

    def build(self, inputs_shape, states_shape=None):
        inputs_shape = tuple(inputs_shape)
        spatial, channels = args.spatial(inputs_shape, self.data_format)
        if len(inputs_shape) != self.rank + 2:
            raise ValueError(
                f"Layer '{self.name}' expects inputs of rank {self.rank + 2} per step (batch, "
                f"{self.rank} spatial axes, channels); received input shape {inputs_shape}"
            )
        if None in spatial:
            raise ValueError(
                "ConvLSTM layers only support static input shapes for the spatial dimension. "
                f"Received invalid input shape: input_shape={inputs_shape}"
            )
        if channels is None:
            raise ValueError(
                "The channel dimension of the inputs (last axis) should be defined. Found "
                f"None. Full input shape received: input_shape={inputs_shape}"
            )
        self.spatial_dims = tuple(int(d) for d in spatial)
        self.input_dim = int(channels)
        self.input_spec = InputSpec(ndim=self.rank + 3, shape=(None,) + inputs_shape[1:])
        for n, k, s, d in zip(self.spatial_dims, self.kernel_size, self.strides,
                              self.dilation_rate):
            size = args.conv_output_length(n, k, s, self.padding, d)
            if size <= 0:
                raise ValueError(
                    f"Layer '{self.name}': the output would have size {size} <= 0 for input "
                    f"shape {inputs_shape} with kernel_size={self.kernel_size}, strides="
                    f"{self.strides}, dilation_rate={self.dilation_rate}, padding="
                    f"'{self.padding}'. Use a smaller kernel or padding='same'."
                )
        f4 = self.filters * 4
        self.kernel = self.add_weight(
            shape=self.kernel_size + (self.input_dim, f4), initializer=self.kernel_initializer,
            name="kernel", regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(
            shape=self.kernel_size + (self.filters, f4),
            initializer=self.recurrent_initializer, name="recurrent_kernel",
            regularizer=self.recurrent_regularizer, constraint=self.recurrent_constraint)
        if self.use_bias:
            if self.unit_forget_bias:
                base = self.bias_initializer

                def bias_initializer(shape, dtype=None):
                    return ops.concatenate([
                        base((self.filters,), dtype=dtype),
                        initializers.get("ones")((self.filters,), dtype=dtype),
                        base((self.filters * 2,), dtype=dtype),
                    ])
            else:
                bias_initializer = self.bias_initializer
            self.bias = self.add_weight(
                shape=(f4,), name="bias", initializer=bias_initializer,
                regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        else:
            self.bias = None
        self.built = True

    # -- the two halves of a step ----------------------------------------------------------

    def input_projection(self, inputs, dropout_masks=None):
        """The input convolution of all four gates (bias included): ``(..., 4 * filters)``
        channels; ``dropout_masks`` are the four per-gate masks (already shaped like
        ``inputs``) or None."""
        conv = lambda x, w, b: kernels.conv(  # noqa: E731
            x, w, self.strides, self.padding, self.data_format, self.dilation_rate, bias=b)
        if dropout_masks is None:
            return conv(inputs, self.kernel, self.bias)
        ks = ops.split(self.kernel, 4, axis=-1)
        bs = ops.split(self.bias, 4) if self.bias is not None else [None] * 4
        return ops.concatenate([conv(inputs * m, k, b)
                                for m, k, b in zip(dropout_masks, ks, bs)],
                               axis=self._channel_axis)

    def recurrent_step(self, x_proj, states, training=False):
        """Finish a step from its input projection: ``(h, [h, c])``."""
        h_tm1, c_tm1 = states[0], states[1]
        conv = lambda x, w: kernels.conv(x, w, 1, "same", self.data_format, 1)  # noqa: E731
        if training and 0.0 < self.recurrent_dropout < 1.0:
            masks = self.get_recurrent_dropout_mask(h_tm1)
            rks = ops.split(self.recurrent_kernel, 4, axis=-1)
            z_h = ops.concatenate([conv(h_tm1 * m, k) for m, k in zip(masks, rks)],
                                  axis=self._channel_axis)
        else:
            z_h = conv(h_tm1, self.recurrent_kernel)
        z_i, z_f, z_c, z_o = ops.split(x_proj + z_h, 4, axis=self._channel_axis)
        i = self.recurrent_activation(z_i)
        f = self.recurrent_activation(z_f)
        c = f * c_tm1 + i * self.activation(z_c)
        o = self.recurrent_activation(z_o)
        h = o * self.activation(c)
        return h, [h, c]

    def call(self, inputs, states, training=False):
        masks = None
        if training and 0.0 < self.dropout < 1.0:
            masks = self.get_dropout_mask(inputs)
        return self.recurrent_step(self.input_projection(inputs, masks), states, training)

    # -- shapes and states ------------------------------------------------------------------

    def compute_output_shape(self, inputs_shape, states_shape=None):
        dims, _ = args.spatial(tuple(inputs_shape), self.data_format)
        out = [args.conv_output_length(n, k, s, self.padding, d) for n, k, s, d in
               zip(dims, self.kernel_size, self.strides, self.dilation_rate)]
        shape = args.assemble(inputs_shape[0], out, self.filters, self.data_format)
        return shape, [shape, shape]

    def get_initial_state(self, batch_size=None):
        input_shape = args.assemble(batch_size, self.spatial_dims, self.input_dim,
                                    self.data_format)
        shape = self.compute_output_shape(input_shape)[0]
        return [ops.zeros(shape, dtype=self.compute_dtype),
                ops.zeros(shape, dtype=self.compute_dtype)]

    def get_config(self):
        cfg = super().get_config()
        cfg.update(cell_config(self, _CELL_ARGS))
        cfg["rank"] = self.rank  # (Keras omits it, so its cell config cannot be re-read)
        return cfg


class ConvLSTM(RNN):
    """The N-D convolutional LSTM layer over ``(batch, time, *spatial, channels)`` inputs
    (``(batch, time, channels, *spatial)`` with channels_first); ConvLSTM1D/2D/3D fix the rank.

    >>> import lamina
    >>> layer = ConvLSTM(1, filters=4, kernel_size=3, padding="same", return_sequences=True)
    >>> tuple(layer(lamina.ops.ones((2, 5, 7, 3))).shape)
    (2, 5, 7, 4)
    """

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, activation="tanh", recurrent_activation="sigmoid",
                 use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, **kwargs):
        cell = ConvLSTMCell(
            rank=rank, filters=filters, kernel_size=kernel_size, strides=strides,
            padding=padding, data_format=data_format, dilation_rate=dilation_rate,
            activation=activation, recurrent_activation=recurrent_activation,
            use_bias=use_bias, kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
            unit_forget_bias=unit_forget_bias, kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint, dropout=dropout,
            recurrent_dropout=recurrent_dropout, seed=seed, name="conv_lstm_cell",
            dtype=kwargs.get("dtype"), trainable=kwargs.get("trainable", True),
        )
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful,
                         activity_regularizer=activity_regularizer, **kwargs)
        self.input_spec = InputSpec(ndim=rank + 3)

    def inner_loop(self, sequences, initial_state, mask, training=False):
        cell = self.cell
        batch, steps = sequences.shape[0], sequences.shape[1]
        step_shape = tuple(sequences.shape[2:])
        masks = None
        if training and 0.0 < cell.dropout < 1.0:
            # the same per-gate masks at every step: broadcast them over time
            masks = [ops.reshape(ops.broadcast_to(ops.expand_dims(m, 1), sequences.shape),
                                 (batch * steps,) + step_shape)
                     for m in cell.get_dropout_mask(sequences[:, 0])]
        flat = ops.reshape(sequences, (batch * steps,) + step_shape)
        proj = cell.input_projection(flat, masks)
        proj = ops.reshape(proj, (batch, steps) + tuple(proj.shape[1:]))

        def step(x_t, states):
            return cell.recurrent_step(x_t, states, training=training)

        return backend_rnn.rnn(
            step, proj, list(initial_state), go_backwards=self.go_backwards, mask=mask,
            zero_output_for_mask=self.zero_output_for_mask,
            return_all_outputs=self.return_sequences,
        )

    def call(self, sequences, initial_state=None, mask=None, training=False):
        return super().call(sequences, initial_state=initial_state, mask=mask, training=training)

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        if isinstance(sequences_shape, list) and sequences_shape and \
                isinstance(sequences_shape[0], (list, tuple)):
            sequences_shape = sequences_shape[0]
        batch, steps = sequences_shape[0], sequences_shape[1]
        state = tuple(self.cell.compute_output_shape(
            (batch,) + tuple(sequences_shape[2:]))[0][1:])
        out = (batch, steps) + state if self.return_sequences else (batch,) + state
        if self.return_state:
            return [out, (batch,) + state, (batch,) + state]
        return out

    def compute_mask(self, inputs, mask=None):
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        out = mask if self.return_sequences else None
        if self.return_state:
            return [out, None, None]
        return out

    def get_config(self):
        cfg = super().get_config()
        del cfg["cell"]
        cfg.pop("activity_regularizer", None)
        for key, value in cell_config(self.cell, _CELL_ARGS).items():
            cfg[key] = value
            if key == "bias_regularizer":  # Keras' key order
                cfg["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        return cfg

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return cls(**config)


def _delegate(name):
    return property(lambda self: getattr(self.cell, name))


for _name in _CELL_ARGS:
    setattr(ConvLSTM, _name, _delegate(_name))
