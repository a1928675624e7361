"""lamina: the Keras API, written anew, on PyTorch (and JAX).

>>> import lamina
>>> from lamina import layers
>>> model = lamina.Sequential([layers.Dense(512, activation="relu", input_shape=(784,)),
...                            layers.Dense(10, activation="softmax")])
>>> model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
"""

__version__ = "0.1.0"

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

__all__ = [
    "Input",
    "InputLayer",
    "KerasTensor",
    "Layer",
    "Model",
    "Sequential",
    "__version__",
    "activations",
    "callbacks",
    "config",
    "constraints",
    "datasets",
    "initializers",
    "layers",
    "losses",
    "metrics",
    "models",
    "ops",
    "optimizers",
    "regularizers",
    "utils",
]
