"""Serve ``import tensorflow`` (and ``tensorflow.keras.*``) under ``lamina run``.

When TensorFlow is not installed, ``tensorflow`` is lamina's stand-in
(``lamina.compat.tensorflow``) and ``tensorflow.keras.*`` is ``keras.*`` as ``lamina run``
serves it, so tf.keras scripts run unchanged. When TensorFlow is installed it is left alone,
and importing ``tensorflow.keras`` raises an error that says why (TensorFlow tensors cannot mix
with another engine's), unless ``LAMINA_TENSORFLOW=standin`` asks for the stand-in anyway.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
import warnings

from lamina.compat.keras_alias import _pop_modules

STANDIN = "lamina.compat.tensorflow"


def tensorflow_installed() -> bool:
    """Whether a real TensorFlow is importable (looked up without our finders)."""
    return importlib.machinery.PathFinder.find_spec("tensorflow") is not None


def target_of(fullname: str) -> str | None:
    """The module serving ``fullname`` (a ``tensorflow`` module path), or None."""
    if fullname == "tensorflow":
        return STANDIN
    rest = fullname[len("tensorflow."):]
    for prefix in ("keras", "python.keras"):
        if rest == prefix or rest.startswith(prefix + "."):
            return "keras" + rest[len(prefix):]
    candidate = f"{STANDIN}.{rest}"
    try:
        if importlib.util.find_spec(candidate) is not None:
            return candidate
    except (ImportError, ValueError):
        return None
    return None


class _ExistingModuleLoader(importlib.abc.Loader):
    def __init__(self, target):
        self.target = target

    def create_module(self, spec):
        return importlib.import_module(self.target)

    def exec_module(self, module):
        pass


class _RefusingLoader(importlib.abc.Loader):
    def create_module(self, spec):
        raise ImportError(
            f"lamina run: TensorFlow is installed, so `{spec.name}` would be TensorFlow's own "
            "Keras, whose tensors cannot mix with lamina's engine. Use `import keras` (served "
            "by lamina), uninstall TensorFlow, or set LAMINA_TENSORFLOW=standin to use "
            "lamina's TensorFlow stand-in instead of TensorFlow."
        )

    def exec_module(self, module):  # pragma: no cover - create_module raised
        pass


class TensorFlowFinder(importlib.abc.MetaPathFinder):
    """Finds ``tensorflow`` modules in lamina's stand-in (or refuses tensorflow.keras)."""

    def __init__(self, refuse_keras_only: bool):
        self.refuse_keras_only = refuse_keras_only

    def find_spec(self, fullname, path=None, target=None):
        if fullname == _TENSORBOARD_NO_TF and not self.refuse_keras_only:
            # tensorboard's writers take `import tensorflow` for the real one and call
            # tf.io.gfile; this marker module makes them use tensorboard's own TF stub
            return importlib.machinery.ModuleSpec(fullname, _EmptyModuleLoader())
        if fullname != "tensorflow" and not fullname.startswith("tensorflow."):
            return None
        if self.refuse_keras_only:
            if fullname == "tensorflow.keras" or fullname.startswith("tensorflow.keras."):
                return importlib.machinery.ModuleSpec(fullname, _RefusingLoader())
            return None
        name = target_of(fullname)
        if name is None:
            return importlib.machinery.ModuleSpec(fullname, _MissingLoader())
        return importlib.machinery.ModuleSpec(fullname, _ExistingModuleLoader(name),
                                              is_package=True)


_TENSORBOARD_NO_TF = "tensorboard.compat.notf"


class _EmptyModuleLoader(importlib.abc.Loader):
    def create_module(self, spec):
        return None  # the default: an empty module

    def exec_module(self, module):
        pass


class _MissingLoader(importlib.abc.Loader):
    def create_module(self, spec):
        raise ModuleNotFoundError(
            f"No module named '{spec.name}' in lamina's TensorFlow stand-in (it serves "
            "tensorflow.keras and TensorFlow's common tensor functions; see "
            "docs/keras_scripts.md)."
        )

    def exec_module(self, module):  # pragma: no cover
        pass


_FINDER = None


def install() -> None:
    """Serve ``tensorflow`` in this process (see the module docstring for when)."""
    global _FINDER
    uninstall()
    forced = os.environ.get("LAMINA_TENSORFLOW", "").lower() == "standin"
    _FINDER = TensorFlowFinder(refuse_keras_only=tensorflow_installed() and not forced)
    sys.meta_path.insert(0, _FINDER)
    if not _FINDER.refuse_keras_only:
        # TensorFlow scripts print float(loss) of tensors that require gradients; torch warns
        # about that every time, TensorFlow never does
        warnings.filterwarnings("ignore", message="Converting a tensor with requires_grad=True")
        _set_tensorflow_numpy(True)  # `output.numpy()` of a tensor under a tape, as TF allows
        _set_user_shape_type(True)  # user layers get tf.TensorShape (`shape.as_list()`)
    if not _FINDER.refuse_keras_only:
        _pop_modules("tensorflow")


def _set_tensorflow_numpy(enabled: bool) -> None:
    from lamina.backend import core

    switch = getattr(core, "tensorflow_numpy", None)  # only torch tensors refuse .numpy()
    if switch is not None:
        switch(enabled)


def _set_user_shape_type(enabled: bool) -> None:
    from lamina.compat.tensorflow._training import TensorShape
    from lamina.layers import layer

    layer.USER_SHAPE_TYPE = TensorShape if enabled else None


def uninstall() -> None:
    global _FINDER
    if _FINDER is not None and _FINDER in sys.meta_path:
        sys.meta_path.remove(_FINDER)
        if not _FINDER.refuse_keras_only:
            _set_tensorflow_numpy(False)
            _set_user_shape_type(False)
            _pop_modules("tensorflow")
    _FINDER = None
