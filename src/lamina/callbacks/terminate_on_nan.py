"""``TerminateOnNaN``: stop training when the loss becomes NaN or infinite."""

from __future__ import annotations

import math

from lamina.callbacks.callback import Callback


class TerminateOnNaN(Callback):
    """Stop ``fit`` at the first batch whose loss is NaN or inf.

    Args:
        raise_error: raise a ``RuntimeError`` instead of stopping quietly.

    >>> model.fit(x, y, callbacks=[TerminateOnNaN()])   # doctest: +SKIP
    """

    # Only the loss is read: the other metrics stay unconverted on the device.
    _accepts_raw_batch_logs = True

    def __init__(self, raise_error: bool = False):
        super().__init__()
        self.raise_error = raise_error

    def on_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is None:
            return
        loss = float(loss)
        if math.isnan(loss) or math.isinf(loss):
            if self.raise_error:
                raise RuntimeError(
                    f"NaN or Inf loss encountered at batch {batch}. Loss value: {loss}. "
                    "Terminating training immediately."
                )
            print(f"Batch {batch}: Invalid loss, terminating training")
            self.model.stop_training = True
