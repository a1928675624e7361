"""``keras.ops.math``: top_k, segment reductions, FFTs, STFT, erf, ... bound from the backend."""

from lamina.backend import math as _math
from lamina.ops._bind import bind as _bind

__all__ = sorted(_bind(globals(), _math))
