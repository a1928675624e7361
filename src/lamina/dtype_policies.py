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


class QuantizedDTypePolicy(DTypePolicy):
    """The policy of a layer whose weights ``quantize(mode)`` stored as ints: its name is
    ``"<mode>_from_<source>"`` (``"int8_from_float32"``); it computes in the source's dtypes.

    >>> QuantizedDTypePolicy("int8", "mixed_bfloat16").name
    'int8_from_mixed_bfloat16'
    """

    def __init__(self, mode: str, source_name: str | None = None):
        if mode != "int8":
            raise NotImplementedError(
                f"QuantizedDTypePolicy: mode {mode!r} is not supported by lamina; it quantizes "
                "to 'int8' (int4, float8, GPTQ and AWQ are not built).")
        super().__init__(source_name)
        self.source_name = self.name
        self.quantization_mode = mode
        self.name = f"{mode}_from_{self.source_name}"

    @property
    def compute_dtype(self) -> str:
        return DTypePolicy(self.source_name).compute_dtype

    @property
    def variable_dtype(self) -> str:
        return DTypePolicy(self.source_name).variable_dtype

    def get_config(self):
        return {"mode": self.quantization_mode, "source_name": self.source_name}

    def __repr__(self):
        return f'<QuantizedDTypePolicy "{self.name}">'


_CLASSES = {"DTypePolicy": DTypePolicy, "FloatDTypePolicy": FloatDTypePolicy,
            "QuantizedDTypePolicy": QuantizedDTypePolicy}


def serialize(policy: DTypePolicy) -> dict:
    """The policy's config dict as Keras writes it."""
    if not isinstance(policy, DTypePolicy):
        raise ValueError(f"serialize: expected a DTypePolicy; got {policy!r}")
    module = "keras.dtype_policies" if isinstance(policy, QuantizedDTypePolicy) else "keras"
    return {"module": module, "class_name": type(policy).__name__,
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
        if "_from_" in identifier:
            mode, source = identifier.split("_from_", 1)
            return QuantizedDTypePolicy(mode, source)
        return DTypePolicy(identifier)
    raise ValueError(f"Cannot interpret `dtype` argument. Expected a string or a "
                     f"DTypePolicy; got {identifier!r}")


__all__ = ["DTypePolicy", "FloatDTypePolicy", "QuantizedDTypePolicy", "deserialize", "get",
           "serialize"]
