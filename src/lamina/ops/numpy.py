"""NumPy-like ops (``keras.ops.numpy``): the active backend's kernels, bound at import behind
wrappers that convert NumPy arrays, lists and Python numbers (see ``lamina/ops/_bind.py``).

>>> from lamina.ops import numpy as np_ops
>>> np_ops.sum(np_ops.ones((2, 3)), axis=1).shape
torch.Size([2])
"""

from lamina.backend import ops as _ops
from lamina.ops._bind import bind as _bind

_SKIP = {"convert_to_tensor_like", "numpy_scalar"}
__all__ = sorted(n for n in _bind(globals(), _ops) if n not in _SKIP)
