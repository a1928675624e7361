"""Serve ``import keras`` (and ``from keras.x.y import z``) from lamina.

``install()`` puts a finder first on ``sys.meta_path`` that answers every ``keras`` and
``keras.*`` import with the lamina module it names, so a Keras script runs unchanged under
``lamina run``. Keras 2 module paths map to where those names live now.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import types

# Keras module path -> lamina module path, for paths that are not simply keras.X -> lamina.X
MODULE_MAP = {
    "keras": "lamina",
    "keras.utils.np_utils": "lamina.compat.np_utils",
    "keras.backend": "lamina.compat.backend",
    "keras.utils.vis_utils": "lamina.utils.model_visualization",
    "keras.optimizers.legacy": "lamina.compat.legacy_optimizers",
}
# Keras 2 layer modules: all served by one module that has every lamina.layers name plus the
# few Keras 2 names Keras 3 dropped (ThresholdedReLU, CuDNNLSTM, ...).
MODULE_MAP.update({
    f"keras.layers.{name}": "lamina.compat.layers"
    for name in (
        "core", "convolutional", "pooling", "merge", "normalization", "embeddings", "recurrent",
        "advanced_activations", "noise", "wrappers", "local", "cudnn_recurrent",
        "convolutional_recurrent", "dense_attention", "multi_head_attention", "einsum_dense",
        "experimental", "experimental.preprocessing",  # tf.keras 2.x's preprocessing layers
    )
})


def target_of(fullname: str) -> str | None:
    """The lamina module that serves the Keras module ``fullname`` (None if there is none)."""
    if fullname in MODULE_MAP:
        return MODULE_MAP[fullname]
    if not (fullname == "keras" or fullname.startswith("keras.")):
        return None
    candidate = "lamina" + fullname[len("keras"):]
    try:
        if importlib.util.find_spec(candidate) is not None:
            return candidate
    except (ImportError, ValueError):
        return None
    return None


class _KerasRoot(types.ModuleType):
    """The ``keras`` module: lamina's public names, except where Keras' differ.

    ``keras.backend`` is Keras 2's function set (``K.mean``, ``K.epsilon``), not lamina's
    engine package, so the root is a thin view of lamina rather than lamina itself.
    """

    def __getattr__(self, name):
        lamina = importlib.import_module("lamina")
        value = getattr(lamina, name)
        if isinstance(value, types.ModuleType) and target_of(f"keras.{name}") is not None:
            # through the alias loader, which also sets Keras 2 children (keras.utils.np_utils)
            return importlib.import_module(f"keras.{name}")
        return value

    def __dir__(self):
        return sorted(set(dir(importlib.import_module("lamina"))) | set(self.__dict__))


class _AliasLoader(importlib.abc.Loader):
    def __init__(self, target):
        self.target = target

    def create_module(self, spec):
        if spec.name == "keras":
            module = _KerasRoot("keras", importlib.import_module("lamina").__doc__)
            module.__path__ = []
            module.backend = importlib.import_module("lamina.compat.backend")
        else:
            module = importlib.import_module(self.target)
        # `from keras.utils import np_utils` looks for the attribute on lamina.utils first
        # (and then for `lamina.utils.np_utils`), so legacy children are set as attributes.
        prefix = spec.name + "."
        for keras_name, target in MODULE_MAP.items():
            child = keras_name[len(prefix):]
            if keras_name.startswith(prefix) and "." not in child and not hasattr(module, child):
                setattr(module, child, importlib.import_module(target))
        return module

    def exec_module(self, module):
        pass


class KerasAliasFinder(importlib.abc.MetaPathFinder):
    """Finds ``keras.*`` modules in lamina."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != "keras" and not fullname.startswith("keras."):
            return None
        target_name = target_of(fullname)
        if target_name is None:
            return None
        return importlib.machinery.ModuleSpec(fullname, _AliasLoader(target_name),
                                              is_package=True)


_FINDER = KerasAliasFinder()


def install() -> None:
    """Make ``import keras`` import lamina in this process."""
    importlib.import_module("lamina.compat.layers")  # old layer class names load from configs
    importlib.import_module("lamina.optimizers.optimizer").KERAS2_DECAY = True  # SGD(decay=)
    importlib.import_module("lamina.saving.weights_h5").KERAS2_PATHS = True  # save_weights("w.h5")
    importlib.import_module("lamina.callbacks.keras2_names").ENABLED = True  # history["acc"]
    if _FINDER not in sys.meta_path:
        sys.meta_path.insert(0, _FINDER)
        # a real Keras already imported in this process is set aside (not thrown away):
        # uninstall() puts it back, so its own lazy imports still find the same classes
        _REAL_KERAS.update(_pop_modules("keras"))
    importlib.import_module("lamina.compat.tf_alias").install()  # tf.keras scripts too


def uninstall() -> None:
    importlib.import_module("lamina.compat.tf_alias").uninstall()
    importlib.import_module("lamina.optimizers.optimizer").KERAS2_DECAY = False
    importlib.import_module("lamina.saving.weights_h5").KERAS2_PATHS = False
    importlib.import_module("lamina.callbacks.keras2_names").ENABLED = False
    if _FINDER in sys.meta_path:
        sys.meta_path.remove(_FINDER)
        _pop_modules("keras")  # the alias's modules
        sys.modules.update(_REAL_KERAS)
        _REAL_KERAS.clear()


_REAL_KERAS: dict = {}


def _pop_modules(root: str) -> dict:
    """Remove ``root`` and its submodules from ``sys.modules``; return what was removed."""
    names = [n for n in sys.modules if n == root or n.startswith(root + ".")]
    return {name: sys.modules.pop(name) for name in names}
