"""``CallbackList``: calls a hook on every callback, in order; the trainer talks only to it.

>>> from lamina.callbacks import History
>>> cbs = CallbackList([], add_history=True, model=None, epochs=2, steps=10, verbose=0)
>>> [type(c).__name__ for c in cbs.callbacks]
['History']

Per-batch cost is kept near zero: a batch hook is dispatched only to callbacks that override
it, and the logs' backend tensors are converted to floats only if one of those callbacks
reads batch logs eagerly (the progress bar and ``History`` don't). Epoch-level logs are always
converted: callbacks get plain floats, with keys sorted as Keras sorts them.
"""

from __future__ import annotations

from lamina.callbacks.callback import Callback
from lamina.callbacks.history import History
from lamina.callbacks.progbar_logger import ProgbarLogger

# batch hook -> the Keras 2 alias the base class forwards it to.
_BATCH_HOOKS = {
    "on_batch_begin": None,
    "on_batch_end": None,
    "on_train_batch_begin": "on_batch_begin",
    "on_train_batch_end": "on_batch_end",
    "on_test_batch_begin": None,
    "on_test_batch_end": None,
    "on_predict_batch_begin": None,
    "on_predict_batch_end": None,
}


def _to_python(value):
    """A backend tensor or NumPy scalar as a float; anything else (arrays, text) unchanged."""
    if isinstance(value, float):
        return value
    try:
        return float(value)
    except (TypeError, ValueError, RuntimeError):
        return value


def pythonify_logs(logs) -> dict:
    """Flatten nested dicts and turn values into floats where possible, keys sorted (Keras)."""
    result = {}
    for key, value in sorted((logs or {}).items()):
        if isinstance(value, dict):
            result.update(pythonify_logs(value))
        else:
            result[key] = _to_python(value)
    return result


def _flatten(callbacks) -> list:
    if callbacks is None:
        return []
    if isinstance(callbacks, (list, tuple)):
        return [cb for item in callbacks for cb in _flatten(item)]
    return [callbacks]


def _overrides(callback, name: str) -> bool:
    if not isinstance(callback, Callback):
        return hasattr(callback, name)  # duck-typed: assume it wants every hook it has
    if name in vars(callback):  # set on the instance, e.g. by LambdaCallback
        return True
    return getattr(type(callback), name) is not getattr(Callback, name)


class CallbackList(Callback):
    """A container that forwards every hook to each of its callbacks.

    Args:
        callbacks: a list of ``Callback`` instances (nested lists are flattened).
        add_history: append a ``History`` unless one is already in the list.
        add_progbar: append a ``ProgbarLogger`` unless one is already in the list.
        model: the model, given to each callback with ``set_model``.
        **params: given to each callback with ``set_params`` (``verbose``, ``epochs``,
            ``steps``).

    If you add callbacks after construction, use ``append`` (or assign ``callbacks``
    before ``on_train_begin``) so the per-batch dispatch tables see them.
    """

    def __init__(self, callbacks=None, add_history=False, add_progbar=False, model=None, **params):
        super().__init__()
        self.callbacks = _flatten(callbacks)
        self._history = next((c for c in self.callbacks if isinstance(c, History)), None)
        self._progbar = next((c for c in self.callbacks if isinstance(c, ProgbarLogger)), None)
        if self._history is None and add_history:
            self._history = History()
            self.callbacks.append(self._history)
        if self._progbar is None and add_progbar:
            self._progbar = ProgbarLogger()
            self.callbacks.append(self._progbar)
        self.set_model(model)
        self.set_params(params)
        self._plan_batch_hooks()

    def append(self, callback) -> None:
        """Add a callback at the end."""
        self.callbacks.append(callback)
        if self._model is not None:
            callback.set_model(self._model)
        if self.params:
            callback.set_params(self.params)
        self._plan_batch_hooks()

    def set_params(self, params):
        self.params = params
        if params:
            for callback in self.callbacks:
                callback.set_params(params)

    def set_model(self, model):
        if model is None:
            return
        super().set_model(model)
        if self._history is not None:
            model.history = self._history
        for callback in self.callbacks:
            callback.set_model(model)

    def _plan_batch_hooks(self):
        # For each batch hook: the callbacks to call, and whether any needs float logs.
        self._batch_plan = {}
        for hook, alias in _BATCH_HOOKS.items():
            targets = [
                cb
                for cb in self.callbacks
                if _overrides(cb, hook) or (alias is not None and _overrides(cb, alias))
            ]
            eager = any(not getattr(cb, "_accepts_raw_batch_logs", False) for cb in targets)
            self._batch_plan[hook] = (targets, eager)

    def _dispatch_batch(self, hook, batch, logs):
        targets, eager = self._batch_plan[hook]
        if not targets:
            return
        logs = pythonify_logs(logs) if eager else (logs if logs is not None else {})
        for callback in targets:
            getattr(callback, hook)(batch, logs)

    def _dispatch(self, hook, logs):
        logs = pythonify_logs(logs)
        for callback in self.callbacks:
            getattr(callback, hook)(logs)

    # -- batch hooks --------------------------------------------------------------------------

    def on_batch_begin(self, batch, logs=None):
        self._dispatch_batch("on_batch_begin", batch, logs)

    def on_batch_end(self, batch, logs=None):
        self._dispatch_batch("on_batch_end", batch, logs)

    def on_train_batch_begin(self, batch, logs=None):
        self._dispatch_batch("on_train_batch_begin", batch, logs)

    def on_train_batch_end(self, batch, logs=None):
        self._dispatch_batch("on_train_batch_end", batch, logs)

    def on_test_batch_begin(self, batch, logs=None):
        self._dispatch_batch("on_test_batch_begin", batch, logs)

    def on_test_batch_end(self, batch, logs=None):
        self._dispatch_batch("on_test_batch_end", batch, logs)

    def on_predict_batch_begin(self, batch, logs=None):
        self._dispatch_batch("on_predict_batch_begin", batch, logs)

    def on_predict_batch_end(self, batch, logs=None):
        self._dispatch_batch("on_predict_batch_end", batch, logs)

    # -- epoch and run hooks --------------------------------------------------------------------

    def on_epoch_begin(self, epoch, logs=None):
        logs = pythonify_logs(logs)
        for callback in self.callbacks:
            callback.on_epoch_begin(epoch, logs)

    def on_epoch_end(self, epoch, logs=None):
        logs = pythonify_logs(logs)
        for callback in self.callbacks:
            callback.on_epoch_end(epoch, logs)

    def on_train_begin(self, logs=None):
        self._plan_batch_hooks()  # in case callbacks changed since construction
        self._dispatch("on_train_begin", logs)

    def on_train_end(self, logs=None):
        self._dispatch("on_train_end", logs)

    def on_test_begin(self, logs=None):
        self._plan_batch_hooks()
        self._dispatch("on_test_begin", logs)

    def on_test_end(self, logs=None):
        self._dispatch("on_test_end", logs)

    def on_predict_begin(self, logs=None):
        self._plan_batch_hooks()
        self._dispatch("on_predict_begin", logs)

    def on_predict_end(self, logs=None):
        self._dispatch("on_predict_end", logs)
