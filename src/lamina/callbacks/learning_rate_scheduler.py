"""``LearningRateScheduler``: set the learning rate at the start of each epoch."""

from __future__ import annotations

import numpy as np

from lamina.callbacks._lr import current_lr, optimizers_of
from lamina.callbacks.callback import Callback


class LearningRateScheduler(Callback):
    """Call ``schedule(epoch, lr)`` (or ``schedule(epoch)``) before each epoch; use its result.

    Args:
        schedule: a function of the 0-based epoch and the current rate, returning a float.
        verbose: 1 prints the new rate each epoch.

    >>> def schedule(epoch, lr):
    ...     return lr if epoch < 10 else lr * 0.9
    >>> model.fit(x, y, epochs=15, callbacks=[LearningRateScheduler(schedule)])  # doctest: +SKIP
    """

    def __init__(self, schedule, verbose=0):
        super().__init__()
        self.schedule = schedule
        self.verbose = verbose

    def _update(self, optimizer, epoch):
        if not hasattr(optimizer, "learning_rate"):
            raise ValueError('Optimizer must have a "learning_rate" attribute.')
        try:
            learning_rate = self.schedule(epoch, current_lr(optimizer))
        except TypeError:  # the one-argument form, schedule(epoch)
            learning_rate = self.schedule(epoch)
        if not isinstance(learning_rate, (float, np.float32, np.float64)):
            raise ValueError(
                f"The output of the `schedule` function should be a float. Got: {learning_rate}"
            )
        optimizer.learning_rate = learning_rate
        return learning_rate

    def on_epoch_begin(self, epoch, logs=None):
        opts = optimizers_of(self.model)
        multi = len(opts) > 1 or opts[0] is not self.model.optimizer
        for opt in opts:
            lr = self._update(opt, epoch)
            if self.verbose > 0:
                who = f"{opt.name} " if multi else ""
                print(
                    f"\nEpoch {epoch + 1}: LearningRateScheduler setting {who}learning rate "
                    f"to {lr}."
                )

    def on_epoch_end(self, epoch, logs=None):
        if logs is None:
            return
        opts = optimizers_of(self.model)
        multi = len(opts) > 1 or opts[0] is not self.model.optimizer
        for opt in opts:
            logs[f"learning_rate_{opt.name}" if multi else "learning_rate"] = current_lr(opt)
