"""Cross-entropies that down-weight easy examples: binary and categorical focal
cross-entropy, and the generalized (noise-robust) categorical cross-entropy.

>>> from lamina import losses
>>> round(float(losses.binary_focal_crossentropy([[1.0]], [[0.9]])[0]), 5)  # 0.1^2 * -log 0.9
0.00105
"""

from __future__ import annotations

import warnings

from lamina import config
from lamina.ops import kernels as ops  # the training path: no conversion
from lamina.backend import core
from lamina.losses.probabilistic import _check_axis
from lamina.losses.wrapper import _BuiltinLoss


def binary_focal_crossentropy(
    y_true,
    y_pred,
    apply_class_balancing=False,
    alpha=0.25,
    gamma=2.0,
    from_logits=False,
    label_smoothing=0.0,
    axis=-1,
):
    """Binary cross-entropy scaled by ``(1 - p_t) ** gamma`` (and by ``alpha`` / ``1 - alpha``
    per class with ``apply_class_balancing``), averaged over ``axis``.

    >>> binary_focal_crossentropy([[0.0]], [[0.0]])
    tensor([0.])
    """
    y_pred = core.convert_to_tensor(y_pred)
    y_true = ops.cast(core.convert_to_tensor(y_true), ops.dtype(y_pred))
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        y_pred = ops.sigmoid(y_pred)
    bce = ops.binary_crossentropy(y_true, y_pred, from_logits=False)
    p_t = y_true * y_pred + (1 - y_true) * (1 - y_pred)
    focal_bce = ops.power(1.0 - p_t, gamma) * bce
    if apply_class_balancing:
        focal_bce = (y_true * alpha + (1 - y_true) * (1 - alpha)) * focal_bce
    return ops.mean(focal_bce, axis=axis)


def categorical_focal_crossentropy(
    y_true, y_pred, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1
):
    """Categorical cross-entropy with each class term scaled by ``alpha * (1 - p) ** gamma``.

    >>> round(float(categorical_focal_crossentropy([[0.0, 1.0]], [[0.0, 1.0]])[0]), 6)
    0.0
    """
    _check_axis(axis)
    y_pred = core.convert_to_tensor(y_pred)
    y_true = ops.cast(core.convert_to_tensor(y_true), ops.dtype(y_pred))
    if len(y_pred.shape) and y_pred.shape[-1] == 1:
        warnings.warn(
            "In loss categorical_focal_crossentropy, expected y_pred.shape to be "
            f"(batch_size, num_classes) with num_classes > 1. Received: y_pred.shape="
            f"{tuple(y_pred.shape)}. Consider using 'binary_crossentropy' if you only have "
            "2 classes.",
            SyntaxWarning,
            stacklevel=2,
        )
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / y_true.shape[-1]
    if from_logits:
        y_pred = ops.softmax(y_pred, axis=axis)
    output = y_pred / ops.sum(y_pred, axis=axis, keepdims=True)
    eps = config.epsilon()
    output = ops.clip(output, eps, 1.0 - eps)
    cce = -y_true * ops.log(output)
    focal = ops.power(1.0 - output, gamma) * alpha * cce
    return ops.sum(focal, axis=axis)


def categorical_generalized_cross_entropy(y_true, y_pred, q):
    """``(1 - p ** q) / q`` where ``p`` is the predicted probability of the integer label.

    >>> categorical_generalized_cross_entropy([1], [[0.0, 1.0]], q=0.5)
    tensor([0.])
    """
    y_pred = core.convert_to_tensor(y_pred)
    labels = ops.cast(core.convert_to_tensor(y_true), "int64")
    # one-hot by comparison: no check of label values on the host
    classes = ops.arange(y_pred.shape[-1], dtype="int64")
    one_hot = ops.cast(ops.equal(ops.expand_dims(labels, -1), classes), ops.dtype(y_pred))
    p = ops.sum(y_pred * one_hot, axis=-1)
    return (1 - ops.power(p, q)) / q


class BinaryFocalCrossentropy(_BuiltinLoss):
    """Focal binary cross-entropy (Lin et al., 2017): easy examples count less.

    Args:
        apply_class_balancing: weigh positives by ``alpha`` and negatives by ``1 - alpha``.
        alpha: the class-balancing weight; gamma: the focusing exponent.
        from_logits, label_smoothing, axis: as in ``BinaryCrossentropy``.

    >>> BinaryFocalCrossentropy(gamma=0.0)([[1.0]], [[0.5]])   # plain BCE: log 2
    tensor(0.6931)
    """

    _config_keys = (
        "from_logits",
        "label_smoothing",
        "axis",
        "apply_class_balancing",
        "alpha",
        "gamma",
    )

    def __init__(
        self,
        apply_class_balancing=False,
        alpha=0.25,
        gamma=2.0,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name="binary_focal_crossentropy",
        dtype=None,
    ):
        super().__init__(
            binary_focal_crossentropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            apply_class_balancing=apply_class_balancing,
            alpha=alpha,
            gamma=gamma,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )


class CategoricalFocalCrossentropy(_BuiltinLoss):
    """Focal categorical cross-entropy for one-hot labels.

    >>> round(float(CategoricalFocalCrossentropy()([[0.0, 1.0]], [[0.0, 1.0]])), 6)
    0.0
    """

    _config_keys = ("from_logits", "label_smoothing", "axis", "alpha", "gamma")

    def __init__(
        self,
        alpha=0.25,
        gamma=2.0,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name="categorical_focal_crossentropy",
        dtype=None,
    ):
        super().__init__(
            categorical_focal_crossentropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            alpha=alpha,
            gamma=gamma,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )


class CategoricalGeneralizedCrossEntropy(_BuiltinLoss):
    """Generalized cross-entropy (Zhang & Sabuncu, 2018) for integer labels: ``(1 - p**q) / q``.

    ``q`` in (0, 1): near 0 it behaves like cross-entropy, at 1 like mean absolute error.

    >>> CategoricalGeneralizedCrossEntropy(q=0.5)([1], [[0.0, 1.0]])
    tensor(0.)
    """

    _config_keys = ("q",)

    def __init__(
        self,
        q=0.5,
        reduction="sum_over_batch_size",
        name="categorical_generalized_cross_entropy",
        dtype=None,
    ):
        if not 0 < q < 1:
            raise ValueError(f"q must be in the interval (0, 1); received q={q!r}")
        super().__init__(
            categorical_generalized_cross_entropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            q=q,
        )
