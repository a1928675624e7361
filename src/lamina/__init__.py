"""lamina: the Keras API, written anew, on PyTorch (and JAX).

>>> import lamina
>>> from lamina import layers
>>> model = lamina.Sequential([layers.Dense(512, activation="relu", input_shape=(784,)),
...                            layers.Dense(10, activation="softmax")])
>>> model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
"""

__version__ = "0.1.0"

from lamina import (  # noqa: E402
    activations,
    callbacks,
    config,
    constraints,
    datasets,
    initializers,
    layers,
    losses,
    metrics,
    models,
    ops,
    optimizers,
    regularizers,
    utils,
)
from lamina.layers import Input, InputLayer, Layer  # noqa: E402
from lamina.models import Model, Sequential  # noqa: E402
from lamina.ops.symbolic import SymbolicTensor as KerasTensor  # noqa: E402

from lamina import compat as _compat  # noqa: E402,F401  (installs Keras 2 spellings)

__all__ = [
    "Input", "InputLayer", "KerasTensor", "Layer", "Model", "Sequential", "activations",
    "callbacks", "config", "constraints", "datasets", "initializers", "layers", "losses",
    "metrics", "models", "ops", "optimizers", "regularizers", "utils", "__version__",
]
