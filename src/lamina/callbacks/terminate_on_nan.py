"""``TerminateOnNaN``: stop training when the loss becomes NaN or infinite, and say why."""

from __future__ import annotations

import math

import numpy as np

from lamina import tree
from lamina.backend import core
from lamina.callbacks.callback import Callback


class TerminateOnNaN(Callback):
    """Stop ``fit`` at the first batch whose loss is NaN or inf.

    The message names the epoch and the batch, and where a NaN or Inf already is: in that
    batch's inputs or targets, or in a layer's weights.

    Args:
        raise_error: raise a ``RuntimeError`` instead of stopping quietly.

    >>> model.fit(x, y, callbacks=[TerminateOnNaN()])   # doctest: +SKIP
    """

    # Only the loss is read: the other metrics stay unconverted on the device.
    _accepts_raw_batch_logs = True

    def __init__(self, raise_error: bool = False):
        super().__init__()
        self.raise_error = raise_error
        self._epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is None:
            return
        loss = float(loss)
        if math.isnan(loss) or math.isinf(loss):
            where = nonfinite_report(self.model, getattr(self.model, "_last_batch", None))
            message = (f"Epoch {self._epoch + 1}, batch {batch}: the loss is {loss}. {where}")
            if self.raise_error:
                raise RuntimeError(f"NaN or Inf loss encountered. {message} "
                                   "Terminating training immediately.")
            print(f"{message} Terminating training.")
            self.model.stop_training = True


def _nonfinite_count(value) -> int:
    try:
        array = np.asarray(core.convert_to_numpy(value) if core.is_tensor(value) else value)
    except (TypeError, ValueError):
        return 0
    if array.dtype.kind not in "fc":
        return 0
    return int(array.size - np.count_nonzero(np.isfinite(array)))


def nonfinite_report(model, data=None) -> str:
    """Where NaN/Inf values are: the given data (inputs, targets, sample weights) or weights.

    Called only after a non-finite loss was seen, so its cost (a pass over the data and the
    weights) is never paid by a healthy run.
    """
    found = []
    if data is not None:
        parts = data if isinstance(data, tuple) else (data,)
        for name, part in zip(("inputs", "targets", "sample weights"), parts):
            count = sum(_nonfinite_count(leaf) for leaf in tree.flatten(part)
                        if leaf is not None)
            if count:
                found.append(f"the {name} hold {count} NaN/Inf value(s)")
    bad_layers = []
    for variable in getattr(model, "weights", []):
        if _nonfinite_count(variable):
            bad_layers.append(getattr(variable, "path", None) or getattr(variable, "name", "?"))
    if bad_layers:
        shown = ", ".join(bad_layers[:4]) + (" ..." if len(bad_layers) > 4 else "")
        found.append(f"weights hold NaN/Inf ({shown})")
    if not found:
        return ("The data and the weights are finite: the loss overflowed (try a lower "
                "learning rate, clipnorm=1.0 on the optimizer, or scaled inputs).")
    text = "; ".join(found)
    if data is not None and any(f.startswith("the ") for f in found):
        text += " (clean the data, e.g. with np.nan_to_num, or drop those rows)"
    return text[0].upper() + text[1:] + "."
