"""``tf.data``: lamina's ``Dataset`` (a lazy pipeline that ``fit`` takes) and ``AUTOTUNE``."""

from __future__ import annotations

from lamina.compat.tensorflow._tensors import _unsupported
from lamina.utils.dataset import AUTOTUNE, Dataset  # noqa: F401


class experimental:  # noqa: N801 - TensorFlow's name
    AUTOTUNE = AUTOTUNE


def __getattr__(name):
    raise _unsupported(name, "tf.data")
