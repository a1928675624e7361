"""``ProgbarLogger``: the progress lines ``fit``/``evaluate``/``predict`` print.

    Epoch 1/5
    1875/1875 ━━━━━━━━━━━━━━━━━━━━ 3s 2ms/step - accuracy: 0.9000 - loss: 0.3000 - val_...

The trainer adds it when ``verbose`` is not 0. Per batch it does almost nothing: it counts
the step, and only on a terminal with ``verbose=1``, at most every ``interval`` seconds, does
it read the metric values (converting backend tensors to floats) and redraw the bar.
"""

from __future__ import annotations

import sys
import time

from lamina.callbacks.callback import Callback
from lamina.utils.progbar import Progbar


def _sorted_items(logs):
    # Keras shows metrics in sorted order (it sorts the logs it hands to callbacks).
    return sorted(logs.items()) if logs else None


class ProgbarLogger(Callback):
    """Prints a progress bar and the running metrics to stdout.

    Reads ``params["verbose"]`` (``"auto"`` means 1), ``params["epochs"]`` and
    ``params["steps"]`` (``None`` when the number of steps is unknown).

    >>> logger = ProgbarLogger()
    >>> logger.set_params({"verbose": 2, "epochs": 1, "steps": 2})
    >>> logger.on_train_begin()
    >>> logger.on_epoch_begin(0)
    >>> logger.on_train_batch_end(0, {"loss": 0.5})
    >>> logger.on_train_batch_end(1, {"loss": 0.4})
    >>> logger.on_epoch_end(0, {"loss": 0.4})   # doctest: +ELLIPSIS
    2/2 - 0s - ...s/step - loss: 0.4000
    """

    _accepts_raw_batch_logs = True

    def __init__(self):
        super().__init__()
        self.seen = 0
        self.progbar: Progbar | None = None
        self.target = None
        self.verbose = 1
        self.epochs = 1
        self._called_in_fit = False
        self._redraws = False

    def set_params(self, params):
        super().set_params(params)
        verbose = params.get("verbose", 1)
        self.verbose = 1 if verbose == "auto" else verbose
        self.epochs = params.get("epochs", 1)
        self.target = params.get("steps")

    # -- hooks ------------------------------------------------------------------------------

    def on_train_begin(self, logs=None):
        # Inside fit, validation runs silently: only the epoch line shows val_ metrics.
        self._called_in_fit = True

    def on_test_begin(self, logs=None):
        if not self._called_in_fit:
            self._reset_progbar()

    def on_predict_begin(self, logs=None):
        self._reset_progbar()

    def on_epoch_begin(self, epoch, logs=None):
        self._reset_progbar()
        if self.verbose and self.epochs > 1:
            sys.stdout.write(f"Epoch {epoch + 1}/{self.epochs}\n")
            sys.stdout.flush()

    def on_train_batch_end(self, batch, logs=None):
        self._update_progbar(batch, logs)

    def on_test_batch_end(self, batch, logs=None):
        if not self._called_in_fit:
            self._update_progbar(batch, logs)

    def on_predict_batch_end(self, batch, logs=None):
        self._update_progbar(batch, None)  # the logs hold predictions, not metrics

    def on_epoch_end(self, epoch, logs=None):
        self._finalize_progbar(logs)

    def on_test_end(self, logs=None):
        if not self._called_in_fit:
            self._finalize_progbar(logs)

    def on_predict_end(self, logs=None):
        self._finalize_progbar(logs)

    # -- internals --------------------------------------------------------------------------

    def _reset_progbar(self):
        self.seen = 0
        # Every value is shown as given: the trainer's logs already hold running means.
        self.progbar = Progbar(target=self.target, verbose=self.verbose, unit_name="step")
        self.progbar.stateful_metrics = _ALL
        self._redraws = self.verbose == 1 and self.progbar.dynamic_display

    def _update_progbar(self, batch, logs):
        if self.progbar is None:
            self._reset_progbar()
        self.seen = seen = batch + 1
        bar = self.progbar
        if seen == 1:
            # Timing per step leaves out the first step, so its end time must be noted.
            bar.update(1, _sorted_items(logs) if self._redraws else None, finalize=False)
        elif self._redraws and time.time() - bar._last_update >= bar.interval:
            bar.update(seen, _sorted_items(logs), finalize=False)

    def _finalize_progbar(self, logs):
        if self.progbar is None:
            self._reset_progbar()
        if self.target is None:
            self.target = self.seen
            self.progbar.target = self.seen
        # Keras shows the epoch logs in their own order: sorted by CallbackList, then any key a
        # callback added (ReduceLROnPlateau's ``learning_rate``) last.
        self.progbar.update(self.progbar.target, list(logs.items()) if logs else None,
                            finalize=True)


class _Everything:
    """A set that contains every name: all of the logger's metrics are shown as given."""

    def __contains__(self, name):
        return True


_ALL = _Everything()
