"""Adam: adaptive moment estimation."""

from __future__ import annotations

from lamina.backend import train_step
from lamina.optimizers.optimizer import Optimizer


class Adam(Optimizer):
    """Adam (Kingma & Ba), in Keras' form: epsilon is added after the bias-corrected root.

    ``m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g^2;
    w -= lr * sqrt(1-b2^t) / (1-b1^t) * m / (sqrt(v) + epsilon)``; ``amsgrad`` uses
    ``max(v)`` seen so far in place of ``v``.

    >>> opt = Adam(learning_rate=1e-3)
    """

    _config_keys = ("beta_1", "beta_2", "epsilon", "amsgrad")

    def __init__(
        self,
        learning_rate=0.001,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-7,
        amsgrad=False,
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
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.amsgrad = amsgrad

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._momentums, self._velocities = self.add_optimizer_variables(
            var_list, ["momentum", "velocity"]
        )
        self._velocity_hats = None
        if self.amsgrad:
            self._velocity_hats = self.add_optimizer_variables(var_list, "velocity_hat")

    def _update(self, grads, variables, idx, learning_rate, step):
        g = self._gather
        vhats = g(self._velocity_hats, idx) if self.amsgrad else None
        train_step.adam_update(
            variables,
            grads,
            g(self._momentums, idx),
            g(self._velocities, idx),
            vhats,
            learning_rate,
            self.beta_1,
            self.beta_2,
            self.epsilon,
            step,
        )
