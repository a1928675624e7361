"""The ``Loss`` base class and Keras 3's reduction rules.

A loss object turns per-sample values (``call``) into one number (``__call__``), weighting them
by ``sample_weight`` and by any Keras mask first.

>>> from lamina import losses
>>> losses.MeanSquaredError()([1.0, 0.0], [0.0, 0.0])   # (1 + 0) / 2
tensor(0.5000)
"""

from __future__ import annotations

from lamina import config
from lamina.ops import kernels as ops  # the training path: no conversion
from lamina.backend import core
from lamina.utils import registry

REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)


class Loss:
    """Base class of losses: subclasses define ``call(y_true, y_pred)`` (per-sample values).

    Args:
        name: the loss's name (default: the class name in snake case).
        reduction: ``"sum_over_batch_size"`` (default) and ``"mean"`` divide the weighted sum
            by the number of values, ``"mean_with_sample_weight"`` by the sum of the weights,
            ``"sum"`` returns the sum, ``"none"``/``None`` the weighted values themselves.
        dtype: computation dtype (default ``config.floatx()``); inputs are converted to it.

    >>> class Squared(Loss):
    ...     def call(self, y_true, y_pred):
    ...         return ops.mean(ops.square(y_pred - y_true), axis=-1)
    >>> Squared()([[1.0, 1.0]], [[0.0, 2.0]])
    tensor(1.)
    """

    def __init__(self, name: str | None = None, reduction="sum_over_batch_size", dtype=None):
        self.name = name or registry.unique_name(registry.snake_case(type(self).__name__))
        self.reduction = standardize_reduction(reduction)
        self._dtype = compute_dtype(dtype)

    @property
    def dtype(self) -> str:
        return self._dtype

    def __call__(self, y_true, y_pred, sample_weight=None):
        in_mask = get_mask(y_pred)
        y_pred = core.convert_to_tensor(y_pred, self._dtype)
        y_true = core.convert_to_tensor(y_true, self._dtype)
        values = self.call(y_true, y_pred)
        out_mask = get_mask(values)
        if in_mask is not None and out_mask is not None:
            mask = ops.logical_and(ops.cast(in_mask, "bool"), ops.cast(out_mask, "bool"))
        else:
            mask = in_mask if in_mask is not None else out_mask
        return reduce_weighted_values(
            values,
            sample_weight=sample_weight,
            mask=mask,
            reduction=self.reduction,
            dtype=self._dtype,
        )

    def call(self, y_true, y_pred):
        raise NotImplementedError(f"{type(self).__name__}: subclasses of Loss must define call()")

    def get_config(self) -> dict:
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"


def compute_dtype(dtype) -> str:
    """The dtype computations run in: floatx for None, the compute half of a "mixed_*" policy."""
    if dtype is None:
        return config.floatx()
    if hasattr(dtype, "compute_dtype"):  # a dtype policy object
        return core.standardize_dtype(dtype.compute_dtype)
    if isinstance(dtype, str) and dtype.startswith("mixed_"):
        return core.standardize_dtype(dtype[len("mixed_") :])
    return core.standardize_dtype(dtype)


def standardize_reduction(reduction):
    if reduction not in REDUCTIONS:
        raise ValueError(
            "Invalid value for argument `reduction`. Expected one of "
            f"{', '.join(repr(r) for r in REDUCTIONS)}. Received: reduction={reduction!r}"
        )
    return reduction


# Keras carries masks on tensors as a ``_keras_mask`` attribute (Layer.__call__ does the same).
def get_mask(x):
    return getattr(x, "_keras_mask", None)


def set_mask(x, mask):
    x._keras_mask = mask
    return x


def divide_no_nan(a, b):
    """``a / b``, and 0 where ``b`` is 0 (gradient-safe: never divides by zero)."""
    zero = ops.equal(b, 0)
    return ops.where(zero, ops.zeros_like(a), a / ops.where(zero, ops.ones_like(b), b))


def squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1: bool = True):
    """Make ranks equal when they differ by one and the longer tensor ends in a 1-sized axis.

    A rank-1 partner is expanded (``(n,)`` -> ``(n, 1)``); otherwise the 1-axis is squeezed.
    """
    r1, r2 = len(x1.shape), len(x2.shape)
    if r1 == r2:
        return x1, x2
    if r1 == r2 + 1 and x1.shape[-1] == 1:
        if r2 == 1 and expand_rank_1:
            x2 = ops.expand_dims(x2, -1)
        else:
            x1 = ops.squeeze(x1, -1)
    if r2 == r1 + 1 and x2.shape[-1] == 1:
        if r1 == 1 and expand_rank_1:
            x1 = ops.expand_dims(x1, -1)
        else:
            x2 = ops.squeeze(x2, -1)
    return x1, x2


def reduce_values(values, sample_weight=None, reduction="sum_over_batch_size"):
    """Reduce already-weighted values to a scalar as ``reduction`` says."""
    shape = tuple(values.shape)
    if reduction is None or reduction == "none" or shape == () or shape == (0,):
        return values
    loss = ops.sum(values)
    if reduction == "sum":
        return loss
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        return divide_no_nan(loss, ops.cast(ops.sum(sample_weight), ops.dtype(loss)))
    # the count is static, so divide by a Python number: no extra tensor, no device sync
    count = 1
    for d in shape:
        count *= d
    return loss / count if count else ops.zeros_like(loss)


def apply_mask(sample_weight, mask, dtype, reduction):
    """Fold a boolean mask into the sample weights.

    For the averaging reductions, kept entries weigh ``total / kept`` so the average runs over
    the kept entries only.
    """
    if mask is None:
        return sample_weight
    if reduction in ("mean", "sum_over_batch_size"):
        total = 1
        for d in mask.shape:
            total *= d
        kept = ops.sum(ops.cast(mask, dtype))
        weight = divide_no_nan(ops.full_like(kept, float(total)), kept)
        float_mask = ops.where(ops.cast(mask, "bool"), weight, ops.zeros_like(weight))
    else:
        float_mask = ops.cast(mask, dtype)
    if sample_weight is None:
        return float_mask
    sample_weight = ops.cast(sample_weight, dtype)
    float_mask, sample_weight = squeeze_or_expand_to_same_rank(float_mask, sample_weight)
    return sample_weight * float_mask


def reduce_weighted_values(
    values, sample_weight=None, mask=None, reduction="sum_over_batch_size", dtype=None
):
    """Weight ``values`` by ``sample_weight`` (and ``mask``), then reduce them."""
    reduction = standardize_reduction(reduction)
    values = core.convert_to_tensor(values, dtype)
    if sample_weight is not None:
        sample_weight = core.convert_to_tensor(sample_weight, dtype)
    if mask is not None:
        mask = core.convert_to_tensor(mask)
    sample_weight = apply_mask(sample_weight, mask, ops.dtype(values), reduction)
    if sample_weight is not None:
        sample_weight = ops.cast(sample_weight, ops.dtype(values))
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        _check_broadcastable(values, sample_weight)
        values = values * sample_weight
    return reduce_values(values, sample_weight, reduction)


def _check_broadcastable(values, sample_weight):
    for a, b in zip(reversed(values.shape), reversed(sample_weight.shape)):
        if a != b and a != 1 and b != 1:
            raise ValueError(
                f"sample_weight of shape {tuple(sample_weight.shape)} does not broadcast to the "
                f"per-sample loss values of shape {tuple(values.shape)}; give one weight per "
                "sample (batch,) / (batch, 1), or one per value."
            )
