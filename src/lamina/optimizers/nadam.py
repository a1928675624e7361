"""Nadam: Adam with Nesterov momentum (Dozat, 2016)."""

from __future__ import annotations

from lamina.backend import core, train_step
from lamina.optimizers.optimizer import Optimizer


class Nadam(Optimizer):
    """Nadam, with Keras' momentum schedule ``u_t = b1 * (1 - 0.5 * 0.96^t)``.

    Besides the momentum and velocity slots, the product of ``u_1 ... u_t`` is kept in one
    more variable (last in ``variables``, named ``variable`` as in Keras).

    >>> opt = Nadam(learning_rate=2e-3)
    """

    _config_keys = ("beta_1", "beta_2", "epsilon")

    def __init__(
        self,
        learning_rate=0.001,
        beta_1=0.9,
        beta_2=0.999,
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
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def build(self, var_list):
        if self.built:
            return
        var_list = list(var_list)
        dtype = core.dtype_of(var_list[0]) if var_list else "float32"
        super().build(var_list)
        self._momentums, self._velocities = self.add_optimizer_variables(
            var_list, ["momentum", "velocity"]
        )
        self._u_product = self._make_variable(1.0, dtype, "variable")
        self._u_product._lamina_path = "variable"  # Keras creates it outside the name scope
        self._u_cache = 1.0
        self._u_version = train_step.version_of(self._u_product)

    def _update(self, grads, variables, idx, learning_rate, step):
        u = self._u_product
        if train_step.version_of(u) != self._u_version:
            self._u_cache = float(train_step.scalar_value(u))
        g = self._gather
        self._u_cache = train_step.nadam_update(
            variables,
            grads,
            g(self._momentums, idx),
            g(self._velocities, idx),
            learning_rate,
            self.beta_1,
            self.beta_2,
            self.epsilon,
            step,
            self._u_cache,
        )
        u.assign(self._u_cache)
        self._u_version = train_step.version_of(u)
