"""Global settings: float type, fuzz factor, image layout and the backend choice.

Read once at import from ``LAMINA_BACKEND`` / ``LAMINA_HOME`` and ``~/.lamina/lamina.json``
(keys ``floatx``, ``epsilon``, ``image_data_format``, ``backend``), like Keras' ``keras.json``.

Also the switches of ``keras.config``: safe deserialization, interactive logging, traceback
filtering, flash attention, and the debugging caps on epochs and steps (``KERAS_MAX_EPOCHS``,
``KERAS_MAX_STEPS_PER_EPOCH``).

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


def dtype_policy_name() -> str:
    """The global dtype policy's name: ``floatx()`` unless set (e.g. ``'mixed_float16'``)."""
    return _DTYPE_POLICY or _FLOATX


def dtype_policy():
    """The global dtype policy, a ``DTypePolicy`` (as Keras' ``keras.config.dtype_policy()``).

    >>> import lamina
    >>> lamina.config.dtype_policy().compute_dtype
    'float32'
    """
    from lamina.mixed_precision import DTypePolicy  # the policy class, one file up the floor

    return DTypePolicy(dtype_policy_name())


def set_dtype_policy(name) -> None:
    """Set the global dtype policy: a name (``'float32'``, ``'mixed_float16'``,
    ``'mixed_bfloat16'``...), a ``DTypePolicy``, or None (back to ``floatx()``)."""
    global _DTYPE_POLICY
    if name is not None and not isinstance(name, str) and isinstance(getattr(name, "name", None), str):
        name = name.name
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


def set_backend(backend: str) -> None:
    """Choose the engine (as Keras' ``set_backend``); only engines lamina has are accepted.

    >>> import lamina
    >>> lamina.config.set_backend("torch")
    """
    global _BACKEND
    import importlib.util

    name = str(backend).lower()
    available = [b for b in _BACKENDS
                 if importlib.util.find_spec(f"lamina.backend.{b}") is not None]
    if name not in available:
        raise ValueError(
            f"set_backend: expected one of the backends lamina has here ({', '.join(available)}); "
            f"got {backend!r}"
        )
    _BACKEND = name


def is_nnx_enabled() -> bool:
    """Whether Flax NNX layers are in use (a Keras-on-JAX option): always False in lamina."""
    return False


# -- loading code from files ---------------------------------------------------------------------


def enable_unsafe_deserialization() -> None:
    """Allow loading code-carrying configs (``Lambda`` bytecode) everywhere, as if every loader
    were given ``safe_mode=False``. Only do this for files you trust."""
    from lamina.utils import registry

    registry.UNSAFE_EVERYWHERE = True


# -- interactive logging, traceback filtering, flash attention -----------------------------------

_INTERACTIVE_LOGGING = True
_TRACEBACK_FILTERING = True
_FLASH_ATTENTION = None  # None: let the kernel choose


def enable_interactive_logging() -> None:
    """Progress bars and summaries print to stdout (the default)."""
    global _INTERACTIVE_LOGGING
    _INTERACTIVE_LOGGING = True


def disable_interactive_logging() -> None:
    """Progress bars and summaries go to Python's ``logging`` (logger ``lamina``) instead of
    stdout, e.g. for batch jobs whose output is collected by a log system."""
    global _INTERACTIVE_LOGGING
    _INTERACTIVE_LOGGING = False


def is_interactive_logging_enabled() -> bool:
    """True unless :func:`disable_interactive_logging` was called."""
    return _INTERACTIVE_LOGGING


def enable_traceback_filtering() -> None:
    """Recorded for Keras programs. lamina's tracebacks are short already (a layer's error is
    raised where it happens, not from inside a traced graph), so nothing is filtered."""
    global _TRACEBACK_FILTERING
    _TRACEBACK_FILTERING = True


def disable_traceback_filtering() -> None:
    """Recorded for Keras programs: lamina never removes frames from tracebacks."""
    global _TRACEBACK_FILTERING
    _TRACEBACK_FILTERING = False


def is_traceback_filtering_enabled() -> bool:
    return _TRACEBACK_FILTERING


def enable_flash_attention() -> None:
    """Attention layers made with ``flash_attention=None`` (the default) use flash attention:
    as in Keras, they then refuse ``dropout > 0`` and ``return_attention_scores``. The
    results are the same; torch's fused scaled-dot-product kernel picks the fastest path."""
    global _FLASH_ATTENTION
    _FLASH_ATTENTION = True


def disable_flash_attention() -> None:
    global _FLASH_ATTENTION
    _FLASH_ATTENTION = False


def is_flash_attention_enabled() -> bool | None:
    """True or False if set, else None (the kernel chooses), as in Keras."""
    return _FLASH_ATTENTION


# -- debugging caps on fit/evaluate/predict ----------------------------------------------------

_UNSET = object()
_MAX_EPOCHS = _UNSET
_MAX_STEPS_PER_EPOCH = _UNSET


def _env_cap(name: str) -> int | None:
    value = os.environ.get(name)
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{name} must be an integer, got {value!r}") from None


def set_max_epochs(max_epochs: int | None) -> None:
    """Cap the epochs of every ``fit`` (``None``: no cap), like ``KERAS_MAX_EPOCHS``."""
    global _MAX_EPOCHS
    _MAX_EPOCHS = _check_cap("max_epochs", max_epochs)


def set_max_steps_per_epoch(max_steps_per_epoch: int | None) -> None:
    """Cap the steps of every epoch of fit/evaluate/predict, like
    ``KERAS_MAX_STEPS_PER_EPOCH``."""
    global _MAX_STEPS_PER_EPOCH
    _MAX_STEPS_PER_EPOCH = _check_cap("max_steps_per_epoch", max_steps_per_epoch)


def _check_cap(name, value):
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise ValueError(f"set_{name}: expected an integer or None; got {value!r}")
    return value


def max_epochs() -> int | None:
    """The cap set by :func:`set_max_epochs`, else ``KERAS_MAX_EPOCHS``, else None.

    >>> import lamina
    >>> lamina.config.set_max_epochs(2); lamina.config.max_epochs()
    2
    >>> lamina.config._MAX_EPOCHS = lamina.config._UNSET  # back to KERAS_MAX_EPOCHS, if set
    """
    return _env_cap("KERAS_MAX_EPOCHS") if _MAX_EPOCHS is _UNSET else _MAX_EPOCHS


def max_steps_per_epoch() -> int | None:
    """The cap set by :func:`set_max_steps_per_epoch`, else ``KERAS_MAX_STEPS_PER_EPOCH``."""
    if _MAX_STEPS_PER_EPOCH is _UNSET:
        return _env_cap("KERAS_MAX_STEPS_PER_EPOCH")
    return _MAX_STEPS_PER_EPOCH


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
