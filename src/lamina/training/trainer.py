"""compile / fit / evaluate / predict: Keras' training loop, built for speed.

One step = forward, loss, gradients, optimizer update and metric update. Data go to the
device once per fit (see data_adapters); metric values stay on the device and are read only
when something asks for them (the progress bar at its redraws, History at epoch end), so the
loop does not stop to synchronise after every batch.
"""

from __future__ import annotations

import functools
import inspect
import warnings

import numpy as np

from lamina import callbacks as callbacks_module
from lamina import config as lamina_config
from lamina.callbacks import terminate_on_nan
from lamina import metrics as metrics_module
from lamina import optimizers as optimizers_module
from lamina.backend import core as backend
from lamina.backend import train_step as backend_train
from lamina.layers.layer import CALL_CONTEXT, _flatten
from lamina.training import data_adapters
from lamina.training.compile_utils import CompileLoss, CompileMetrics

# Keras 2 keyword spellings, filled in by lamina.compat (a floor above): name -> translator
LEGACY_KWARGS: dict = {}


class _LazyLogs(dict):
    """Batch logs that read metric values only when a callback looks at them."""

    def __init__(self, trainer):
        super().__init__()
        self._trainer = trainer
        self._filled = False

    def _fill(self):
        if not self._filled:
            self._filled = True
            dict.update(self, self._trainer._metric_results())

    def __getitem__(self, key):
        self._fill()
        return dict.__getitem__(self, key)

    def get(self, key, default=None):
        self._fill()
        return dict.get(self, key, default)

    def __contains__(self, key):
        self._fill()
        return dict.__contains__(self, key)

    def __iter__(self):
        self._fill()
        return dict.__iter__(self)

    def __len__(self):
        self._fill()
        return dict.__len__(self)

    def keys(self):
        self._fill()
        return dict.keys(self)

    def items(self):
        self._fill()
        return dict.items(self)

    def values(self):
        self._fill()
        return dict.values(self)

    def copy(self):
        self._fill()
        return dict(self)


class Trainer:
    """The training half of Model."""

    def __init__(self):
        self.compiled = False
        self.optimizer = None
        self.stop_training = False
        self.history = None
        self._compile_loss = None
        self._compile_metrics = None
        self._loss_tracker = None
        self._compile_config = None
        self.loss = None

    # -- compile ----------------------------------------------------------------------------

    def compile(self, optimizer="rmsprop", loss=None, loss_weights=None, metrics=None,
                weighted_metrics=None, run_eagerly=False, steps_per_execution=1,
                jit_compile="auto", auto_scale_loss=True, **kwargs):
        """Configure the model for training: optimizer, loss and metrics.

        >>> import lamina
        >>> model = lamina.Sequential([lamina.layers.Dense(1, input_shape=(3,))])
        >>> model.compile(optimizer="adam", loss="mse", metrics=["mae"])
        """
        for key, translate in LEGACY_KWARGS.items():
            if key.startswith("compile.") and key[8:] in kwargs:
                translate(kwargs)
        if kwargs:
            raise TypeError(f"compile: unexpected keyword argument(s) {sorted(kwargs)}")
        if not isinstance(steps_per_execution, int) or steps_per_execution < 1:
            raise ValueError(
                f"compile: steps_per_execution must be a positive integer, got {steps_per_execution!r}"
            )
        self.optimizer = optimizers_module.get(optimizer)
        lso = getattr(optimizers_module, "LossScaleOptimizer", None)
        if (auto_scale_loss and lso is not None and self._dtype_policy_name == "mixed_float16"
                and not isinstance(self.optimizer, lso)):
            self.optimizer = lso(self.optimizer)  # float16 gradients need loss scaling
        self._compile_loss = CompileLoss(loss, loss_weights) if loss is not None else None
        if self._compile_loss is not None:
            loss = self._compile_loss.loss  # saved loss configs made objects, as Keras loads them
        self._compile_metrics = CompileMetrics(metrics, weighted_metrics, loss=loss)
        self._loss_tracker = metrics_module.Mean(name="loss")
        self.loss = loss
        self.run_eagerly = bool(run_eagerly)
        self.jit_compile = jit_compile
        self.steps_per_execution = steps_per_execution
        self.compiled = True
        self._compile_config = {
            "optimizer": optimizer if isinstance(optimizer, str)
            else optimizers_module.serialize(self.optimizer),
            "loss": _serializable(loss),
            "loss_weights": loss_weights,
            "metrics": _serializable(metrics),
            "weighted_metrics": _serializable(weighted_metrics),
            "run_eagerly": bool(run_eagerly),
            "steps_per_execution": steps_per_execution,
            "jit_compile": jit_compile,
        }
        self._compiled_fn = None

    def get_compile_config(self):
        if not self.compiled:
            return None
        cfg = dict(self._compile_config)
        cfg["optimizer"] = optimizers_module.serialize(self.optimizer)
        return cfg

    @property
    def metrics(self):
        out = []
        if self._loss_tracker is not None:
            out.append(self._loss_tracker)
        if self._compile_metrics is not None and self._compile_metrics.built:
            out.extend(self._compile_metrics.metrics)
        if self._compile_loss is not None and self._compile_loss.built:
            out.extend(self._compile_loss.metrics)
        seen = {id(m) for m in out}
        for m in self._held_metrics():
            if id(m) not in seen:
                seen.add(id(m))
                out.append(m)
        return out

    def _held_metrics(self):
        """Metrics a subclassed model holds as attributes (`self.tracker = Mean(name=...)`,
        updated in call or train_step): reported and reset too, as in Keras."""
        return [v for v in self.__dict__.values() if isinstance(v, metrics_module.Metric)]

    @property
    def metrics_names(self):
        """Names in the order of ``evaluate()``'s list, so ``zip(names, values)`` pairs up
        (as in Keras 2; Keras 3 returns ``['loss', 'compile_metrics']`` here)."""
        return self._keys_in_order([getattr(m, "_lamina_log_name", m.name) for m in self.metrics])

    def _keys_in_order(self, keys):
        """Keras' order for evaluate()'s list (``Trainer._flatten_metrics_in_order``): first
        the log keys that equal the *name* of a metric in ``self.metrics`` (the loss, each
        compiled metric under its own name, the per-output losses), in that order and once
        per metric, then the other keys, sorted."""
        names = [m.name for m in self.metrics]
        keys = list(keys)
        return [n for n in names if n in keys] + sorted(k for k in keys if k not in names)

    def _ordered_values(self, logs):
        values = [logs[k] for k in self._keys_in_order(logs)]
        return values[0] if len(values) == 1 else values

    def _require_compiled(self, what):
        if not self.compiled:
            raise RuntimeError(
                f"You must call compile() on model '{self.name}' before {what}(): it needs an "
                "optimizer and a loss, e.g. model.compile(optimizer='adam', loss='mse')."
            )

    # -- the steps --------------------------------------------------------------------------

    def _all_layers(self):
        out, stack, seen = [], [self], set()
        while stack:
            layer = stack.pop()
            if id(layer) in seen:
                continue
            seen.add(id(layer))
            out.append(layer)
            stack.extend(layer._sublayers())
        return out

    def _prepare(self):
        """Per-fit caches: trainable variables, regularized variables, constrained variables."""
        layers = self._all_layers()
        self._layers_cache = layers
        self._trainable_cache = self.trainable_weights
        # jit_compile=True compiles forward, loss and metric updates (the engine compiles
        # their backward too). "auto" stays eager, as Keras on torch does: on the seeds' models
        # (2 CPU cores) a compiled step is 1.05-1.1x faster but the compile costs 3-20 s, so it
        # pays only for long runs, and choosing by timing would make two runs differ.
        if self.compiled and self.jit_compile is True and not self.run_eagerly:
            if getattr(self, "_compiled_fn", None) is None:
                self._compiled_fn = backend_train.compile_function(self._forward_and_loss)
            self._forward_loss = self._compiled_fn
        else:
            self._forward_loss = self._forward_and_loss
        self._scales_loss = self.optimizer is not None and (
            getattr(self.optimizer, "loss_scale_factor", None) is not None
            or type(self.optimizer).__name__ == "LossScaleOptimizer"
        )
        self._regularized = [
            (v, v._lamina_regularizer) for v in self.weights
            if getattr(v, "_lamina_regularizer", None) is not None
        ]

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """The total loss for a batch: compiled losses, weight penalties and added losses."""
        total = None
        if y is None and self._compile_loss is not None:
            self._missing_targets()
        if y_pred is not None and not self._compile_metrics.built:
            self._build_compiled(y, y_pred)
        if self._compile_loss is not None:
            total, parts = self._compile_loss(y, y_pred, sample_weight)
            if parts is not None:
                with backend.no_grad():
                    self._compile_loss.update_trackers(
                        [p.detach() if p is not None else None for p in parts], _batch_size(x))
        extra = []
        for layer in self._layers_cache:
            if layer._losses:
                extra.extend(layer._losses)
        for v, reg in self._regularized:
            if v.trainable:
                extra.append(reg(v))
        for term in extra:
            total = term if total is None else total + term
        if total is None:
            raise ValueError(
                f"Model '{self.name}' has no loss to minimise: pass loss= to compile() or call "
                "add_loss() in a layer."
            )
        return total

    def _missing_targets(self):
        raise ValueError(
            f"Model '{self.name}' was compiled with a loss, which compares predictions with "
            "targets, but no targets were given: pass `y` to fit/evaluate (or data that yields "
            "(x, y) batches); for an autoencoder, pass the inputs as `y` too."
        )

    def _build_compiled(self, y, y_pred):
        if y is None and self._compile_loss is not None:
            self._missing_targets()
        if self._compile_loss is not None and not self._compile_loss.built:
            self._compile_loss.build(self, y, y_pred)
        if not self._compile_metrics.built:
            self._compile_metrics.build(self, y, y_pred)

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        """Update the compiled metrics with a batch and return all metric results."""
        if not self._compile_metrics.built:
            self._build_compiled(y, y_pred)
        with backend.no_grad():
            self._compile_metrics.update_state(y, y_pred, sample_weight)
        return self.get_metrics_result()

    def get_metrics_result(self):
        """The current value of every metric, by name."""
        return self._metric_results()

    def train_step(self, data):
        """One training step on ``(x, y, sample_weight)``; returns nothing (metrics update).

        Override it to customise training (as in Keras' guides); an override receives
        ``(x, y)`` or ``(x, y, sample_weight)`` and returns a dict of logs.
        """
        x, y, sw = _unpack(data)
        if not self._compile_metrics.built:
            with backend.no_grad():
                self._build_compiled(y, self(x, training=False))
            for m in self._held_metrics():  # that forward pass only built the losses
                m.reset_state()
        loss = self._forward_loss(x, y, sw)
        variables = self._trainable_cache
        if variables:
            scaled = self.optimizer.scale_loss(loss) if self._scales_loss else loss
            grads = backend_train.gradients(scaled, variables)
            self.optimizer.apply(grads, variables)

    def _forward_and_loss(self, x, y, sw):
        """Forward pass, loss and metric updates of a training step: the part ``jit_compile``
        compiles (with the backward pass the engine derives from it)."""
        CALL_CONTEXT.training = True
        try:
            y_pred = self(x, training=True)
        finally:
            CALL_CONTEXT.training = None
        loss = self._compute_loss(x, y, y_pred, sw, training=True)
        with backend.no_grad():
            self._loss_tracker.update_state(loss.detach(), sample_weight=_batch_size(x))
            self._compile_metrics.update_state(y, y_pred.detach() if backend.is_tensor(y_pred)
                                               else y_pred, sw)
        return loss

    def _compute_loss(self, x, y, y_pred, sw, training):
        """``compute_loss`` with ``training`` passed on, as Keras does; an override written
        before Keras 3.3 takes no ``training`` and is called without it."""
        if _takes_training(type(self).compute_loss):
            return self.compute_loss(x, y, y_pred, sw, training=training)
        return self.compute_loss(x, y, y_pred, sw)

    def test_step(self, data):
        x, y, sw = _unpack(data)
        with backend.no_grad():
            y_pred = self(x, training=False)
            if not self._compile_metrics.built:
                self._build_compiled(y, y_pred)
            loss = self._compute_loss(x, y, y_pred, sw, training=False)
            self._loss_tracker.update_state(loss, sample_weight=_batch_size(x))
            self._compile_metrics.update_state(y, y_pred, sw)

    def predict_step(self, data):
        x = _unpack(data)[0]
        with backend.no_grad():
            return self(x, training=False)

    def _metric_results(self):
        out = {}
        for m in self.metrics:
            out[getattr(m, "_lamina_log_name", m.name)] = m.result()
        return out

    def _python_logs(self, prefix=""):
        """The metric values as Python floats, keys sorted as Keras sorts them."""
        results = self._metric_results()
        return {prefix + k: _python_value(results[k]) for k in sorted(results)}

    def reset_metrics(self):
        for m in self.metrics:
            m.reset_state()

    # -- input checks -------------------------------------------------------------------------

    def _ensure_built(self, x):
        """Build a model that has not seen data yet by running it on two samples of ``x``."""
        if self.built and self.weights_ready():
            return
        sample = data_adapters.head_batch(x, 2)
        with backend.no_grad():
            self(sample, training=False)
        self._clear_layer_losses_all()

    def weights_ready(self):
        return all(layer.built for layer in self._all_layers())

    def _clear_layer_losses_all(self):
        for layer in self._all_layers():
            layer._losses.clear()

    def _check_inputs(self, x):
        """Refuse data whose shape the model's inputs cannot take, before any step runs."""
        inputs = getattr(self, "inputs", None)
        if not inputs:
            return
        given = _flatten(x) if not isinstance(x, dict) else None
        if given is None and hasattr(self, "_flatten_inputs"):  # a dict, by input name
            try:
                given = self._flatten_inputs(x)
            except (KeyError, ValueError):
                return  # the model's call names what is missing
            _refuse_strings_for_numbers(self, inputs, given)
            return
        if given is None or len(given) != len(inputs):
            return
        _refuse_strings_for_numbers(self, inputs, given)
        # a functional model adjusts a rank off by one around a last axis of 1 (Keras' rule)
        adjusts = hasattr(self, "_adjust_ranks")
        for i, (spec, arr) in enumerate(zip(inputs, given)):
            shape = tuple(arr.shape)
            want = spec.shape
            if adjusts and want and want[-1] == 1 and len(shape) == len(want) - 1:
                shape = shape + (1,)
            elif adjusts and shape and shape[-1] == 1 and len(shape) == len(want) + 1:
                shape = shape[:-1]
            ok = len(shape) == len(want) and all(
                w is None or w == s for w, s in zip(want[1:], shape[1:])
            )
            if not ok:
                layer = _first_consumer(self, spec)
                raise ValueError(
                    f"Input {i} of layer '{layer}' is incompatible with the layer: expected "
                    f"shape={want}, found shape={(None,) + shape[1:]} (data of shape {shape}). "
                    "Reshape the data (e.g. x.reshape(len(x), -1) for a Dense input) or change "
                    "the model's input shape."
                )

    # -- fit ----------------------------------------------------------------------------------

    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            validation_batch_size=None, validation_freq=1, **kwargs):
        """Train for ``epochs`` epochs; returns a ``History``.

        >>> import numpy as np, lamina
        >>> model = lamina.Sequential([lamina.layers.Dense(1, input_shape=(3,))])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> history = model.fit(np.ones((8, 3)), np.ones((8, 1)), epochs=2, verbose=0)
        >>> len(history.history["loss"])
        2
        """
        legacy = LEGACY_KWARGS.get("fit")
        if kwargs and legacy is not None:
            kwargs, translated = legacy(kwargs)
            epochs = translated.get("epochs", epochs)
        if kwargs:
            raise TypeError(f"fit: unexpected keyword argument(s) {sorted(kwargs)}")
        self._require_compiled("fit")
        max_epochs = lamina_config.max_epochs()  # keras.config.set_max_epochs or the env var
        if max_epochs is not None:
            epochs = min(epochs, max_epochs)
        max_steps = lamina_config.max_steps_per_epoch()

        if validation_split and validation_data is None:
            (x, y, sample_weight), validation_data = data_adapters.split_validation(
                x, y, sample_weight, validation_split
            )
        adapter = data_adapters.make_adapter(
            x, y, sample_weight, batch_size=batch_size, shuffle=shuffle, steps=steps_per_epoch,
            class_weight=class_weight,
        )
        if isinstance(adapter, data_adapters.ArrayAdapter):
            self._ensure_built(adapter.x)
            self._check_inputs(adapter.x)
        steps = _cap_steps(adapter, max_steps)
        val_adapter = None
        if validation_data is not None:
            vx, vy, vw = data_adapters.unpack_validation_data(validation_data)
            val_adapter = data_adapters.make_adapter(
                vx, vy, vw, batch_size=validation_batch_size or batch_size,
                steps=validation_steps,
            )
            _cap_steps(val_adapter, max_steps)  # KERAS_MAX_STEPS_PER_EPOCH caps it too (Keras 3)

        verbose = _resolve_verbose(verbose)
        cbs = callbacks_module.CallbackList(
            callbacks, add_history=True, add_progbar=verbose != 0, model=self,
            verbose=verbose, epochs=epochs, steps=steps,
        )
        if isinstance(val_adapter, data_adapters.ArrayAdapter):
            for callback in cbs.callbacks:
                callback.validation_data = [vx, vy, vw]  # Keras 2's callback.validation_data
        self.stop_training = False
        self._initial_epoch = None
        self._initial_step = 0
        self._prepare()
        cbs.on_train_begin()
        # a callback (BackupAndRestore) may say where an interrupted run got to: an epoch, and
        # how many of its batches were already done
        initial_epoch = self._initial_epoch if self._initial_epoch is not None else initial_epoch
        skip, self._initial_step = self._initial_step, 0
        logs = {}
        spe = self.steps_per_execution
        custom = type(self).train_step is not Trainer.train_step
        nan_reported = False
        for epoch in range(initial_epoch, epochs):
            self.reset_metrics()
            cbs.on_epoch_begin(epoch)
            # torch modules inside layers (Dropout, BatchNorm2d) train as Keras' torch trainer
            # has them: train() for the epoch's steps, eval() for validation and after fit
            backend_train.set_training_mode(self, True)
            step_logs = None
            for step, batch in enumerate(adapter.epoch()):
                if skip:
                    if step < skip:
                        continue
                    skip = 0
                if step % spe == 0:
                    cbs.on_train_batch_begin(step)
                if not self._trainable_cache and not self.weights_ready():
                    self._ensure_built(batch[0])
                    self._prepare()
                self._last_batch = batch  # for the NaN report, which reads it only on failure
                if custom:
                    step_logs = self.train_step(_repack(batch))
                else:
                    self.train_step(batch)
                if (step + 1) % spe == 0:
                    cbs.on_train_batch_end(step, dict(step_logs) if step_logs else _LazyLogs(self))
                if self.stop_training:
                    break
            backend_train.set_training_mode(self, False)
            logs = _pythonify(step_logs) if step_logs else self._python_logs()
            if not nan_reported and not self.stop_training and _not_finite(logs.get("loss")):
                nan_reported = True
                warnings.warn(
                    f"Epoch {epoch + 1}: the training loss is {logs['loss']}. "
                    + terminate_on_nan.nonfinite_report(self, _adapter_data(adapter))
                    + " Pass callbacks=[keras.callbacks.TerminateOnNaN()] to stop at the first "
                    "such batch (it names the batch).", RuntimeWarning, stacklevel=2)
            if val_adapter is not None and _should_validate(epoch, validation_freq):
                # validation runs as Keras' does: through the test hooks of the same callbacks
                self.stop_evaluating = False
                cbs.on_test_begin()
                val_logs = self._evaluate_adapter(val_adapter, callbacks=cbs)
                cbs.on_test_end(val_logs)
                logs.update({"val_" + k: v for k, v in val_logs.items()})
            cbs.on_epoch_end(epoch, logs)
            if self.stop_training:
                break
        finalize = getattr(self.optimizer, "finalize_variable_values", None)
        if finalize is not None:  # e.g. use_ema: leave the averaged weights in the model
            finalize(self.trainable_weights)
        cbs.on_train_end(logs)
        return self.history

    def _evaluate_adapter(self, adapter, prefix="", callbacks=None):
        self.reset_metrics()
        custom = type(self).test_step is not Trainer.test_step
        step_logs = None
        for step, batch in enumerate(adapter.epoch()):
            if callbacks is not None:
                callbacks.on_test_batch_begin(step)
            if custom:
                step_logs = self.test_step(_repack(batch))
            else:
                self.test_step(batch)
            if callbacks is not None:
                callbacks.on_test_batch_end(step, dict(step_logs) if step_logs else _LazyLogs(self))
                if getattr(self, "stop_evaluating", False):  # a callback may end it early (Keras)
                    break
        if step_logs:
            return {prefix + k: v for k, v in _pythonify(step_logs).items()}
        return self._python_logs(prefix)

    # -- evaluate / predict -------------------------------------------------------------------

    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None,
                 steps=None, callbacks=None, return_dict=False, **kwargs):
        """Loss and metrics on the data: a list ``[loss, metric, ...]``, or a dict."""
        if kwargs:
            raise TypeError(f"evaluate: unexpected keyword argument(s) {sorted(kwargs)}")
        self._require_compiled("evaluate")
        adapter = data_adapters.make_adapter(x, y, sample_weight, batch_size=batch_size,
                                             steps=steps)
        if isinstance(adapter, data_adapters.ArrayAdapter):
            self._ensure_built(adapter.x)
            self._check_inputs(adapter.x)
        _cap_steps(adapter, lamina_config.max_steps_per_epoch())
        verbose = _resolve_verbose(verbose)
        cbs = callbacks_module.CallbackList(
            callbacks, add_progbar=verbose != 0, model=self, verbose=verbose, epochs=1,
            steps=adapter.steps,
        )
        self._prepare()
        backend_train.set_training_mode(self, False)
        self.stop_evaluating = False
        cbs.on_test_begin()
        logs = self._evaluate_adapter(adapter, callbacks=cbs)
        cbs.on_test_end(logs)
        if return_dict:
            return logs
        return self._ordered_values(logs)

    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
        """Model outputs for ``x``, batch by batch, as NumPy arrays."""
        adapter = data_adapters.make_adapter(x, None, None, batch_size=batch_size, steps=steps)
        if isinstance(adapter, data_adapters.ArrayAdapter):
            self._ensure_built(adapter.x)
            self._check_inputs(adapter.x)
        _cap_steps(adapter, lamina_config.max_steps_per_epoch())
        verbose = _resolve_verbose(verbose)
        cbs = callbacks_module.CallbackList(
            callbacks, add_progbar=verbose != 0, model=self, verbose=verbose, epochs=1,
            steps=adapter.steps,
        )
        backend_train.set_training_mode(self, False)
        self.stop_predicting = False
        custom = type(self).predict_step is not Trainer.predict_step
        cbs.on_predict_begin()
        outputs = []
        for step, batch in enumerate(adapter.epoch()):
            cbs.on_predict_batch_begin(step)
            out = self.predict_step(_repack(batch) if custom else batch)
            outputs.append(out)
            cbs.on_predict_batch_end(step, {"outputs": out})
            if self.stop_predicting:  # a callback may end prediction early (Keras)
                break
        cbs.on_predict_end()
        if not outputs:
            raise ValueError("predict: the data produced no batches")
        return _concat_outputs(outputs)

    # -- single batches -----------------------------------------------------------------------

    def _single_batch(self, x, y=None, sample_weight=None, class_weight=None):
        adapter = data_adapters.make_adapter(x, y, sample_weight, batch_size=None,
                                             class_weight=class_weight)
        adapter.batch_size = adapter.num_samples
        self._ensure_built(adapter.x)
        self._check_inputs(adapter.x)
        return next(iter(adapter.epoch()))

    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, return_dict=False):
        """One gradient update on this batch; returns the loss and metrics for it."""
        self._require_compiled("train_on_batch")
        batch = self._single_batch(x, y, sample_weight, class_weight)
        self._prepare()
        self.reset_metrics()
        self._set_mode(True)
        if type(self).train_step is not Trainer.train_step:
            return self._batch_result(return_dict, self.train_step(_repack(batch)))
        self.train_step(batch)
        return self._batch_result(return_dict)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        """Loss and metrics on this batch, without training."""
        self._require_compiled("test_on_batch")
        batch = self._single_batch(x, y, sample_weight)
        self._prepare()
        self.reset_metrics()
        self._set_mode(False)
        if type(self).test_step is not Trainer.test_step:
            return self._batch_result(return_dict, self.test_step(_repack(batch)))
        self.test_step(batch)
        return self._batch_result(return_dict)

    def predict_on_batch(self, x):
        """Model outputs for one batch, as NumPy arrays."""
        batch = self._single_batch(x)
        self._set_mode(False)
        if type(self).predict_step is not Trainer.predict_step:
            batch = _repack(batch)
        return _concat_outputs([self.predict_step(batch)])

    def _set_mode(self, training):
        # the *_on_batch calls run in loops: switch torch's mode only when it changes
        if getattr(self, "training", None) is not training:
            backend_train.set_training_mode(self, training)

    def _batch_result(self, return_dict, step_logs=None):
        logs = _pythonify(step_logs) if step_logs else self._python_logs()
        if return_dict:
            return logs
        return self._ordered_values(logs)


@functools.cache
def _takes_training(method) -> bool:
    params = inspect.signature(method).parameters
    return "training" in params or any(p.kind == p.VAR_KEYWORD for p in params.values())


def _unpack(data):
    """``(x, y, sample_weight)`` from a batch given as x, (x,), (x, y) or (x, y, w)."""
    if isinstance(data, tuple):
        if len(data) == 3:
            return data
        if len(data) == 2:
            return data[0], data[1], None
        if len(data) == 1:
            return data[0], None, None
    return data, None, None


def _repack(batch):
    """The batch as Keras hands it to an overridden step: (x, y), (x, y, w), or x alone when
    there is no target (``(x,)`` only when x is itself a tuple or list), as Keras'
    ``pack_x_y_sample_weight`` does, so ``train_step(self, data)`` of an autoencoder gets the
    images themselves."""
    x, y, sw = batch
    if sw is not None:
        return x, y, sw
    if y is not None:
        return x, y
    return (x,) if isinstance(x, (tuple, list)) else x


def _pythonify(logs):
    out = {}
    for k in sorted(logs):
        v = logs[k]
        out[k] = _python_value(v) if backend.is_tensor(v) else v
    return out


def _python_value(value):
    """A metric's value for the logs: a float, or (for per-class metrics such as
    F1Score(average=None)) a NumPy array, as Keras logs them."""
    array = backend.convert_to_numpy(value) if backend.is_tensor(value) else np.asarray(value)
    return float(array) if array.ndim == 0 else array


def _cap_steps(adapter, max_steps):
    """Apply ``max_steps_per_epoch`` (``KERAS_MAX_STEPS_PER_EPOCH``) to an adapter's steps."""
    steps = adapter.steps
    if max_steps is not None:
        steps = min(steps, max_steps) if steps else max_steps
        adapter._steps = steps
    return steps


def _adapter_data(adapter):
    """(x, y, sample_weight) of an array adapter (the whole data set), else None."""
    if not isinstance(adapter, data_adapters.ArrayAdapter):
        return None
    return adapter.x, adapter.y, getattr(adapter, "sample_weight", None)


def _not_finite(value) -> bool:
    try:
        return value is not None and not np.isfinite(np.asarray(value, dtype="float64")).all()
    except (TypeError, ValueError):
        return False


def _should_validate(epoch, freq):
    if isinstance(freq, int):
        return (epoch + 1) % freq == 0
    return (epoch + 1) in freq


def _batch_size(x):
    return _flatten(x)[0].shape[0]


def _refuse_strings_for_numbers(model, inputs, given):
    """String arrays reach only inputs that feed string-taking layers (StringLookup,
    TextVectorization, Hashing, ...); a numeric input given strings is refused by name."""
    for i, (spec, arr) in enumerate(zip(inputs, given)):
        dtype = getattr(arr, "dtype", None)
        if not isinstance(dtype, np.dtype) or dtype.kind not in "USO" or spec.dtype == "string":
            continue
        consumers = [layer for layer in getattr(model, "layers", [])
                     if any(any(t is spec for t in node.input_tensors)
                            for node in layer._inbound_nodes)]
        if consumers and all(layer._takes_strings for layer in consumers):
            continue  # e.g. a Sequential built from string data starting with a StringLookup
        layer = consumers[0].name if consumers else model.name
        raise ValueError(
            f"fit/evaluate/predict got an array of dtype {dtype}; expected numbers: input {i} "
            f"({spec.name!r}, dtype {spec.dtype}) feeds layer '{layer}', which computes on "
            "numbers. For text, start the model with Input(shape=(1,), dtype=\"string\") and a "
            "TextVectorization or StringLookup layer."
        )


def _first_consumer(model, symbolic):
    for layer in getattr(model, "layers", []):
        for node in layer._inbound_nodes:
            if any(t is symbolic for t in node.input_tensors):
                return layer.name
    return getattr(model, "name", "model")


def _resolve_verbose(verbose):
    if verbose == "auto":
        return 1
    return int(verbose)


def _concat_outputs(outputs):
    first = outputs[0]
    if isinstance(first, (list, tuple)):
        out = [_concat_outputs([o[i] for o in outputs]) for i in range(len(first))]
        return tuple(out) if isinstance(first, tuple) else out  # Keras keeps a tuple a tuple
    if isinstance(first, dict):
        return {k: _concat_outputs([o[k] for o in outputs]) for k in first}
    arrays = [backend.convert_to_numpy(o) for o in outputs]
    return np.concatenate(arrays, axis=0) if len(arrays) > 1 else arrays[0]


def _serializable(value):
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (list, tuple)):
        return [_serializable(v) for v in value]
    if isinstance(value, dict):
        return {k: _serializable(v) for k, v in value.items()}
    if hasattr(value, "get_config"):
        return {"module": type(value).__module__, "class_name": type(value).__name__,
                "config": value.get_config(), "registered_name": None}
    name = getattr(value, "__name__", None)
    if name is not None:
        return name
    warnings.warn(f"compile config: cannot serialize {value!r}; it is stored as None", stacklevel=2)
    return None
