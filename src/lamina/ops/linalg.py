"""``keras.ops.linalg``: inv, det, solve, cholesky, qr, svd, eigh, norm, lstsq, ..."""

from lamina.backend import linalg as _linalg
from lamina.ops._bind import bind as _bind

__all__ = sorted(_bind(globals(), _linalg))
