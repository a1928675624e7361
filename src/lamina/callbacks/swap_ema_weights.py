"""``SwapEMAWeights``: evaluate and predict with the optimizer's moving-average weights."""

from __future__ import annotations

from lamina.callbacks.callback import Callback


class SwapEMAWeights(Callback):
    """Put the EMA weights (``use_ema=True`` optimizers) in the model for evaluation.

    During ``evaluate``/``predict`` (and validation, when the trainer calls the test hooks)
    the model holds the moving averages, and its own weights come back afterwards. With
    ``swap_on_epoch=True`` the averages are also swapped in at each epoch end, so callbacks
    after this one (e.g. ``ModelCheckpoint``) see them, and swapped out at the next epoch.

    >>> model.compile(optimizer=Adam(use_ema=True), loss="mse")          # doctest: +SKIP
    >>> model.fit(x, y, validation_data=(vx, vy), callbacks=[SwapEMAWeights()])  # doctest: +SKIP
    """

    def __init__(self, swap_on_epoch=False):
        super().__init__()
        self.swap_on_epoch = swap_on_epoch
        self._ema_weights_in_model = False

    def _ema_optimizers(self):
        optimizer = self.model.optimizer
        optimizer = getattr(optimizer, "inner_optimizer", optimizer)  # LossScaleOptimizer
        inner = getattr(optimizer, "optimizers", None)
        if inner:
            found = [o for o in inner if getattr(o, "use_ema", False)]
            if not found:
                raise ValueError(
                    "SwapEMAWeights must be used when at least one inner optimizer has "
                    "`use_ema=True` set. Received a MultiOptimizer with all inner optimizers "
                    "having `use_ema=False`."
                )
        else:
            found = [optimizer]
        for opt in found:
            if not hasattr(opt, "_model_variables_moving_average"):
                raise ValueError(
                    "SwapEMAWeights must be used when `use_ema=True` is set on the optimizer. "
                    f"Received: use_ema={getattr(opt, 'use_ema', None)}"
                )
        return found

    def _swap_variables(self):
        for opt in self._ema_optimizers():
            for var, average in zip(opt._trainable_variables, opt._model_variables_moving_average):
                value = var.numpy().copy()
                var.assign(average)
                average.assign(value)

    def _finalize_ema_values(self):
        for opt in self._ema_optimizers():
            for var, average in zip(opt._trainable_variables, opt._model_variables_moving_average):
                average.assign(var)

    def on_epoch_begin(self, epoch, logs=None):
        if self.swap_on_epoch and self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = False

    def on_epoch_end(self, epoch, logs=None):
        if self.swap_on_epoch and not self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = True
            # fit ends with finalize_variable_values (averages -> model); after the last
            # swap the averages slot holds the raw weights, so put the averages back there.
            if epoch == self.params["epochs"] - 1:
                self._finalize_ema_values()

    def on_test_begin(self, logs=None):
        if not self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = True

    def on_test_end(self, logs=None):
        if self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = False

    def on_predict_begin(self, logs=None):
        if not self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = True

    def on_predict_end(self, logs=None):
        # Keras 3.15 tests `not self._ema_weights_in_model` here and so leaves the averages
        # in the model after predict(); lamina swaps the model's own weights back.
        if self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = False
