"""``ModelCheckpoint``: save the model or its weights during training.

>>> ckpt = ModelCheckpoint("ckpt/{epoch:02d}-{val_loss:.2f}.keras", save_best_only=True)
>>> model.fit(x, y, validation_split=0.1, epochs=10, callbacks=[ckpt])   # doctest: +SKIP
"""

from __future__ import annotations

import os
import sys
import warnings

import numpy as np

from lamina.callbacks import keras2_names
from lamina.callbacks.monitor_callback import MonitorCallback
from lamina.saving import weights_h5


class ModelCheckpoint(MonitorCallback):
    """Save the model (``model.save``) or its weights (``model.save_weights``).

    Args:
        filepath: where to save. May hold format fields filled from ``epoch`` (1-based),
            ``batch`` and the epoch's logs, e.g. ``"w-{epoch:02d}-{val_loss:.2f}.weights.h5"``.
            Must end in ``.weights.h5`` when ``save_weights_only=True``, else in ``.keras``
            or ``.h5``.
        monitor: the logs key compared when ``save_best_only=True``.
        verbose: 1 prints a line at each save.
        save_best_only: save only when ``monitor`` improves on the best so far.
        save_weights_only: save only the weights.
        mode: ``"auto"``, ``"min"`` or ``"max"``.
        save_freq: ``"epoch"``, or save every this many batches.
        initial_value_threshold: the best value to beat before the first save
            (with ``save_best_only=True``).
        period: Keras 2's spelling (deprecated): save every ``period`` epochs.

    >>> ModelCheckpoint("model.txt")
    Traceback (most recent call last):
    ...
    ValueError: The filepath provided must end in `.keras` (Keras model format). Received: filepath=model.txt
    """

    def __init__(
        self,
        filepath,
        monitor: str = "val_loss",
        verbose: int = 0,
        save_best_only: bool = False,
        save_weights_only: bool = False,
        mode: str = "auto",
        save_freq="epoch",
        initial_value_threshold: float | None = None,
        period: int | None = None,
    ):
        super().__init__(monitor, mode, initial_value_threshold)
        # Keras 2's `period=N`: save at the end of every N-th epoch.
        if period is not None:
            warnings.warn("ModelCheckpoint(period=N) is the Keras 2 spelling: Keras 3 has "
                          "save_freq='epoch' (every epoch) or save_freq=<number of batches>.",
                          DeprecationWarning, stacklevel=2)
            if save_freq != "epoch" or not isinstance(period, int) or period < 1:
                raise ValueError("ModelCheckpoint: `period` must be an integer >= 1, with "
                                 f"save_freq='epoch'. Received: period={period}")
        self.period = period or 1
        self.verbose = verbose
        self.filepath = os.fspath(filepath)
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        self.save_freq = save_freq
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen = None
        self._current_epoch = 0
        if save_freq != "epoch" and not isinstance(save_freq, int):
            raise ValueError(
                f"Unrecognized save_freq: {save_freq}. "
                "Expected save_freq are 'epoch' or integer values"
            )
        if save_weights_only:
            if not self.filepath.endswith(".weights.h5") and not (
                weights_h5.KERAS2_PATHS and self.filepath.endswith((".h5", ".hdf5"))
            ):
                raise ValueError(
                    "When using `save_weights_only=True` in `ModelCheckpoint`, the filepath "
                    "provided must end in `.weights.h5` (Keras weights format). "
                    f"Received: filepath={self.filepath}"
                )
        elif not self.filepath.endswith((".keras", ".h5")):
            raise ValueError(
                "The filepath provided must end in `.keras` (Keras model format). "
                f"Received: filepath={self.filepath}"
            )

    def on_train_batch_end(self, batch, logs=None):
        if self._should_save_on_batch(batch):
            self._save_model(epoch=self._current_epoch, batch=batch, logs=logs)

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()
        if self.save_freq == "epoch" and (epoch + 1) % self.period == 0:
            self._save_model(epoch=epoch, batch=None, logs=logs)

    # -- internals --------------------------------------------------------------------------

    def _should_save_on_batch(self, batch) -> bool:
        if self.save_freq == "epoch":
            return False
        if self._last_batch_seen is None or batch <= self._last_batch_seen:
            added = batch + 1  # a new epoch started: batches are 0-based
        else:
            added = batch - self._last_batch_seen
        self._batches_seen_since_last_saving += added
        self._last_batch_seen = batch
        if self._batches_seen_since_last_saving >= self.save_freq:
            self._batches_seen_since_last_saving = 0
            return True
        return False

    def _should_save_model(self, epoch, logs, filepath) -> bool:
        if not self.save_best_only:
            if self.verbose > 0:
                _print(f"\nEpoch {epoch + 1}: saving model to {filepath}")
            return True
        current = keras2_names.lookup(logs, self.monitor)
        if current is None:
            warnings.warn(f"Can save best model only with {self.monitor} available.", stacklevel=3)
            return True
        if np.ndim(current) > 0:
            warnings.warn(
                f"Can save best model only when `monitor` is a scalar value. Received: "
                f"{current}. Falling back to `save_best_only=False`.",
                stacklevel=3,
            )
            return True
        if self.monitor_op is None:  # saving per batch before the first epoch ended
            self._set_monitor_op()
        best_str = "None" if self.best is None else f"{self.best:.5f}"
        if self._is_improvement(current, self.best):
            if self.verbose > 0:
                _print(
                    f"\nEpoch {epoch + 1}: {self.monitor} improved from {best_str} to "
                    f"{current:.5f}, saving model to {filepath}"
                )
            self.best = current
            return True
        if self.verbose > 0:
            _print(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {best_str}")
        return False

    def _save_model(self, epoch, batch, logs):
        logs = logs or {}
        filepath = self._get_file_path(epoch, batch, logs)
        if os.path.isdir(filepath):
            raise OSError(
                "Please specify a non-directory filepath for ModelCheckpoint. "
                f"Filepath used is an existing directory: {filepath}"
            )
        if not self._should_save_model(epoch, logs, filepath):
            return
        dirname = os.path.dirname(filepath)
        if dirname:
            os.makedirs(dirname, exist_ok=True)
        if self.save_weights_only:
            self.model.save_weights(filepath, overwrite=True)
        else:
            self.model.save(filepath, overwrite=True)
        if self.verbose > 0:
            _print(f"\nEpoch {epoch + 1}: finished saving model to {filepath}")

    def _get_file_path(self, epoch, batch, logs) -> str:
        try:
            if batch is None or "batch" in logs:
                return self.filepath.format(epoch=epoch + 1, **logs)
            return self.filepath.format(epoch=epoch + 1, batch=batch + 1, **logs)
        except KeyError as e:
            raise KeyError(
                f'Failed to format this callback filepath: "{self.filepath}". Reason: {e}'
            ) from None


def _print(message: str) -> None:
    sys.stdout.write(message + "\n")
    sys.stdout.flush()
