"""ConvLSTM2D: an LSTM whose input and recurrent transformations are 2D convolutions."""

from __future__ import annotations

from lamina.layers.recurrent.conv_lstm import ConvLSTM


class ConvLSTM2D(ConvLSTM):
    """2D convolutional LSTM over ``(batch, time, *2 spatial axes, channels)`` inputs
    (channels second after time with ``data_format="channels_first"``); Keras 3's arguments
    and defaults.

    >>> import lamina
    >>> layer = lamina.layers.ConvLSTM2D(4, 3, padding="same")
    >>> tuple(layer(lamina.ops.ones((2, 5, 6, 6, 3))).shape)
    (2, 6, 6, 4)
    """

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, activation="tanh", recurrent_activation="sigmoid",
                 use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, **kwargs):
        super().__init__(
            2, filters, kernel_size, strides=strides, padding=padding, data_format=data_format,
            dilation_rate=dilation_rate, activation=activation,
            recurrent_activation=recurrent_activation, use_bias=use_bias,
            kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer, unit_forget_bias=unit_forget_bias,
            kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer, activity_regularizer=activity_regularizer,
            kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint, dropout=dropout,
            recurrent_dropout=recurrent_dropout, seed=seed, return_sequences=return_sequences,
            return_state=return_state, go_backwards=go_backwards, stateful=stateful, **kwargs)
