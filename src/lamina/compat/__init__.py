"""Keras 2 spellings, as thin aliases over the modern API (DESIGN rule 12).

Importing this package registers the keyword translations (``fit(nb_epoch=)``) with the
trainer and adds the Keras 2 generator methods to Model; ``keras_alias`` serves
``import keras`` from lamina for ``lamina run``.
"""

import warnings

from lamina.compat import layers as _layers  # noqa: F401  (Keras 2 layer names)
from lamina.backend import core
from lamina.training import trainer as _trainer


def _translate_fit_kwargs(kwargs):
    """``fit(nb_epoch=N)`` -> ``epochs=N`` (Keras 1/2)."""
    kwargs = dict(kwargs)
    translated = {}
    if "nb_epoch" in kwargs:
        warnings.warn("fit(nb_epoch=...) is the Keras 1 spelling of epochs=...", DeprecationWarning,
                      stacklevel=3)
        translated["epochs"] = kwargs.pop("nb_epoch")
    return kwargs, translated


_trainer.LEGACY_KWARGS["fit"] = _translate_fit_kwargs

# Keras 2 generator methods: fit/evaluate/predict take generators themselves now.
_GENERATOR_ONLY = ("workers", "use_multiprocessing", "max_queue_size")


def _drop_worker_args(kwargs):
    return {k: v for k, v in kwargs.items() if k not in _GENERATOR_ONLY}


def fit_generator(self, generator, steps_per_epoch=None, epochs=1, **kwargs):
    """Keras 2's ``fit_generator``: now ``fit(generator, ...)``."""
    warnings.warn("fit_generator is deprecated: call fit(generator, ...)", DeprecationWarning,
                  stacklevel=2)
    return self.fit(generator, steps_per_epoch=steps_per_epoch, epochs=epochs,
                    **_drop_worker_args(kwargs))


def evaluate_generator(self, generator, steps=None, **kwargs):
    """Keras 2's ``evaluate_generator``: now ``evaluate(generator, ...)``."""
    warnings.warn("evaluate_generator is deprecated: call evaluate(generator, ...)",
                  DeprecationWarning, stacklevel=2)
    return self.evaluate(generator, steps=steps, **_drop_worker_args(kwargs))


def predict_generator(self, generator, steps=None, **kwargs):
    """Keras 2's ``predict_generator``: now ``predict(generator, ...)``."""
    warnings.warn("predict_generator is deprecated: call predict(generator, ...)",
                  DeprecationWarning, stacklevel=2)
    return self.predict(generator, steps=steps, **_drop_worker_args(kwargs))


_trainer.Trainer.fit_generator = fit_generator
_trainer.Trainer.evaluate_generator = evaluate_generator
_trainer.Trainer.predict_generator = predict_generator


# Keras 2.6 removed Sequential.predict_classes / predict_proba. Old scripts still call them:
# fail as Keras does (AttributeError, so hasattr() stays False), but name the replacement. The
# check sits in __getattr__ (reached only for missing names): torch.nn.Module.__getattr__ would
# replace the message of an AttributeError raised by a property.
_REMOVED_METHODS = {
    "predict_classes": (
        "`np.argmax(model.predict(x), axis=-1)` for a softmax output, or "
        "`(model.predict(x) > 0.5).astype('int32')` for a sigmoid output"
    ),
    "predict_proba": "`model.predict(x)` (it returns the probabilities)",
}


def _trainer_getattr(self, name):
    if name in _REMOVED_METHODS:
        raise AttributeError(
            f"'{type(self).__name__}' object has no attribute '{name}': Keras 2.6 removed "
            f"`{name}()`; use {_REMOVED_METHODS[name]} instead."
        )
    # the base class's own (torch.nn.Module's: sub-layers and parameters), looked up now
    return super(_trainer.Trainer, self).__getattr__(name)


_trainer.Trainer.__getattr__ = _trainer_getattr


# tf.keras 2's custom train_step reads `self.compiled_loss(y, y_pred,
# regularization_losses=self.losses)` and `self.compiled_metrics.update_state(y, y_pred)`;
# Keras 3 has compute_loss/compute_metrics instead. Both are thin views over those.
class _CompiledLoss:
    """``model.compiled_loss``: the compiled losses of a batch, tracked as tf.keras 2 did."""

    def __init__(self, model):
        self._model = model

    def __call__(self, y_true, y_pred, sample_weight=None, regularization_losses=None):
        model = self._model
        model._build_compiled(y_true, y_pred)
        total = None
        if model._compile_loss is not None:
            total, _ = model._compile_loss(y_true, y_pred, sample_weight)
        for term in regularization_losses or ():
            total = term if total is None else total + term
        if total is None:
            raise ValueError(f"Model '{model.name}' has no compiled loss: pass loss= to "
                             "compile()")
        if model._loss_tracker is not None:
            with core.no_grad():
                model._loss_tracker.update_state(total.detach(),
                                                 sample_weight=int(y_pred.shape[0]))
        return total

    @property
    def metrics(self):
        return [self._model._loss_tracker] if self._model._loss_tracker is not None else []


class _CompiledMetrics:
    """``model.compiled_metrics``: update and read the compiled metrics (tf.keras 2)."""

    def __init__(self, model):
        self._model = model

    def update_state(self, y_true, y_pred, sample_weight=None):
        model = self._model
        if not model._compile_metrics.built:
            model._build_compiled(y_true, y_pred)
        with core.no_grad():
            model._compile_metrics.update_state(y_true, y_pred, sample_weight)

    def reset_state(self):
        for metric in self.metrics:
            metric.reset_state()

    @property
    def metrics(self):
        compiled = self._model._compile_metrics
        return list(compiled.metrics) if compiled is not None and compiled.built else []


_trainer.Trainer.compiled_loss = property(lambda self: _CompiledLoss(self))
_trainer.Trainer.compiled_metrics = property(lambda self: _CompiledMetrics(self))


# tf.keras 2's Metric.reset_states (Keras 3 keeps reset_state only).
def _metric_reset_states(self):
    """tf.keras 2's ``metric.reset_states()``: now ``reset_state()``."""
    warnings.warn("Metric.reset_states() is deprecated: call reset_state()", DeprecationWarning,
                  stacklevel=2)
    return self.reset_state()


def _install_metric_aliases():
    from lamina.metrics.metric import Metric

    if not hasattr(Metric, "reset_states"):
        Metric.reset_states = _metric_reset_states


_install_metric_aliases()


# tf.keras 2's Layer.add_metric(value, name=None): Keras 3 dropped it. A value computed by a
# metric the model holds as an attribute is reported already (Trainer.metrics lists those);
# a named value is averaged over the epoch in a Mean metric of that name, as tf.keras did.
def _add_metric(self, value, name=None, aggregation=None):
    """tf.keras 2's ``add_metric``: report ``value`` (averaged per epoch) as ``name``."""
    from lamina import metrics as metrics_module

    if aggregation not in (None, "mean"):
        raise ValueError(f"add_metric: aggregation={aggregation!r} is not supported "
                         "(only 'mean', as tf.keras 2)")
    held = [v for v in self.__dict__.values() if isinstance(v, metrics_module.Metric)]
    if name is None:
        if held:
            return  # the value of a held metric's call: that metric is reported
        raise ValueError("add_metric: give the metric a name, e.g. "
                         "self.add_metric(tf.reduce_sum(inputs), name='mean_activation')")
    tracker = self.__dict__.get(f"_added_metric_{name}")
    if tracker is None:
        tracker = metrics_module.Mean(name=name)
        self.__dict__[f"_added_metric_{name}"] = tracker
    tracker.update_state(value)


def _install_layer_aliases():
    from lamina.layers.layer import Layer

    if not hasattr(Layer, "add_metric"):
        Layer.add_metric = _add_metric


_install_layer_aliases()
