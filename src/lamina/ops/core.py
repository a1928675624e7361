"""``keras.ops.core``: tensors and dtypes, control flow, scatter and slice updates."""

from lamina.backend import control_flow as _cf
from lamina.backend import core as _core
from lamina.backend import ops as _ops
from lamina.ops._bind import bind as _bind

_names = _bind(globals(), _cf)
convert_to_numpy = _core.convert_to_numpy
is_tensor = _core.is_tensor
shape = _ops.shape
_standardize = _core.standardize_dtype


def dtype(x) -> str:
    """The canonical dtype name of a tensor (or symbolic tensor), e.g. ``'float32'``."""
    return _standardize(x.dtype)


__all__ = sorted(set(_names) | {"cast", "convert_to_numpy", "convert_to_tensor", "dtype",
                                "is_tensor", "shape"})
