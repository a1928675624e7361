"""Adagrad: per-coordinate rates shrinking with the accumulated squared gradient."""

from __future__ import annotations

from lamina.backend import train_step
from lamina.optimizers.optimizer import Optimizer


class Adagrad(Optimizer):
    """``acc += g^2; w -= lr * g / sqrt(acc + epsilon)``, ``acc`` starting at
    ``initial_accumulator_value``.

    >>> opt = Adagrad(learning_rate=0.01)
    """

    _config_keys = ("initial_accumulator_value", "epsilon")

    def __init__(
        self,
        learning_rate=0.001,
        initial_accumulator_value=0.1,
        epsilon=1e-7,
        weight_decay=None,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        use_ema=False,
        ema_momentum=0.99,
        ema_overwrite_frequency=None,
        loss_scale_factor=None,
        gradient_accumulation_steps=None,
        name=None,
        **kwargs,
    ):
        super().__init__(
            learning_rate=learning_rate,
            weight_decay=weight_decay,
            clipnorm=clipnorm,
            clipvalue=clipvalue,
            global_clipnorm=global_clipnorm,
            use_ema=use_ema,
            ema_momentum=ema_momentum,
            ema_overwrite_frequency=ema_overwrite_frequency,
            loss_scale_factor=loss_scale_factor,
            gradient_accumulation_steps=gradient_accumulation_steps,
            name=name,
            **kwargs,
        )
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._accumulators = self.add_optimizer_variables(
            var_list, "accumulator", initializer=float(self.initial_accumulator_value)
        )

    def _update(self, grads, variables, idx, learning_rate, step):
        train_step.adagrad_update(
            variables, grads, self._gather(self._accumulators, idx), learning_rate, self.epsilon
        )
