"""A stand-in for the ``tensorflow`` module, so tf.keras scripts run on lamina.

Served by ``lamina run`` only when TensorFlow itself is not installed (see
``lamina.compat.tf_alias``). It holds ``tf.keras`` (lamina's Keras), the tensor functions
that have a ``keras.ops`` twin under their TensorFlow names and argument conventions,
``GradientTape`` on the engine's autograd, ``function``, ``data.Dataset``, ``config`` and
``test``. Tensors are the engine's (torch tensors by default). Any other TensorFlow name
raises an error that names it and points to the ``keras.ops`` equivalent where one exists.

>>> import lamina.compat.tensorflow as tf
>>> float(tf.reduce_mean(tf.constant([[1.0, 2.0], [3.0, 4.0]])))
2.5
"""

from __future__ import annotations

import importlib

from lamina.compat.tensorflow._dtypes import (  # noqa: F401
    DType, as_dtype, bfloat16, bool, complex64, complex128, float16, float32, float64, int8,
    int16, int32, int64, string, uint8, uint16, uint32, uint64,
)
from lamina.compat.tensorflow._tensors import *  # noqa: F401,F403
from lamina.compat.tensorflow._tensors import __all__ as _tensor_names
from lamina.compat.tensorflow._tensors import _unsupported
from lamina.compat.tensorflow._training import (  # noqa: F401
    GradientTape, TensorShape, Variable, function, print_ as print, py_function,  # noqa: A001
)
from lamina.compat.tensorflow import (  # noqa: F401
    config, data, image, linalg, math, nn, random, strings, test,
)

# Scripts print or compare it; this is the TensorFlow 2 API the stand-in follows.
__version__ = "2.16.1"
version = type("version", (), {"VERSION": __version__, "GIT_VERSION": "lamina"})
newaxis = None
__lamina_standin__ = True

_SUBMODULES = {
    "keras": "keras",  # lamina's Keras, as `import keras` under `lamina run` serves it
    "errors": "lamina.compat.tensorflow.errors",
    "dtypes": "lamina.compat.tensorflow._dtypes",
    "experimental": "lamina.compat.tensorflow.experimental",
    "autograph": "lamina.compat.tensorflow.experimental",
    "summary": "lamina.compat.tensorflow.summary",
}


def __getattr__(name):
    if name in _SUBMODULES:
        module = importlib.import_module(_SUBMODULES[name])
        globals()[name] = module
        return module
    raise _unsupported(name)


__all__ = sorted(set(_tensor_names) | {
    "DType", "GradientTape", "TensorShape", "Variable", "function", "print", "py_function",
    "config", "data", "image", "linalg", "math", "nn", "random", "strings", "summary", "test",
    "keras",
    "newaxis",
})
