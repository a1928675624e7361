"""Lion: the sign of an interpolated momentum (Chen et al., 2023)."""

from __future__ import annotations

from lamina.backend import train_step
from lamina.optimizers.optimizer import Optimizer


class Lion(Optimizer):
    """Lion (EvoLved Sign Momentum).

    ``w -= lr * sign(b1*m + (1-b1)*g);  m = b2*m + (1-b2)*g``. Every coordinate moves by
    ``lr``, so Lion usually wants a learning rate 3-10x smaller than Adam's.

    >>> opt = Lion(learning_rate=1e-4)
    """

    _config_keys = ("beta_1", "beta_2")

    def __init__(
        self,
        learning_rate=0.001,
        beta_1=0.9,
        beta_2=0.99,
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
        if beta_1 <= 0 or beta_1 > 1:
            raise ValueError(
                "Argument `beta_1` must be in the [0, 1] range. Otherwise, the optimizer "
                f"degenerates to SignSGD. Received: beta_1={beta_1}."
            )

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._momentums = self.add_optimizer_variables(var_list, "momentum")

    def _update(self, grads, variables, idx, learning_rate, step):
        train_step.lion_update(
            variables,
            grads,
            self._gather(self._momentums, idx),
            learning_rate,
            self.beta_1,
            self.beta_2,
        )
