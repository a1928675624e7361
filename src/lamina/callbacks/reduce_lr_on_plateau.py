"""``ReduceLROnPlateau``: lower the learning rate when a metric stops improving."""

from __future__ import annotations

import warnings

import numpy as np

from lamina.callbacks import keras2_names
from lamina.callbacks._lr import current_lr, optimizers_of
from lamina.callbacks.monitor_callback import MonitorCallback


class ReduceLROnPlateau(MonitorCallback):
    """Multiply the learning rate by ``factor`` after ``patience`` epochs without improvement.

    Args:
        monitor: the logs key to watch (``"val_loss"``).
        factor: the multiplier, below 1 (``new_lr = lr * factor``).
        patience: epochs without improvement before the rate drops.
        verbose: 1 prints a message at each reduction.
        mode: ``"auto"``, ``"min"`` or ``"max"``.
        min_delta: the least change that counts as an improvement.
        cooldown: epochs to wait after a reduction before counting again.
        min_lr: the rate never goes below this.

    The epoch logs also get ``learning_rate`` (so ``History`` records it).

    >>> reduce_lr = ReduceLROnPlateau(monitor="val_loss", factor=0.2, patience=5, min_lr=1e-3)
    >>> model.fit(x, y, validation_split=0.2, callbacks=[reduce_lr])   # doctest: +SKIP
    """

    def __init__(
        self,
        monitor="val_loss",
        factor=0.1,
        patience=10,
        verbose=0,
        mode="auto",
        min_delta=1e-4,
        cooldown=0,
        min_lr=0.0,
        **kwargs,
    ):
        super().__init__(monitor, mode, min_delta=min_delta)
        if factor >= 1.0:
            raise ValueError(
                f"ReduceLROnPlateau does not support a factor >= 1.0. Received factor={factor}"
            )
        # Keras 3 accepts and ignores any other keyword, Keras 2's ``epsilon`` included (it no
        # longer sets min_delta), so the same call trains the same way in both.
        self.factor = factor
        self.min_lr = min_lr
        self.patience = patience
        self.verbose = verbose
        self.cooldown = cooldown
        self.cooldown_counter = 0
        self.wait = 0

    def _reset(self):
        self.best = None
        self.cooldown_counter = 0
        self.wait = 0

    def on_train_begin(self, logs=None):
        self._reset()

    def in_cooldown(self) -> bool:
        return self.cooldown_counter > 0

    def _reduce(self, optimizer, epoch, name=""):
        old_lr = current_lr(optimizer)
        if old_lr <= np.float32(self.min_lr):
            return False
        new_lr = max(old_lr * self.factor, self.min_lr)
        optimizer.learning_rate = new_lr
        if self.verbose > 0:
            name_str = f" {name}" if name else ""
            print(
                f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing{name_str} learning rate "
                f"to {new_lr}."
            )
        return True

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()  # late: the model's metrics are built by now
        logs = logs if logs is not None else {}
        opts = optimizers_of(self.model)
        multi = len(opts) > 1 or opts[0] is not self.model.optimizer
        for opt in opts:
            logs[f"learning_rate_{opt.name}" if multi else "learning_rate"] = current_lr(opt)
        current = keras2_names.lookup(logs, self.monitor)
        if current is None:
            warnings.warn(
                f"Learning rate reduction is conditioned on metric `{self.monitor}` which is not "
                f"available. Available metrics are: {','.join(logs)}.",
                stacklevel=2,
            )
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self._is_improvement(current, self.best):
            self.best = current
            self.wait = 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience:
                reduced = False
                for opt in opts:
                    reduced |= self._reduce(opt, epoch, opt.name if multi else "")
                if reduced:
                    self.cooldown_counter = self.cooldown
                    self.wait = 0
