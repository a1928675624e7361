"""Adadelta: per-dimension learning rates from running averages of updates and gradients."""

from __future__ import annotations

from lamina.backend import train_step
from lamina.optimizers.optimizer import Optimizer


class Adadelta(Optimizer):
    """Adadelta (Zeiler, 2012) in Keras' form, scaled by ``learning_rate``.

    ``E[g^2] = rho*E[g^2] + (1-rho)*g^2;  d = -sqrt(E[d^2] + eps) / sqrt(E[g^2] + eps) * g;
    E[d^2] = rho*E[d^2] + (1-rho)*d^2;  w += lr * d``.

    >>> opt = Adadelta(learning_rate=1.0, rho=0.95)
    """

    _config_keys = ("rho", "epsilon")

    def __init__(
        self,
        learning_rate=0.001,
        rho=0.95,
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
        self.rho = rho
        self.epsilon = epsilon

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._accumulated_grads, self._accumulated_delta_vars = self.add_optimizer_variables(
            var_list, ["accumulated_grad", "accumulated_delta_var"]
        )

    def _update(self, grads, variables, idx, learning_rate, step):
        g = self._gather
        train_step.adadelta_update(
            variables,
            grads,
            g(self._accumulated_grads, idx),
            g(self._accumulated_delta_vars, idx),
            learning_rate,
            self.rho,
            self.epsilon,
        )
