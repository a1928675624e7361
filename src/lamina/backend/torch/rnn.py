"""rnn kernels on PyTorch (see contract.py)."""
