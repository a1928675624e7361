"""Adafactor: Adam-like steps with factored second moments (Shazeer & Stern, 2018)."""

from __future__ import annotations

import numpy as np

from lamina.ops import kernels as ops  # the training path: no conversion
from lamina.backend import core
from lamina.optimizers.optimizer import Optimizer


def _rms(x):
    return ops.sqrt(ops.mean(ops.square(x)))


class Adafactor(Optimizer):
    """Adafactor, in Keras' form. For a variable of rank >= 2 the squared-gradient average is
    kept as a row factor ``r`` (last axis averaged out) and a column factor ``c`` (second-last
    axis averaged out), so a ``(n, m)`` kernel costs ``n + m`` numbers of state:

    ``g2 = g^2 + epsilon_1;  b = 1 - t^beta_2_decay;  r = b*r + (1-b)*mean(g2, -1);
    c = b*c + (1-b)*mean(g2, -2);  v = (r / mean(r)) outer c``  (``v = b*v + (1-b)*g2``
    below rank 2); ``u = g / sqrt(v)``, clipped to ``rms(u) <= clip_threshold``;
    ``w -= max(epsilon_2, rms(w)) * min(lr, 1/sqrt(t)) * u``. With ``relative_step`` (and a
    constant rate) the rate is also capped at ``1/sqrt(t)``.

    >>> opt = Adafactor(learning_rate=0.01)
    """

    _config_keys = ("beta_2_decay", "epsilon_1", "epsilon_2", "clip_threshold", "relative_step")

    def __init__(
        self,
        learning_rate=0.001,
        beta_2_decay=-0.8,
        epsilon_1=1e-30,
        epsilon_2=1e-3,
        clip_threshold=1.0,
        relative_step=True,
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
        self.beta_2_decay = beta_2_decay
        self.epsilon_1 = epsilon_1
        self.epsilon_2 = epsilon_2
        self.clip_threshold = clip_threshold
        self.relative_step = relative_step

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._r, self._c, self._v = [], [], []
        for var in var_list:
            name = getattr(var, "name", None) or "variable"
            if len(var.shape) < 2:
                # Keras keeps two scalar int32 placeholders here (listed in `variables`, so
                # saved in files); they are never read.
                for slots in (self._r, self._c):
                    slot = self._make_variable(0, "int32", name)
                    slot._lamina_path = name
                    slots.append(slot)
            else:
                dtype = core.dtype_of(var)
                shape = tuple(var.shape)
                self._r.append(self._add_variable(shape[:-1], "zeros", dtype, name, like=var))
                self._c.append(self._add_variable(shape[:-2] + shape[-1:], "zeros", dtype, name,
                                                  like=var))
            self._v.append(self.add_variable_from_reference(var, "velocity"))

    def _update(self, grads, variables, idx, learning_rate, step):
        t = np.float32(step)
        lr = np.float32(learning_rate)
        inv_sqrt_t = np.float32(1.0) / np.sqrt(t)
        if self._learning_rate is self._lr_variable and self.relative_step:
            lr = min(lr, inv_sqrt_t)
        rho = float(min(lr, inv_sqrt_t))
        beta = float(np.float32(1.0) - t ** np.float32(self.beta_2_decay))
        positions = range(len(variables)) if idx is None else idx
        with core.no_grad():
            for g, var, i in zip(grads, variables, positions):
                r, c, v = self._r[i], self._c[i], self._v[i]
                alpha = ops.maximum(self.epsilon_2, _rms(var)) * rho
                g2 = ops.square(g) + self.epsilon_1
                if len(var.shape) >= 2:
                    r.assign(beta * r + (1.0 - beta) * ops.mean(g2, axis=-1))
                    c.assign(beta * c + (1.0 - beta) * ops.mean(g2, axis=-2))
                    row = r / ops.mean(r, axis=-1, keepdims=True)
                    v.assign(ops.expand_dims(row, -1) * ops.expand_dims(c, -2))
                else:
                    v.assign(beta * v + (1.0 - beta) * g2)
                u = g / ops.sqrt(v)
                u = u / ops.maximum(1.0, _rms(u) / self.clip_threshold)
                var.assign_sub(alpha * u)
