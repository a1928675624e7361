"""lamina: the Keras API, written anew, on PyTorch (and JAX).

>>> import lamina
>>> from lamina import layers
>>> model = lamina.Sequential([layers.Dense(512, activation="relu", input_shape=(784,)),
...                            layers.Dense(10, activation="softmax")])
>>> model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
"""

__version__ = "0.1.0"

import gc as _gc

# Importing lamina creates many long-lived objects (classes, functions); a garbage-collector
# pass in the middle of it only walks torch's object graph and finds nothing to free, so the
# collector waits until the import is done.
_gc_was_enabled = _gc.isenabled()
_gc.disable()
try:
    from lamina import (
        activations,
        callbacks,
        config,
        constraints,
        datasets,
        distribution,
        dtype_policies,
        export,
        initializers,
        layers,
        legacy,
        losses,
        metrics,
        mixed_precision,
        models,
        ops,
        optimizers,
        preprocessing,
        quantizers,
        random,
        regularizers,
        saving,
        tree,
        utils,
        visualization,
        wrappers,
    )
    from lamina import compat as _compat  # noqa: F401  (installs Keras 2 spellings)
    from lamina.dtype_policies import DTypePolicy, FloatDTypePolicy
    from lamina.initializers import Initializer
    from lamina.layers import Input, InputLayer, Layer
    from lamina.layers.input_spec import InputSpec
    from lamina.losses import Loss
    from lamina.metrics import Metric
    from lamina.models import Model, Sequential
    from lamina.models.function import Function
    from lamina.ops.symbolic import SymbolicTensor as KerasTensor
    from lamina.optimizers import Optimizer
    from lamina.regularizers import Regularizer
    from lamina.scopes import device, name_scope, remat
    from lamina.variables import Variable
    from lamina import applications  # after models/saving: it builds on them
finally:
    if _gc_was_enabled:
        _gc.enable()


# Heavier packages load when first used (``lamina.applications``, ``keras.applications``).
_LAZY_SUBMODULES = ("applications",)


def __getattr__(name):
    if name in _LAZY_SUBMODULES:
        import importlib

        try:
            return importlib.import_module(f"lamina.{name}")
        except ModuleNotFoundError as e:
            if e.name != f"lamina.{name}":
                raise
    raise AttributeError(f"module 'lamina' has no attribute {name!r}")


def version() -> str:
    """lamina's version (``keras.version()`` under ``lamina run``)."""
    return __version__


__all__ = [
    "DTypePolicy", "FloatDTypePolicy", "Function", "Initializer", "InputSpec", "Loss", "Metric", "Optimizer",
    "Regularizer", "Variable", "device", "legacy", "distribution", "dtype_policies", "export",
    "name_scope", "quantizers", "remat", "tree", "version", "visualization", "wrappers",
    "Input", "InputLayer", "KerasTensor", "Layer", "Model", "Sequential", "__version__",
    "activations", "applications", "callbacks", "config", "constraints", "datasets", "initializers", "layers",
    "losses", "metrics", "mixed_precision", "models", "ops", "optimizers", "preprocessing",
    "random", "regularizers", "saving", "utils",
]
