"""Muon: momentum orthogonalized by Newton-Schulz iterations, for 2-D weights (Jordan, 2024)."""

from __future__ import annotations

import math
import re

import numpy as np

from lamina.ops import kernels as ops  # the training path: no conversion
from lamina.backend import core, train_step
from lamina.optimizers.optimizer import Optimizer


def _swap_last(x):
    axes = list(range(x.ndim))
    axes[-2], axes[-1] = axes[-1], axes[-2]
    return ops.transpose(x, axes)


class Muon(Optimizer):
    """Muon for 2-D kernels, AdamW for everything else, as Keras splits them.

    A 2-D variable (unless its path holds ``"embedding"`` with ``exclude_embeddings``, or
    matches a regex in ``exclude_layers``) takes ``m = momentum*m + g``, the direction
    ``g + momentum*m`` (``nesterov``) or ``m``, orthogonalized by ``ns_steps`` quintic
    Newton-Schulz steps (coefficients ``muon_a, muon_b, muon_c``), scaled by
    ``sqrt(max(n, m)) * rms_rate``: ``w -= lr * that``. Other variables take an AdamW step at
    ``lr * adam_lr_ratio``. Weight decay is ``weight_decay`` for Muon variables and
    ``adam_weight_decay`` for AdamW ones.

    >>> opt = Muon(learning_rate=0.02)
    """

    _config_keys = ("adam_beta_1", "adam_beta_2", "epsilon", "exclude_layers", "muon_a",
                    "muon_b", "muon_c", "adam_lr_ratio", "momentum", "ns_steps", "nesterov",
                    "exclude_embeddings", "adam_weight_decay", "rms_rate")

    def __init__(
        self,
        learning_rate=0.001,
        adam_beta_1=0.9,
        adam_beta_2=0.999,
        adam_weight_decay=0.004,
        epsilon=1e-7,
        weight_decay=0.004,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        use_ema=False,
        ema_momentum=0.99,
        ema_overwrite_frequency=None,
        loss_scale_factor=None,
        gradient_accumulation_steps=None,
        name=None,
        exclude_layers=None,
        exclude_embeddings=True,
        muon_a=3.4445,
        muon_b=-4.7750,
        muon_c=2.0315,
        adam_lr_ratio=1,
        momentum=0.95,
        ns_steps=5,
        nesterov=True,
        rms_rate=0.2,
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
        if isinstance(ns_steps, bool) or not isinstance(ns_steps, int) or ns_steps < 0:
            raise ValueError(f"Muon: `ns_steps` must be a non-negative integer, got {ns_steps!r}")
        self.adam_beta_1 = adam_beta_1
        self.adam_beta_2 = adam_beta_2
        self.epsilon = epsilon
        self.muon_a = muon_a
        self.muon_b = muon_b
        self.muon_c = muon_c
        self.adam_lr_ratio = adam_lr_ratio
        self.momentum = momentum
        self.ns_steps = ns_steps
        self.nesterov = nesterov
        self.exclude_embeddings = exclude_embeddings
        self.exclude_layers = list(exclude_layers or [])
        self.adam_weight_decay = adam_weight_decay
        self.rms_rate = rms_rate

    def _should_use_adamw(self, variable) -> bool:
        """Whether ``variable`` takes AdamW steps (not 2-D, an embedding, or excluded)."""
        if len(variable.shape) != 2:
            return True
        path = getattr(variable, "path", None) or getattr(variable, "name", None) or ""
        if self.exclude_embeddings and "embedding" in path.lower():
            return True
        return any(re.search(pattern, path) for pattern in self.exclude_layers)

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._adamw = [self._should_use_adamw(v) for v in var_list]
        self.momentums, self.adam_velocities = [], []
        for var, adamw in zip(var_list, self._adamw):
            self.momentums.append(self.add_variable_from_reference(var, "momentum"))
            self.adam_velocities.append(
                self.add_variable_from_reference(var, "velocity") if adamw else None)

    def _update_with(self, grads, variables, idx, lr, step):
        # Keras' Muon decays its two groups by different rates (and the AdamW group even when
        # `weight_decay` is None), so the base class's single decay does not apply.
        grads = self._clip_gradients(grads)
        positions = range(len(variables)) if idx is None else idx
        for var, i in zip(variables, positions):
            if not self._decayed[i]:
                continue
            rate = self.adam_weight_decay if self._adamw[i] else self.weight_decay
            if rate is not None:
                train_step.decay_weights([var], 1.0 - rate * lr)
        self._update(grads, variables, idx, lr, step)

    def _update(self, grads, variables, idx, learning_rate, step):
        positions = range(len(variables)) if idx is None else idx
        with core.no_grad():
            for g, var, i in zip(grads, variables, positions):
                if self._adamw[i]:
                    self._adamw_step(g, var, learning_rate * self.adam_lr_ratio, step,
                                     self.momentums[i], self.adam_velocities[i])
                else:
                    self._muon_step(g, var, learning_rate, self.momentums[i])

    def _muon_step(self, g, var, lr, m):
        m.assign(self.momentum * m + g)
        direction = g + self.momentum * m if self.nesterov else m
        update = self.zeropower_via_newtonschulz5(direction, self.ns_steps)
        if self.rms_rate is not None:
            update = update * (math.sqrt(max(update.shape[0], update.shape[1])) * self.rms_rate)
        var.assign_sub(lr * update)

    def _adamw_step(self, g, var, lr, step, m, v):
        t = np.float32(step)
        b1, b2 = np.float32(self.adam_beta_1), np.float32(self.adam_beta_2)
        alpha = float(np.float32(lr) * np.sqrt(1 - b2 ** t) / (1 - b1 ** t))
        m.assign(m + (g - m) * (1 - self.adam_beta_1))
        v.assign(v + (ops.square(g) - v) * (1 - self.adam_beta_2))
        var.assign_sub(m * alpha / (ops.sqrt(v) + self.epsilon))

    def zeropower_via_newtonschulz5(self, x, steps: int):
        """An approximate orthogonalization ``U S' V^T`` of ``x`` (``S'`` near 1) by ``steps``
        quintic Newton-Schulz iterations, on the wide orientation of the last two axes."""
        if x.ndim < 2:
            raise ValueError("Muon: expected gradient or momentum to have at least 2 "
                             f"dimensions. Received: shape={tuple(x.shape)}")
        a, b, c = self.muon_a, self.muon_b, self.muon_c
        tall = x.shape[-2] > x.shape[-1]
        if tall:
            x = _swap_last(x)
        x = x / (ops.norm(x, axis=(-2, -1), keepdims=True) + 1e-7)
        for _ in range(steps):
            gram = ops.matmul(x, _swap_last(x))
            poly = b * gram + c * ops.matmul(gram, gram)
            x = a * x + ops.matmul(poly, x)
        return _swap_last(x) if tall else x
