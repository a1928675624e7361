"""``keras.dtype_policies``: the dtype a layer stores its variables in and computes in.

>>> import lamina
>>> policy = lamina.dtype_policies.get("mixed_bfloat16")
>>> policy.compute_dtype, policy.variable_dtype
('bfloat16', 'float32')
"""

from __future__ import annotations

from lamina.mixed_precision import DTypePolicy


class FloatDTypePolicy(DTypePolicy):
    """Keras' older name for a float :class:`DTypePolicy` (kept for old code)."""


_CLASSES = {"DTypePolicy": DTypePolicy, "FloatDTypePolicy": FloatDTypePolicy}


def serialize(policy: DTypePolicy) -> dict:
    """The policy's config dict as Keras writes it."""
    if not isinstance(policy, DTypePolicy):
        raise ValueError(f"serialize: expected a DTypePolicy; got {policy!r}")
    return {"module": "keras", "class_name": type(policy).__name__,
            "config": policy.get_config(), "registered_name": None}


def deserialize(config: dict, custom_objects=None) -> DTypePolicy:
    """Rebuild a policy from :func:`serialize`'s output (class names from a closed table)."""
    if not isinstance(config, dict) or config.get("class_name") not in _CLASSES:
        raise ValueError(
            f"deserialize: expected a DTypePolicy config with class_name one of "
            f"{sorted(_CLASSES)}; got {config!r}"
        )
    return _CLASSES[config["class_name"]].from_config(config.get("config") or {})


def get(identifier) -> DTypePolicy:
    """A policy from a policy, a name (``"mixed_float16"``), a config dict, or None (the
    global policy)."""
    if identifier is None:
        from lamina import mixed_precision

        return mixed_precision.global_policy()
    if isinstance(identifier, DTypePolicy):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        return DTypePolicy(identifier)
    raise ValueError(f"Cannot interpret `dtype` argument. Expected a string or a "
                     f"DTypePolicy; got {identifier!r}")


__all__ = ["DTypePolicy", "FloatDTypePolicy", "deserialize", "get", "serialize"]
