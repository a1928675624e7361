"""``keras.ops.core``: tensors and dtypes, control flow, scatter and slice updates."""

from lamina.backend import control_flow as _cf
from lamina.backend import core as _core
from lamina.backend import ops as _ops
from lamina.ops._bind import bind as _bind

# control flow takes functions and structures (converted by the functions themselves); the
# ops on arrays among these convert their array arguments
_ARRAY_OPS = ["saturate_cast", "scatter", "scatter_update", "slice", "slice_update",
              "stop_gradient", "unstack"]
_names = _bind(globals(), _cf, [n for n in _cf.__all__ if n not in _ARRAY_OPS], convert=False)
_names += _bind(globals(), _cf, _ARRAY_OPS)
convert_to_numpy = _core.convert_to_numpy
is_tensor = _core.is_tensor
shape = _ops.shape  # works on anything with a shape (arrays, symbolic tensors): no conversion
_standardize = _core.standardize_dtype


def dtype(x) -> str:
    """The canonical dtype name of a tensor (or symbolic tensor), e.g. ``'float32'``."""
    return _standardize(x.dtype)


__all__ = sorted(set(_names) | {"cast", "convert_to_numpy", "convert_to_tensor", "dtype",
                                "is_tensor", "shape"})
