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
        initializers,
        layers,
        losses,
        metrics,
        mixed_precision,
        models,
        ops,
        optimizers,
        preprocessing,
        random,
        regularizers,
        saving,
        utils,
    )
    from lamina import compat as _compat  # noqa: F401  (installs Keras 2 spellings)
    from lamina.layers import Input, InputLayer, Layer
    from lamina.models import Model, Sequential
    from lamina.ops.symbolic import SymbolicTensor as KerasTensor
finally:
    if _gc_was_enabled:
        _gc.enable()

__all__ = [
    "Input", "InputLayer", "KerasTensor", "Layer", "Model", "Sequential", "__version__",
    "activations", "callbacks", "config", "constraints", "datasets", "initializers", "layers",
    "losses", "metrics", "mixed_precision", "models", "ops", "optimizers", "preprocessing",
    "random", "regularizers", "saving", "utils",
]
