"""conv kernels on PyTorch (see contract.py)."""
