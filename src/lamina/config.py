"""Global settings: float type, fuzz factor, image layout and the backend choice.

Read once at import from ``LAMINA_BACKEND`` / ``LAMINA_HOME`` and ``~/.lamina/lamina.json``
(keys ``floatx``, ``epsilon``, ``image_data_format``, ``backend``), like Keras' ``keras.json``.

>>> import lamina
>>> lamina.config.floatx()
'float32'
"""

from __future__ import annotations

import json
import os

_FLOATX = "float32"
_EPSILON = 1e-7
_IMAGE_DATA_FORMAT = "channels_last"
_BACKEND = "torch"
_BACKENDS = ("torch", "jax", "numpy")


def lamina_home() -> str:
    """The folder for lamina's own files (config, dataset cache): ``LAMINA_HOME`` or ~/.lamina."""
    return os.environ.get("LAMINA_HOME") or os.path.join(os.path.expanduser("~"), ".lamina")


def _read_config_file() -> dict:
    path = os.path.join(lamina_home(), "lamina.json")
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def floatx() -> str:
    """The default float dtype name, e.g. ``'float32'``."""
    return _FLOATX


def set_floatx(value: str) -> None:
    """Set the default float dtype: one of float16, bfloat16, float32, float64."""
    global _FLOATX
    if value not in ("float16", "bfloat16", "float32", "float64"):
        raise ValueError(
            f"set_floatx: expected one of 'float16', 'bfloat16', 'float32', 'float64'; got {value!r}"
        )
    _FLOATX = str(value)


_DTYPE_POLICY = None  # None: follow floatx


def dtype_policy() -> str:
    """The global dtype policy name: ``floatx()`` unless set (e.g. ``'mixed_float16'``)."""
    return _DTYPE_POLICY or _FLOATX


def set_dtype_policy(name: str | None) -> None:
    """Set the global dtype policy (``'float32'``, ``'mixed_float16'``, ``'mixed_bfloat16'``...)."""
    global _DTYPE_POLICY
    allowed = ("float16", "bfloat16", "float32", "float64", "mixed_float16", "mixed_bfloat16")
    if name is not None and name not in allowed:
        raise ValueError(f"dtype policy: expected one of {', '.join(allowed)}; got {name!r}")
    _DTYPE_POLICY = name


def epsilon() -> float:
    """The fuzz factor used in numeric expressions (1e-7 by default, as in Keras)."""
    return _EPSILON


def set_epsilon(value: float) -> None:
    """Set the fuzz factor."""
    global _EPSILON
    _EPSILON = float(value)


def image_data_format() -> str:
    """``'channels_last'`` (default) or ``'channels_first'``."""
    return _IMAGE_DATA_FORMAT


def set_image_data_format(value: str) -> None:
    """Set the default image layout."""
    global _IMAGE_DATA_FORMAT
    value = str(value).lower()
    if value not in ("channels_last", "channels_first"):
        raise ValueError(
            f"set_image_data_format: expected 'channels_last' or 'channels_first'; got {value!r}"
        )
    _IMAGE_DATA_FORMAT = value


def backend() -> str:
    """The name of the engine lamina runs on: 'torch' (default), 'jax' or 'numpy'."""
    return _BACKEND


def standardize_data_format(data_format: str | None) -> str:
    """Resolve ``None`` to the global image layout and check the value."""
    if data_format is None:
        return _IMAGE_DATA_FORMAT
    value = str(data_format).lower()
    if value not in ("channels_last", "channels_first"):
        raise ValueError(
            f"data_format: expected 'channels_last' or 'channels_first'; got {data_format!r}"
        )
    return value


def _load() -> None:
    global _FLOATX, _EPSILON, _IMAGE_DATA_FORMAT, _BACKEND
    data = _read_config_file()
    _FLOATX = data.get("floatx", _FLOATX)
    _EPSILON = float(data.get("epsilon", _EPSILON))
    _IMAGE_DATA_FORMAT = data.get("image_data_format", _IMAGE_DATA_FORMAT)
    name = os.environ.get("LAMINA_BACKEND") or data.get("backend") or _BACKEND
    name = str(name).lower()
    if name not in _BACKENDS:
        raise ValueError(
            f"LAMINA_BACKEND: expected one of {', '.join(_BACKENDS)}; got {name!r}"
        )
    _BACKEND = name


_load()
