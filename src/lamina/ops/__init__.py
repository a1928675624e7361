"""Backend-neutral ops with Keras 3's names (``lamina.ops``, served as ``keras.ops``).

Every name here is the active backend's kernel, bound once at import (DESIGN rule 2), behind
a generated wrapper that takes what Keras' ops take: NumPy arrays of any dtype, lists,
tuples, Python numbers, tensors and Variables, with Keras' dtypes (Python floats are floatx,
ints int32), and returns engine tensors. A tensor argument costs one identity test (about
0.1 us, benchmarks/bench_ops.py); ``lamina.ops.kernels`` holds the kernels themselves, which
layers, losses and metrics call. The names are grouped as in Keras: ``ops.numpy``, ``ops.nn``,
``ops.math``, ``ops.linalg``, ``ops.image`` and ``ops.core``, and all but the image ops are
also here, flat.

Ops also take symbolic tensors (``Input`` and layer outputs): the call becomes a node of the
functional model (see ``lamina/ops/symbolic.py``).

>>> import numpy as np
>>> from lamina import ops
>>> ops.sum(ops.ones((2, 3)), axis=1).shape
torch.Size([2])
>>> ops.mean(np.array([[1.0, 2.0], [3.0, 5.0]]), axis=1).tolist()
[1.5, 4.0]
>>> ops.dtype(ops.add([1, 2], 3))
'int32'
"""

from lamina.ops import core, image, linalg, math, nn, numpy  # noqa: F401 (submodules)


def _export(module):
    for name in module.__all__:
        globals()[name] = getattr(module, name)
    return list(module.__all__)


# later modules win a name clash: numpy's logsumexp/norm are the same functions as math's
_names = []
for _m in (numpy, math, linalg, nn, core):
    _names += _export(_m)

__all__ = sorted(set(_names) | {"core", "image", "linalg", "math", "nn", "numpy"})
