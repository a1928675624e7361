"""RMSprop: gradients divided by a moving root-mean-square."""

from __future__ import annotations

from lamina.backend import train_step
from lamina.optimizers.optimizer import Optimizer


class RMSprop(Optimizer):
    """``v = rho*v + (1-rho)*g^2; w -= lr * g / sqrt(v + epsilon)``.

    ``centered=True`` subtracts the squared moving mean of the gradient from ``v``;
    ``momentum > 0`` accumulates the increments.

    >>> opt = RMSprop(learning_rate=1e-3, rho=0.9, centered=True)
    """

    _config_keys = ("rho", "momentum", "epsilon", "centered")

    def __init__(
        self,
        learning_rate=0.001,
        rho=0.9,
        momentum=0.0,
        epsilon=1e-7,
        centered=False,
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
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = centered

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._velocities = self.add_optimizer_variables(var_list, "velocity")
        self._momentums = []
        if self.momentum > 0:
            self._momentums = self.add_optimizer_variables(var_list, "momentum")
        self._average_gradients = []
        if self.centered:
            self._average_gradients = self.add_optimizer_variables(var_list, "average_gradient")

    def _update(self, grads, variables, idx, learning_rate, step):
        g = self._gather
        momenta = g(self._momentums, idx) if self.momentum > 0 else None
        averages = g(self._average_gradients, idx) if self.centered else None
        train_step.rmsprop_update(
            variables,
            grads,
            g(self._velocities, idx),
            momenta,
            averages,
            learning_rate,
            self.rho,
            self.momentum,
            self.epsilon,
        )
