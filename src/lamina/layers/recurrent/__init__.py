"""Recurrent layers: SimpleRNN, LSTM, GRU, their cells, RNN over any cell, Bidirectional,
TimeDistributed, ConvLSTM1D/2D/3D. LSTM and GRU with Keras' default activations run on
torch's fused kernels.

Keras 2's ``CuDNNLSTM`` / ``CuDNNGRU`` are the same layers here (the fused kernel is chosen
automatically).
"""

from lamina.layers.recurrent.bidirectional import Bidirectional
from lamina.layers.recurrent.conv_lstm1d import ConvLSTM1D
from lamina.layers.recurrent.conv_lstm2d import ConvLSTM2D
from lamina.layers.recurrent.conv_lstm3d import ConvLSTM3D
from lamina.layers.recurrent.gru import GRU, GRUCell
from lamina.layers.recurrent.lstm import LSTM, LSTMCell
from lamina.layers.recurrent.rnn import RNN
from lamina.layers.recurrent.simple_rnn import SimpleRNN, SimpleRNNCell
from lamina.layers.recurrent.stacked_rnn_cells import StackedRNNCells
from lamina.layers.recurrent.time_distributed import TimeDistributed

CuDNNLSTM = LSTM  # Keras 2 spelling: the fused kernel is picked automatically
CuDNNGRU = GRU

__all__ = [
    "RNN", "SimpleRNN", "SimpleRNNCell", "LSTM", "LSTMCell", "GRU", "GRUCell",
    "StackedRNNCells", "Bidirectional", "TimeDistributed", "CuDNNLSTM", "CuDNNGRU",
    "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D",
]
