"""LossScaleOptimizer: dynamic loss scaling around another optimizer (mixed precision)."""

from __future__ import annotations

import warnings

import numpy as np

from lamina.backend import train_step
from lamina.optimizers.optimizer import Optimizer

_BASE_DEFAULTS = {
    "weight_decay": None,
    "clipnorm": None,
    "global_clipnorm": None,
    "clipvalue": None,
    "use_ema": False,
    "ema_momentum": 0.99,
    "ema_overwrite_frequency": None,
    "loss_scale_factor": None,
    "gradient_accumulation_steps": None,
}


class LossScaleOptimizer(Optimizer):
    """Scale the loss up so float16 gradients do not underflow, and unscale the gradients.

    The trainer multiplies the loss by ``scale_loss``; ``apply`` divides the gradients by the
    current scale and hands them to ``inner_optimizer``. If any gradient is inf or NaN the
    step is skipped and the scale halved; after ``dynamic_growth_steps`` finite steps in a
    row the scale doubles.

    Args:
        inner_optimizer: the optimizer that does the updates.
        initial_scale: the starting loss scale (2**15).
        dynamic_growth_steps: finite steps between doublings of the scale.

    >>> from lamina.optimizers import Adam
    >>> opt = LossScaleOptimizer(Adam(1e-3))
    >>> opt.scale_loss(1.0)
    32768.0
    """

    def __init__(
        self, inner_optimizer, initial_scale=2.0**15, dynamic_growth_steps=2000, name=None, **kwargs
    ):
        if not kwargs.pop("dynamic", True):
            raise ValueError(
                "LossScaleOptimizer no longer supports `dynamic=False`. Instead, simply set "
                "`loss_scale_factor` directly on the `inner_optimizer`."
            )
        for arg_name, default in _BASE_DEFAULTS.items():
            if arg_name not in kwargs:
                continue
            value = kwargs.pop(arg_name)
            if (default is None and value is not None) or value != default:
                raise ValueError(
                    f"LossScaleOptimizer does not support `{arg_name}`. Instead, set "
                    f"`{arg_name}` on the `inner_optimizer`."
                )
        if kwargs:
            raise ValueError(
                f"LossScaleOptimizer does not support arguments: `{'`, `'.join(kwargs)}`."
            )
        if not isinstance(inner_optimizer, Optimizer):
            raise TypeError(
                "LossScaleOptimizer: `inner_optimizer` must be an Optimizer instance, got "
                f"{inner_optimizer!r}."
            )
        super().__init__(learning_rate=0.0, name=name)
        self.inner_optimizer = inner_optimizer
        self.initial_scale = initial_scale
        self.dynamic_growth_steps = dynamic_growth_steps
        self.inner_optimizer.loss_scale_factor = None

    def build(self, var_list):
        if self.built:
            return
        var_list = list(var_list)
        self.step_counter = self._add_variable((), "zeros", "int32", "step_counter")
        self.dynamic_scale = self._add_variable(
            (), float(self.initial_scale), "float32", "dynamic_scale"
        )
        self._counter_cache, self._scale_cache = 0, float(self.initial_scale)
        self._own_versions = self._versions()
        self.inner_optimizer.build(var_list)
        super().build(var_list)

    def _versions(self):
        return (train_step.version_of(self.step_counter), train_step.version_of(self.dynamic_scale))

    def _read_state(self):
        # Python copies of the counter and scale, refreshed if someone else wrote them (load).
        if self._versions() != self._own_versions:
            self._counter_cache = int(train_step.scalar_value(self.step_counter))
            self._scale_cache = float(train_step.scalar_value(self.dynamic_scale))
        return self._counter_cache, self._scale_cache

    def _write_state(self, counter, scale):
        if counter != self._counter_cache:
            self.step_counter.assign(counter)
        if scale != self._scale_cache:
            self.dynamic_scale.assign(scale)
        self._counter_cache, self._scale_cache = counter, scale
        self._own_versions = self._versions()

    @property
    def variables(self):
        """Its own four variables, then the inner optimizer's (Keras' order)."""
        return self._variables[:] + self.inner_optimizer.variables

    def apply(self, grads, trainable_variables=None):
        """Unscale and apply ``grads`` if all are finite; otherwise skip and halve the scale."""
        if not self.built:
            self.build(trainable_variables)
        counter, scale = self._read_state()
        present = [g for g in grads if g is not None]
        if present and not train_step.all_finite(present):
            self._write_state(0, scale * 0.5)
            return
        unscaled = list(grads)
        if present:
            scaled = iter(train_step.scale_list(present, 1.0 / scale))
            unscaled = [None if g is None else next(scaled) for g in grads]
        self.inner_optimizer.apply(unscaled, trainable_variables)
        if counter == self.dynamic_growth_steps - 1:
            self._write_state(0, scale * 2.0)
        else:
            self._write_state(counter + 1, scale)

    def check_finite(self, grads) -> bool:
        """True when no gradient holds an inf or a NaN."""
        present = [g for g in grads if g is not None]
        return not present or train_step.all_finite(present)

    @property
    def learning_rate(self):
        return self.inner_optimizer.learning_rate

    @learning_rate.setter
    def learning_rate(self, value):
        self.inner_optimizer.learning_rate = value

    lr = learning_rate

    @property
    def iterations(self):
        return self.inner_optimizer.iterations

    def scale_loss(self, loss):
        """``loss * scale`` (the current dynamic scale once built, else ``initial_scale``)."""
        scale = self._read_state()[1] if self.built else self.initial_scale
        return loss * scale

    def finalize_variable_values(self, var_list):
        self.inner_optimizer.finalize_variable_values(var_list)

    def set_weights(self, weights):
        """Assign values to ``variables`` (its own, then the inner optimizer's), in order."""
        if not self.built:
            return super().set_weights(weights)
        for variable, weight in zip(self.variables, weights):
            variable.assign(weight)
        return None

    def save_own_variables(self, store):
        for i, variable in enumerate(self.variables):
            store[str(i)] = variable.numpy()

    def load_own_variables(self, store):
        variables = self.variables
        if len(store.keys()) != len(variables):
            warnings.warn(
                f"Skipping variable loading for optimizer '{self.name}', because it has "
                f"{len(variables)} variables whereas the saved optimizer has "
                f"{len(store.keys())} variables.",
                stacklevel=2,
            )
            return
        for i, variable in enumerate(variables):
            variable.assign(np.asarray(store[str(i)]))

    def get_config(self):
        from lamina.optimizers import serialize

        return {
            "name": self.name,
            "inner_optimizer": serialize(self.inner_optimizer),
            "initial_scale": self.initial_scale,
            "dynamic_growth_steps": self.dynamic_growth_steps,
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from lamina.optimizers import deserialize

        config = dict(config)
        inner = config.pop("inner_optimizer")
        if isinstance(inner, dict):
            inner = deserialize(inner, custom_objects)
        return cls(inner, **config)
