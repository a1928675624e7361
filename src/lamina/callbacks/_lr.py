"""Reading and writing an optimizer's learning rate as a Python float (shared by callbacks)."""

from __future__ import annotations

from lamina.backend import core


def current_lr(optimizer) -> float:
    """The optimizer's learning rate now, as a float (a schedule is evaluated)."""
    lr = optimizer.learning_rate
    if core.is_tensor(lr):
        return float(core.convert_to_numpy(lr))
    return float(lr)


def optimizers_of(model):
    """The optimizers whose rate callbacks read or set (a MultiOptimizer lists several)."""
    optimizer = model.optimizer
    inner = getattr(optimizer, "optimizers", None)
    return list(inner) if inner else [optimizer]
