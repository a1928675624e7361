"""ScheduleFreeAdamW: AdamW without a learning-rate schedule (Defazio et al., 2024)."""

from __future__ import annotations

import numpy as np

from lamina.ops import kernels as ops  # the training path: no conversion
from lamina.backend import core
from lamina.optimizers.optimizer import Optimizer


class ScheduleFreeAdamW(Optimizer):
    """Schedule-free AdamW, in Keras' form. The slot ``momentum`` holds the fast iterate
    ``z`` (it starts as a copy of the weights); the weights hold the interpolation ``y``:

    ``v = b2*v + (1-b2)*g^2;  z -= lr * g / (sqrt(v / (1-b2^t)) + epsilon);
    x = (y - (1-b1)*z) / b1;  x = (1 - 1/t)*x + z/t;  y = (1-b1)*z + b1*x``,
    with ``lr`` ramped up linearly over ``warmup_steps``. As in Keras 3 on torch, ``x`` is
    recovered with the already updated ``z`` (the paper uses the previous one), so the
    trajectories and saved states match Keras'.

    >>> opt = ScheduleFreeAdamW(learning_rate=0.0025)
    """

    _config_keys = ("beta_1", "beta_2", "epsilon", "warmup_steps")

    def __init__(
        self,
        learning_rate=0.0025,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        warmup_steps=0,
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
        if isinstance(warmup_steps, bool) or not isinstance(warmup_steps, int) or warmup_steps < 0:
            raise ValueError("ScheduleFreeAdamW: `warmup_steps` must be a non-negative integer, "
                             f"got {warmup_steps!r}")
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.warmup_steps = warmup_steps

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._momentums, self._velocities = self.add_optimizer_variables(
            var_list, ["momentum", "velocity"])
        with core.no_grad():
            for z, var in zip(self._momentums, var_list):
                z.assign(var)

    def _update(self, grads, variables, idx, learning_rate, step):
        t = np.float32(step)
        lr = np.float32(learning_rate)
        if self.warmup_steps > 0:
            lr = lr * min(t / np.float32(self.warmup_steps), np.float32(1.0))
        correction = float(1 - np.float32(self.beta_2) ** t)
        weight = float(np.float32(1.0) / t)
        b1 = self.beta_1
        zs, vs = self._gather(self._momentums, idx), self._gather(self._velocities, idx)
        with core.no_grad():
            for g, y, z, v in zip(grads, variables, zs, vs):
                v.assign(v + (ops.square(g) - v) * (1 - self.beta_2))
                z.assign_sub(float(lr) * g / (ops.sqrt(v / correction) + self.epsilon))
                # Keras reads `momentum.value` before the update, but on torch that value is
                # the variable's own storage, updated in place: x is recovered from y with
                # the *new* z. Files and trajectories follow Keras, so the same is done here.
                x = (y - (1 - b1) * z) / b1
                x = (1 - weight) * x + weight * z
                y.assign((1 - b1) * z + b1 * x)
