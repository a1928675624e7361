"""Utilities (``lamina.utils``, served as ``keras.utils``)."""

from lamina.utils.file_utils import get_file
from lamina.utils.model_visualization import model_to_dot, plot_model
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


# Keras serves these from keras.utils; they live a floor up (lamina.preprocessing), so they
# are looked up on first use rather than imported here.
_FROM_PREPROCESSING = {
    "load_img": "lamina.preprocessing.image_utils",
    "img_to_array": "lamina.preprocessing.image_utils",
    "array_to_img": "lamina.preprocessing.image_utils",
    "save_img": "lamina.preprocessing.image_utils",
    "image_dataset_from_directory": "lamina.preprocessing.image_dataset",
    "pad_sequences": "lamina.preprocessing.sequence",
}


def __getattr__(name):
    if name in _FROM_PREPROCESSING:
        import importlib

        return getattr(importlib.import_module(_FROM_PREPROCESSING[name]), name)
    raise AttributeError(f"module 'lamina.utils' has no attribute {name!r}")


def set_random_seed(seed: int) -> None:
    """Seed Python's, NumPy's and the engine's random generators (reproducible runs)."""
    from lamina.backend import random

    random.set_global_seed(int(seed))


__all__ = [
    "CustomObjectScope", "Progbar", "PyDataset", "Sequence", "custom_object_scope", "get_file", "get_registered_name",
    "get_registered_object", "model_to_dot", "normalize", "plot_model", "register_keras_serializable",
    "set_random_seed",
    "to_categorical", *_FROM_PREPROCESSING,
]
