"""NumPy-like ops with Keras 3 names and semantics, on PyTorch (``keras.ops.numpy``).

Where torch's function already has Keras' signature and result it is bound as is (no
wrapper, DESIGN rule 2); the rest are thin translations (``axis``/``keepdims``, Keras' int32
index results, NumPy's argument conventions). Wrappers only call torch functions on their
tensor arguments, so a symbolic tensor passed in reaches ``__torch_function__`` and becomes a
graph node (see ``backend/torch/symbolic.py``) while real tensors pay nothing extra.

Inputs are tensors (and Python scalars where torch takes them): these are the kernels. The
public ``lamina.ops`` names wrap them to convert NumPy arrays, lists and Python numbers first
(lamina/ops/_bind.py); layers and losses call the kernels through ``lamina.ops.kernels``.
"""

from __future__ import annotations


import torch

from lamina import config
from lamina.backend.torch.core import convert_to_tensor, to_engine_dtype

from lamina.backend.torch._ops_util import (  # noqa: F401
    _F,
    _INT32,
    _SMALL_INTS,
    _t,
    _dims,
    _all_dims,
    _float,
    _shape,
    _int32,
    _scalar_tensor,
    _py_operands,
    _quantile,
    _cum,
    _nan_fill,
    _nanarg,
    _rep,
    _pad_axis,
    _dtype_or_float,
    _fill_dtype,
    _window,
    _wrap_negative,
)


add = torch.add


subtract = torch.subtract


multiply = torch.multiply


divide = torch.true_divide


true_divide = torch.true_divide


negative = torch.negative


def power(x1, x2):
    # Python numbers (two of which torch.pow refuses) typed as Keras does: int32 / floatx
    return torch.pow(*_py_operands(x1, x2))


def matmul(x1, x2):
    d1, d2 = x1.dtype, x2.dtype
    if d1 == d2 and d1 != torch.int8 and d1 != torch.bool:
        return torch.matmul(x1, x2)  # same dtype: torch's own call
    # mixed dtypes (torch refuses them): Keras' result_type; int8 @ int8 is int32
    x1, x2 = _t(x1), _t(x2)
    d1, d2 = to_engine_dtype(x1.dtype), to_engine_dtype(x2.dtype)
    out = _INT32 if d1 == d2 == torch.int8 else torch.promote_types(d1, d2)
    work = to_engine_dtype(config.floatx()) if out == torch.bool else out
    return torch.matmul(x1.to(work), x2.to(work)).to(out)


abs = torch.abs


absolute = torch.abs


def fabs(x):
    return torch.abs(_float(x))  # Keras: a float result, also for ints and bools


sign = torch.sign


sqrt = torch.sqrt


square = torch.square


exp = torch.exp


exp2 = torch.exp2


expm1 = torch.expm1


log = torch.log


log1p = torch.log1p


log2 = torch.log2


log10 = torch.log10


sin = torch.sin


cos = torch.cos


tan = torch.tan


tanh = torch.tanh


sinh = torch.sinh


cosh = torch.cosh


arcsin = torch.arcsin


arccos = torch.arccos


arctan = torch.arctan


def arctan2(x1, x2):
    return torch.arctan2(*_float_pair(x1, x2))


arctanh = torch.arctanh


arcsinh = torch.arcsinh


arccosh = torch.arccosh


def floor(x):
    # Keras: ints and bools floor/ceil to floatx (torch keeps ints, refuses bools)
    return torch.floor(_float(_t(x)))


def ceil(x):
    return torch.ceil(_float(_t(x)))


trunc = torch.trunc


reciprocal = torch.reciprocal


fmax = torch.fmax


fmin = torch.fmin


def _comparison(compare, name):
    """A comparison op: torch's own call, or (a Python number first, which torch refuses) the
    number made a tensor of Keras' dtype first."""

    def op(x1, x2):
        try:
            return compare(x1, x2)
        except TypeError:
            return compare(_scalar_tensor(x1), x2)

    op.__name__ = op.__qualname__ = name
    return op


equal = _comparison(torch.eq, "equal")


not_equal = _comparison(torch.ne, "not_equal")


greater = _comparison(torch.gt, "greater")


greater_equal = _comparison(torch.ge, "greater_equal")


less = _comparison(torch.lt, "less")


less_equal = _comparison(torch.le, "less_equal")


logical_and = torch.logical_and


logical_or = torch.logical_or


logical_not = torch.logical_not


logical_xor = torch.logical_xor


isnan = torch.isnan


isinf = torch.isinf


isfinite = torch.isfinite


isneginf = torch.isneginf


isposinf = torch.isposinf


isreal = torch.isreal


signbit = torch.signbit


def _float_pair(x1, x2):
    """Two operands for float-only maths: Keras' float result dtype for ints, bools, scalars."""
    x1, x2 = _t(x1), _t(x2)
    dt = torch.promote_types(to_engine_dtype(x1.dtype), to_engine_dtype(x2.dtype))
    if not (dt.is_floating_point or dt.is_complex):
        dt = to_engine_dtype(config.floatx())
    return x1.to(dt), x2.to(dt)


def hypot(x1, x2):
    return torch.hypot(*_float_pair(x1, x2))


def logaddexp(x1, x2):
    return torch.logaddexp(*_float_pair(x1, x2))


def logaddexp2(x1, x2):
    return torch.logaddexp2(*_float_pair(x1, x2))


def nextafter(x1, x2):
    return torch.nextafter(*_float_pair(x1, x2))


def heaviside(x1, x2):
    return torch.heaviside(*_float_pair(x1, x2))  # Keras: float results, one dtype


i0 = torch.i0


sinc = torch.sinc


deg2rad = torch.deg2rad


rad2deg = torch.rad2deg


gcd = torch.gcd


lcm = torch.lcm


conjugate = torch.conj_physical


conj = torch.conj_physical


def real(x):
    return torch.real(x) if x.is_complex() else x


def imag(x):
    return torch.imag(x) if x.is_complex() else torch.zeros_like(x)


angle = torch.angle


def outer(x1, x2):
    return torch.outer(x1.reshape(-1), x2.reshape(-1))


kron = torch.kron


einsum = torch.einsum


moveaxis = torch.movedim


bitwise_and = torch.bitwise_and


bitwise_or = torch.bitwise_or


bitwise_xor = torch.bitwise_xor


bitwise_not = torch.bitwise_not


bitwise_invert = torch.bitwise_not


bitwise_left_shift = torch.bitwise_left_shift


left_shift = torch.bitwise_left_shift


bitwise_right_shift = torch.bitwise_right_shift


right_shift = torch.bitwise_right_shift


def round(x, decimals=0):
    if not x.is_floating_point():
        if decimals >= 0:
            return x
        factor = 10 ** (-decimals)
        return (torch.round(x.double() / factor) * factor).to(x.dtype)
    return torch.round(x, decimals=decimals)


def maximum(x1, x2):
    try:  # tensors: torch's own call; Python numbers (which torch refuses) convert below
        return torch.maximum(x1, x2)
    except TypeError:
        return torch.maximum(_scalar_tensor(x1), _scalar_tensor(x2))


def minimum(x1, x2):
    try:
        return torch.minimum(x1, x2)
    except TypeError:
        return torch.minimum(_scalar_tensor(x1), _scalar_tensor(x2))


def clip(x, x_min, x_max):
    if x.dtype == torch.bool:
        x = x.to(_INT32)
    return torch.clamp(x, x_min, x_max)


def cbrt(x):
    x = _float(x)
    return torch.sign(x) * torch.pow(torch.abs(x), 1.0 / 3.0)


def _unbool(x1, x2):
    """A bool first operand (which torch's remainder refuses) as the other's int, else int32."""
    if getattr(x1, "dtype", None) == torch.bool:
        other = getattr(x2, "dtype", None)
        x1 = x1.to(other if other is not None and other != torch.bool else _INT32)
    return x1, x2


def mod(x1, x2):
    return torch.remainder(*_unbool(*_py_operands(x1, x2)))


def fmod(x1, x2):
    x1, x2 = _unbool(*_py_operands(x1, x2))
    if not hasattr(x1, "__torch_function__"):  # torch.fmod wants its first operand a tensor
        x1 = convert_to_tensor(x1, dtype=getattr(x2, "dtype", None)
                               if isinstance(x1, int) else None)
    return torch.fmod(x1, x2)


def floor_divide(x1, x2):
    return torch.floor_divide(*_py_operands(x1, x2))


def divide_no_nan(x1, x2):
    x1, x2 = _float(_t(x1)), _float(_t(x2))
    zero = torch.eq(x2, 0)  # not ==: on a symbolic tensor == is identity, as in graph code
    return torch.where(zero, torch.zeros((), dtype=to_engine_dtype(x1.dtype), device=x1.device),
                       x1 / torch.where(zero, torch.ones_like(x2), x2))


def ldexp(x1, x2):
    return _float(_t(x1)) * torch.pow(2.0, _t(x2))


def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    return torch.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)


def isclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
    x1, x2 = _t(x1), _t(x2)
    dt = torch.promote_types(to_engine_dtype(x1.dtype), to_engine_dtype(x2.dtype))
    return torch.isclose(x1.to(dt), x2.to(dt), rtol=rtol, atol=atol, equal_nan=equal_nan)


def allclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
    return torch.all(isclose(x1, x2, rtol, atol, equal_nan))


def where(condition, x1=None, x2=None):
    if x1 is None and x2 is None:
        return torch.stack(torch.where(condition), dim=0)
    return torch.where(condition, *_py_operands(x1, x2))


def select(condlist, choicelist, default=0):
    out = torch.full_like(choicelist[0], default) if not hasattr(default, "shape") else default
    for cond, choice in reversed(list(zip(condlist, choicelist))):
        out = torch.where(cond, choice, out)
    return out


def isin(x1, x2, assume_unique=False, invert=False):
    return torch.isin(_t(x1), _t(x2), assume_unique=assume_unique, invert=invert)


def copy(x):
    return torch.clone(x)


def array(x, dtype=None):
    return convert_to_tensor(x, dtype)


def view(x, dtype=None):
    return x.view(to_engine_dtype(dtype or config.floatx()))  # Keras: None is floatx


# reductions and array manipulation live in their own files; they are part of this module
from lamina.backend.torch.ops_reduce import *  # noqa: E402,F401,F403
from lamina.backend.torch.ops_array import *  # noqa: E402,F401,F403

__all__ = sorted(
    n for n, v in list(globals().items())
    if not n.startswith("_") and not n.startswith("ops_") and n not in ("torch", "np", "builtins", "annotations", "config",
                                            "DEVICE", "convert_to_tensor", "to_engine_dtype",
                                            )
    and (callable(v))
)
