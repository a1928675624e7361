"""The engines. The only package that imports torch or jax.

``lamina.backend.core``, ``.ops``, ``.nn``, ``.random`` and ``.train_step`` are the active
backend's modules (chosen by ``LAMINA_BACKEND``, torch by default); ``contract.py`` lists what
each provides.
"""

from lamina import config as _config

_name = _config.backend()
if _name == "torch":
    from lamina.backend.torch import (  # noqa: F401
        control_flow, conv, core, distributions, image, image_filters, image_warps, linalg,
        math, nn, nn_ops, ops, random, rnn, symbolic, tape,
        train_step,
    )
else:  # pragma: no cover - engines added by later work
    raise ImportError(
        f"lamina: the {_name!r} backend is not available in this version; "
        "unset LAMINA_BACKEND (or set it to 'torch')."
    )


def backend() -> str:
    """The active backend's name."""
    return _name
