"""Dtype policies and mixed precision (``lamina.mixed_precision``, as ``keras.mixed_precision``).

>>> import lamina
>>> lamina.mixed_precision.set_global_policy("mixed_bfloat16")
>>> lamina.layers.Dense(2).compute_dtype
'bfloat16'
>>> lamina.mixed_precision.set_global_policy("float32")
"""

from __future__ import annotations

from lamina import config
from lamina.optimizers.loss_scale_optimizer import LossScaleOptimizer  # noqa: F401 (public name)


class DTypePolicy:
    """A dtype policy: the dtype variables are stored in and the dtype layers compute in."""

    def __init__(self, name: str | None = None):
        name = name or config.floatx()
        if name not in ("float16", "bfloat16", "float32", "float64", "mixed_float16",
                        "mixed_bfloat16"):
            raise ValueError(f"DTypePolicy: unknown policy {name!r}")
        self.name = name

    @property
    def compute_dtype(self) -> str:
        return {"mixed_float16": "float16", "mixed_bfloat16": "bfloat16"}.get(self.name, self.name)

    @property
    def variable_dtype(self) -> str:
        return "float32" if self.name.startswith("mixed_") else self.name

    def get_config(self):
        return {"name": self.name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f'<DTypePolicy "{self.name}">'


Policy = DTypePolicy


def set_global_policy(policy) -> None:
    """Set the policy new layers use when they get no ``dtype=``."""
    name = policy.name if isinstance(policy, DTypePolicy) else policy
    config.set_dtype_policy(None if name is None else str(name))


def global_policy() -> DTypePolicy:
    return DTypePolicy(config.dtype_policy_name())


def set_dtype_policy(policy) -> None:
    set_global_policy(policy)


def dtype_policy() -> DTypePolicy:
    return global_policy()
