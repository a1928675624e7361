"""The backend kernels behind ``lamina.ops``, with the same names, without argument conversion.

``lamina.ops.mean`` takes NumPy arrays, lists and numbers (one identity test per array
argument, then conversion); ``kernels.mean`` is the kernel behind it and takes tensors only.
Layers, losses, metrics and optimizers call these on the training path (DESIGN rule 2), as

    from lamina.ops import kernels as ops

>>> import numpy as np
>>> from lamina import ops
>>> from lamina.ops import kernels
>>> kernels.mean is ops.mean.__kernel__
True
>>> float(kernels.mean(ops.convert_to_tensor(np.ones(3))))
1.0
"""

import types as _types

from lamina.ops import core as _core
from lamina.ops import image as _image
from lamina.ops import linalg as _linalg
from lamina.ops import math as _math
from lamina.ops import nn as _nn
from lamina.ops import numpy as _numpy


def _kernel(fn):
    return getattr(fn, "__kernel__", fn)


_names = []
for _module in (_numpy, _math, _linalg, _nn, _core):  # the order of lamina.ops' flat names
    for _name in _module.__all__:
        globals()[_name] = _kernel(getattr(_module, _name))
    _names += _module.__all__

image = _types.SimpleNamespace(**{n: _kernel(getattr(_image, n)) for n in _image.__all__})

__all__ = sorted(set(_names) | {"image"})
