"""Metric-learning losses: the Circle loss (Sun et al., 2020) over L2-normalised embeddings.

``y_true`` holds integer class labels, ``y_pred`` the embeddings; pairs with equal labels are
pulled together, the others pushed apart.

>>> import numpy as np
>>> from lamina import losses
>>> emb = np.eye(2, dtype="float32")[[0, 0, 1, 1]]
>>> round(float(losses.Circle()([0, 0, 1, 1], emb)), 6)   # classes already separated
0.0
"""

from __future__ import annotations

from lamina.ops import kernels as ops  # the training path: no conversion
from lamina.backend import core
from lamina.losses.loss import set_mask
from lamina.losses.wrapper import _BuiltinLoss


def build_pos_neg_masks(query_labels, key_labels, remove_diagonal=True):
    """Boolean ``(queries, keys)`` masks of same-label pairs (minus the diagonal) and others."""
    if len(query_labels.shape) == 1:
        query_labels = ops.reshape(query_labels, (-1, 1))
    if len(key_labels.shape) == 1:
        key_labels = ops.reshape(key_labels, (-1, 1))
    positive = ops.equal(query_labels, ops.transpose(key_labels))
    negative = ops.logical_not(positive)
    if remove_diagonal:
        diagonal = ops.cast(ops.eye(positive.shape[0], positive.shape[1]), "bool")
        positive = ops.logical_and(positive, ops.logical_not(diagonal))
    return positive, negative


def circle(
    y_true,
    y_pred,
    ref_labels=None,
    ref_embeddings=None,
    remove_diagonal=True,
    gamma=80,
    margin=0.4,
):
    """The Circle loss per query embedding (masked out where it is 0, as in Keras).

    >>> import numpy as np
    >>> emb = np.eye(2, dtype="float32")[[0, 1]]
    >>> tuple(circle([0, 1], emb).shape)
    (2,)
    """
    y_pred = core.convert_to_tensor(y_pred)
    y_true = ops.cast(core.convert_to_tensor(y_true), "int32")
    ref_embeddings = y_pred if ref_embeddings is None else core.convert_to_tensor(ref_embeddings)
    ref_labels = (
        y_true if ref_labels is None else ops.cast(core.convert_to_tensor(ref_labels), "int32")
    )
    distances = ops.clip(1 - ops.matmul(y_pred, ops.transpose(ref_embeddings)), 0.0, None)
    positive, negative = build_pos_neg_masks(y_true, ref_labels, remove_diagonal)
    pos_f = ops.cast(positive, ops.dtype(distances))
    neg_f = ops.cast(negative, ops.dtype(distances))
    pos_weights = ops.clip((margin + distances) * pos_f, 0.0, None)
    neg_weights = ops.clip((1 + margin - distances) * neg_f, 0.0, None)
    pos_wdists = -1 * gamma * pos_weights * (margin - distances)
    neg_wdists = gamma * neg_weights * ((1 - margin) - distances)
    inf = float("inf")
    p_loss = ops.logsumexp(ops.where(positive, pos_wdists, -inf), axis=1)
    n_loss = ops.logsumexp(ops.where(negative, neg_wdists, -inf), axis=1)
    loss = ops.softplus(p_loss + n_loss)
    return set_mask(loss, loss > 0)


class Circle(_BuiltinLoss):
    """The Circle loss for metric learning (labels: integer classes; predictions: embeddings,
    usually L2-normalised).

    Args:
        gamma: scale of the similarities; margin: the relaxation margin;
        remove_diagonal: leave each embedding's pair with itself out of the positives.
    """

    _config_keys = ("gamma", "margin", "remove_diagonal")

    def __init__(
        self,
        gamma=80.0,
        margin=0.4,
        remove_diagonal=True,
        reduction="sum_over_batch_size",
        name="circle",
        dtype=None,
    ):
        super().__init__(
            circle,
            name=name,
            reduction=reduction,
            dtype=dtype,
            gamma=gamma,
            margin=margin,
            remove_diagonal=remove_diagonal,
        )
