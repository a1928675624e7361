"""The ``Callback`` base class: hooks the trainer calls around training, evaluation, prediction.

>>> class PrintLoss(Callback):
...     def on_epoch_end(self, epoch, logs=None):
...         print(epoch, logs["loss"])

Subclass it and override the hooks you need; each receives a ``logs`` dict of metric values.
Hooks a callback does not override cost nothing per batch: ``CallbackList`` skips them.
"""

from __future__ import annotations


class Callback:
    """Base class for callbacks passed to ``fit``, ``evaluate`` and ``predict``.

    Attributes:
        params: dict of training parameters (``verbose``, ``epochs``, ``steps``).
        model: the model being trained (set by the trainer through ``set_model``).

    The model seen here is whatever the trainer passes: it has ``stop_training``,
    ``get_weights``/``set_weights`` and ``save``/``save_weights``.
    """

    # Callbacks that read batch logs only lazily (the progress bar, History) set this, so
    # CallbackList need not convert backend tensors to floats on every batch for them.
    _accepts_raw_batch_logs = False
    # Keras 2 gave callbacks fit's validation arrays here ([x, y, sample_weight]); fit still
    # does for arrays, None otherwise (tf.keras 2 always left it None)
    validation_data = None

    def __init__(self):
        self.params = None
        self._model = None

    def set_params(self, params):
        self.params = params

    def set_model(self, model):
        self._model = model

    @property
    def model(self):
        model = self._model
        # Under torch DistributedDataParallel the trainer may hold the wrapper; callbacks
        # want the user's model (its weights, stop_training flag, save methods).
        if model is not None and type(model).__name__ == "DistributedDataParallel":
            return model.module
        return model

    @model.setter
    def model(self, model):
        # Keras 2 callbacks assign it in their own set_model (`self.model = model`)
        self._model = model

    # Keras 2 names for the training-batch hooks; the train hooks below call them.
    def on_batch_begin(self, batch, logs=None):
        """Called at the start of a training batch (alias of ``on_train_batch_begin``)."""

    def on_batch_end(self, batch, logs=None):
        """Called at the end of a training batch (alias of ``on_train_batch_end``)."""

    def on_epoch_begin(self, epoch, logs=None):
        """Called at the start of an epoch (training only)."""

    def on_epoch_end(self, epoch, logs=None):
        """Called at the end of an epoch with the epoch's metrics, ``val_`` ones included."""

    def on_train_batch_begin(self, batch, logs=None):
        """Called at the start of a training batch in ``fit``."""
        self.on_batch_begin(batch, logs)

    def on_train_batch_end(self, batch, logs=None):
        """Called at the end of a training batch with the running metric values."""
        self.on_batch_end(batch, logs)

    def on_test_batch_begin(self, batch, logs=None):
        """Called at the start of a batch in ``evaluate`` (and validation in ``fit``)."""

    def on_test_batch_end(self, batch, logs=None):
        """Called at the end of a batch in ``evaluate`` (and validation in ``fit``)."""

    def on_predict_batch_begin(self, batch, logs=None):
        """Called at the start of a batch in ``predict``."""

    def on_predict_batch_end(self, batch, logs=None):
        """Called at the end of a batch in ``predict``; ``logs["outputs"]`` holds the batch."""

    def on_train_begin(self, logs=None):
        """Called at the start of ``fit``."""

    def on_train_end(self, logs=None):
        """Called at the end of ``fit``."""

    def on_test_begin(self, logs=None):
        """Called at the start of ``evaluate`` (and of validation in ``fit``)."""

    def on_test_end(self, logs=None):
        """Called at the end of ``evaluate`` (and of validation in ``fit``)."""

    def on_predict_begin(self, logs=None):
        """Called at the start of ``predict``."""

    def on_predict_end(self, logs=None):
        """Called at the end of ``predict``."""
