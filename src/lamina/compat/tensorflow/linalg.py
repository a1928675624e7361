"""``tf.linalg``: matrix functions on ``keras.ops``."""

from __future__ import annotations

from lamina import ops
from lamina.compat.tensorflow._tensors import _t, _unsupported, eye, matmul, norm  # noqa: F401


def inv(input, adjoint=False, name=None):  # noqa: A002
    return ops.inv(_t(input))


def det(input, name=None):  # noqa: A002
    return ops.det(_t(input))


def diag_part(input, name=None, k=0):  # noqa: A002
    return ops.diagonal(_t(input), offset=k, axis1=-2, axis2=-1)


def trace(x, name=None):
    return ops.trace(_t(x), axis1=-2, axis2=-1)


def l2_normalize(x, axis=None, epsilon=1e-12, name=None):
    from lamina.compat.tensorflow.math import l2_normalize as normalize

    return normalize(x, axis=axis, epsilon=epsilon)


def __getattr__(name):
    if hasattr(ops.linalg, name):
        return getattr(ops.linalg, name)
    raise _unsupported(name, "tf.linalg")
