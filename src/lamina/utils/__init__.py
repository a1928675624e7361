"""Utilities (``lamina.utils``, served as ``keras.utils``)."""

from lamina.config import (
    disable_interactive_logging,
    enable_interactive_logging,
    is_interactive_logging_enabled,
)
from lamina.utils.config_dict import Config
from lamina.utils.data_utils import (
    get_source_inputs,
    pack_x_y_sample_weight,
    unpack_x_y_sample_weight,
)
from lamina.utils.dataset import Dataset
from lamina.utils.dataset_split import split_dataset
from lamina.utils.dtype_utils import standardize_dtype
from lamina.utils import legacy
from lamina.utils.file_utils import get_file
from lamina.utils.model_visualization import model_to_dot, plot_model
from lamina.utils.numerical import normalize, to_categorical
from lamina.utils.progbar import Progbar
from lamina.utils.training_plots import plot_history
from lamina.utils.py_dataset import PyDataset, Sequence
from lamina.utils.registry import (
    CustomObjectScope,
    custom_object_scope,
    get_custom_objects,
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
    "text_dataset_from_directory": "lamina.preprocessing.text_dataset",
    "audio_dataset_from_directory": "lamina.preprocessing.audio_dataset",
    "timeseries_dataset_from_array": "lamina.preprocessing.timeseries",
    "pad_sequences": "lamina.preprocessing.sequence",
    # and these from the floors that define them (saving/, the symbolic tensors)
    "serialize_keras_object": "lamina.saving.serialization",
    "deserialize_keras_object": "lamina.saving.serialization",
    "is_keras_tensor": "lamina.compat.backend",
    "FeatureSpace": "lamina.layers.preprocessing.feature_space",
}


def __getattr__(name):
    if name in _FROM_PREPROCESSING:
        import importlib

        return getattr(importlib.import_module(_FROM_PREPROCESSING[name]), name)
    if name == "bounding_boxes":  # a module built on lamina.ops, loaded when first used
        import importlib

        return importlib.import_module("lamina.utils.bounding_boxes")
    raise AttributeError(f"module 'lamina.utils' has no attribute {name!r}")


def clear_session(free_memory: bool = True) -> None:
    """Forget the global state: layer names restart at ``dense`` (not ``dense_7``), and unused
    memory is collected if ``free_memory``."""
    import gc

    from lamina.utils import registry

    registry.reset_uids()
    if free_memory:
        gc.collect()


def set_random_seed(seed: int) -> None:
    """Seed Python's, NumPy's and the engine's random generators (reproducible runs)."""
    from lamina.backend import random

    random.set_global_seed(int(seed))


__all__ = [
    "Config", "clear_session", "legacy", "disable_interactive_logging", "enable_interactive_logging",
    "get_custom_objects", "get_source_inputs", "is_interactive_logging_enabled",
    "pack_x_y_sample_weight", "standardize_dtype", "unpack_x_y_sample_weight",
    "CustomObjectScope", "Dataset", "Progbar", "PyDataset", "Sequence", "custom_object_scope", "get_file", "get_registered_name",
    "get_registered_object", "model_to_dot", "normalize", "plot_history", "plot_model", "register_keras_serializable",
    "set_random_seed", "split_dataset",
    "to_categorical", *_FROM_PREPROCESSING,
]
