"""Stochastic gradient descent, with optional (Nesterov) momentum."""

from __future__ import annotations

from lamina.backend import train_step
from lamina.optimizers.optimizer import Optimizer


class SGD(Optimizer):
    """Gradient descent: ``m = momentum * m - lr * g; w += m`` (``w -= lr * g`` without momentum).

    With ``nesterov=True`` the step is ``w += momentum * m - lr * g``.

    >>> opt = SGD(learning_rate=0.1, momentum=0.9, nesterov=True)
    """

    _config_keys = ("momentum", "nesterov")

    def __init__(
        self,
        learning_rate=0.01,
        momentum=0.0,
        nesterov=False,
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
        # Keras demands a float; an int 0 or 1 is accepted here as the value it obviously means.
        if (
            isinstance(momentum, bool)
            or not isinstance(momentum, (int, float))
            or not 0 <= momentum <= 1
        ):
            raise ValueError(
                f"`momentum` must be a float between [0, 1]. Received: momentum={momentum}"
            )
        self.momentum = float(momentum)
        self.nesterov = nesterov

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self.momentums = []
        if self.momentum != 0:
            self.momentums = self.add_optimizer_variables(variables, "momentum")

    def _update(self, grads, variables, idx, learning_rate, step):
        momenta = self._gather(self.momentums, idx) if self.momentum != 0 else None
        train_step.sgd_update(
            variables, grads, momenta, learning_rate, self.momentum, self.nesterov
        )
