"""Utilities (``lamina.utils``, served as ``keras.utils``)."""

from lamina.utils.file_utils import get_file
from lamina.utils.numerical import normalize, to_categorical
from lamina.utils.progbar import Progbar
from lamina.utils.py_dataset import PyDataset, Sequence
from lamina.utils.registry import (
    CustomObjectScope,
    custom_object_scope,
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
)


def set_random_seed(seed: int) -> None:
    """Seed Python's, NumPy's and the engine's random generators (reproducible runs)."""
    from lamina.backend import random

    random.set_global_seed(int(seed))


__all__ = [
    "CustomObjectScope", "Progbar", "PyDataset", "Sequence", "custom_object_scope", "get_file", "get_registered_name",
    "get_registered_object", "normalize", "register_keras_serializable", "set_random_seed",
    "to_categorical",
]
