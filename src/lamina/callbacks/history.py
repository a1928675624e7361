"""``History``: records each epoch's logs; ``fit`` returns it.

>>> history = model.fit(x, y, epochs=3)          # doctest: +SKIP
>>> history.history["loss"]                      # doctest: +SKIP
[0.52, 0.31, 0.27]
"""

from __future__ import annotations

from lamina.callbacks import keras2_names
from lamina.callbacks.callback import Callback


class History(Callback):
    """Collects epoch logs into ``history`` (metric name -> list of values) and ``epoch``.

    >>> h = History()
    >>> h.on_train_begin()
    >>> h.on_epoch_end(0, {"loss": 0.5})
    >>> h.history, h.epoch
    ({'loss': [0.5]}, [0])
    """

    # It reads only epoch logs, so batch logs never need converting for it.
    _accepts_raw_batch_logs = True

    def __init__(self):
        super().__init__()
        # under `lamina run`, Keras 2's names (history["acc"]) find the modern ones
        self.history: dict[str, list] = keras2_names.MetricLogs() if keras2_names.ENABLED \
            else {}
        self.epoch: list[int] = []

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
        # Keep model.history pointing at the latest record, as Keras does.
        if self.model is not None:
            self.model.history = self
