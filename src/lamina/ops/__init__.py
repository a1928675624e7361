"""Backend-neutral ops with Keras 3's names (``lamina.ops``, served as ``keras.ops``).

Every name here IS the active backend's function, bound once at import (DESIGN rule 2):
calling ``ops.matmul`` costs exactly what the engine's matmul costs. The names are grouped as
in Keras: ``ops.numpy``, ``ops.nn``, ``ops.math``, ``ops.linalg``, ``ops.image`` and
``ops.core``, and all but the image ops are also here, flat.

Ops also take symbolic tensors (``Input`` and layer outputs): the call becomes a node of the
functional model (see ``lamina/ops/symbolic.py``).

>>> from lamina import ops
>>> ops.sum(ops.ones((2, 3)), axis=1).shape
torch.Size([2])
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
