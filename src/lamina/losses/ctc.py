"""Connectionist temporal classification (CTC) loss, by the forward algorithm in log space.

``y_true`` is ``(batch, max_label_length)`` integer labels padded with 0 (0 is also the
blank class); ``y_pred`` is ``(batch, time, classes)`` logits. Every sequence uses all
``time`` steps, as Keras' ``ctc`` does.

>>> import numpy as np
>>> from lamina import losses
>>> logits = np.zeros((1, 2, 3), "float32")      # uniform over 3 classes, 2 steps
>>> round(float(losses.ctc([[1]], logits)[0]), 4)  # paths "1-", "-1", "11": -log(3/9)
1.0986
"""

from __future__ import annotations

from lamina.ops import kernels as ops  # the training path: no conversion
from lamina.backend import core
from lamina.losses.wrapper import _BuiltinLoss

# a finite "log 0": keeps logsumexp and its gradient free of inf - inf
_LOG_ZERO = -1e30


def ctc_loss(target, output, target_length, mask_index=0):
    """Per-sample ``-log p(target | output)`` for logits ``output`` of shape (batch, time, classes).

    ``target[b, :target_length[b]]`` is sample b's label sequence; ``mask_index`` is the blank.
    """
    output = core.convert_to_tensor(output)
    if ops.dtype(output) not in ("float32", "float64"):
        output = ops.cast(output, "float32")
    target = ops.cast(core.convert_to_tensor(target), "int64")
    target_length = ops.cast(core.convert_to_tensor(target_length), "int64")
    batch, time = output.shape[0], output.shape[1]
    max_len = target.shape[1]
    dtype = ops.dtype(output)
    log_probs = ops.log_softmax(output, axis=-1)

    # extended labels: blank, l1, blank, l2, ..., lL, blank  -> (batch, 2L + 1)
    blanks = ops.full((batch, max_len), mask_index, dtype="int64")
    ext = ops.reshape(ops.stack([blanks, target], axis=-1), (batch, 2 * max_len))
    ext = ops.concatenate([ext, ops.full((batch, 1), mask_index, dtype="int64")], axis=1)
    states = 2 * max_len + 1
    emit_idx = ops.broadcast_to(ops.expand_dims(ext, 1), (batch, time, states))
    emit = ops.take_along_axis(log_probs, emit_idx, axis=2)  # (batch, time, states)

    # a label may follow the label two states back directly when the two differ
    prev2 = ops.concatenate([ops.full((batch, 2), -1, dtype="int64"), ext[:, :-2]], axis=1)
    can_skip = ops.logical_and(ops.not_equal(ext, mask_index), ops.not_equal(ext, prev2))

    neg = ops.full((batch, states), _LOG_ZERO, dtype=dtype)
    first = ops.less(ops.arange(states), 2)
    alpha = ops.where(ops.expand_dims(first, 0), emit[:, 0, :], neg)
    pad1 = ops.full((batch, 1), _LOG_ZERO, dtype=dtype)
    pad2 = ops.full((batch, 2), _LOG_ZERO, dtype=dtype)
    for t in range(1, time):
        shift1 = ops.concatenate([pad1, alpha[:, :-1]], axis=1)
        shift2 = ops.where(can_skip, ops.concatenate([pad2, alpha[:, :-2]], axis=1), neg)
        alpha = ops.logsumexp(ops.stack([alpha, shift1, shift2], axis=0), axis=0) + emit[:, t, :]

    last = ops.expand_dims(2 * target_length, 1)
    end_blank = ops.take_along_axis(alpha, last, axis=1)
    end_label = ops.take_along_axis(alpha, ops.clip(last - 1, 0, None), axis=1)
    end_label = ops.where(ops.greater(last, 0), end_label, ops.full_like(end_label, _LOG_ZERO))
    both = ops.concatenate([end_blank, end_label], axis=1)
    return -ops.logsumexp(both, axis=1)


def ctc(y_true, y_pred):
    """CTC loss per sample; labels padded with 0 (the blank), predictions are logits.

    >>> import numpy as np
    >>> tuple(ctc([[1, 0]], np.zeros((1, 2, 3), "float32")).shape)
    (1,)
    """
    y_true = core.convert_to_tensor(y_true)
    y_pred = core.convert_to_tensor(y_pred)
    if len(y_true.shape) != 2:
        raise ValueError(
            "Targets `y_true` are expected to be a tensor of shape `(batch_size, max_length)` "
            f"in integer format. Received: y_true.shape={tuple(y_true.shape)}"
        )
    if len(y_pred.shape) != 3:
        raise ValueError(
            "Logits `y_pred` are expected to be a tensor of shape "
            f"`(batch_size, max_length, num_classes)`. Received: y_pred.shape={tuple(y_pred.shape)}"
        )
    label_length = ops.sum(ops.cast(ops.not_equal(y_true, 0), "int64"), axis=-1)
    return ctc_loss(y_true, y_pred, label_length, mask_index=0)


class CTC(_BuiltinLoss):
    """The CTC loss for unsegmented sequence labelling (speech, handwriting).

    ``y_true``: (batch, max_label_length) integers padded with 0, the blank class;
    ``y_pred``: (batch, time, classes) logits.
    """

    def __init__(self, reduction="sum_over_batch_size", name="ctc", dtype=None):
        super().__init__(ctc, name=name, reduction=reduction, dtype=dtype)
