"""Binding backend functions into the ops modules, once, at import (DESIGN rule 2)."""

from __future__ import annotations


def bind(namespace: dict, module, names=None) -> list[str]:
    """Put ``module``'s public functions (or ``names``, those that exist) into ``namespace``."""
    if names is None:
        names = [n for n in getattr(module, "__all__", dir(module)) if not n.startswith("_")]
    bound = []
    for name in names:
        value = getattr(module, name, None)
        if value is not None:
            namespace[name] = value
            bound.append(name)
    return bound
