"""``LambdaCallback``: a callback made of plain functions.

>>> log = []
>>> cb = LambdaCallback(on_epoch_end=lambda epoch, logs: log.append(logs["loss"]))
>>> cb.on_epoch_end(0, {"loss": 0.5})
>>> log
[0.5]
"""

from __future__ import annotations

from lamina.callbacks.callback import Callback


class LambdaCallback(Callback):
    """Build a callback from functions.

    Args:
        on_epoch_begin, on_epoch_end: ``f(epoch, logs)``.
        on_train_begin, on_train_end: ``f(logs)``.
        on_train_batch_begin, on_train_batch_end: ``f(batch, logs)``.
        **kwargs: any other hook by name, e.g. ``on_batch_end=f(batch, logs)``,
            ``on_test_end=f(logs)``, ``on_predict_batch_end=f(batch, logs)``.

    Hooks left out do nothing (and cost nothing per batch).
    """

    def __init__(
        self,
        on_epoch_begin=None,
        on_epoch_end=None,
        on_train_begin=None,
        on_train_end=None,
        on_train_batch_begin=None,
        on_train_batch_end=None,
        **kwargs,
    ):
        super().__init__()
        # Keras stores every keyword on the instance, so any hook (or helper) can be given.
        self.__dict__.update(kwargs)
        hooks = {
            "on_epoch_begin": on_epoch_begin,
            "on_epoch_end": on_epoch_end,
            "on_train_begin": on_train_begin,
            "on_train_end": on_train_end,
            "on_train_batch_begin": on_train_batch_begin,
            "on_train_batch_end": on_train_batch_end,
        }
        for name, fn in hooks.items():
            if fn is not None:
                setattr(self, name, fn)
