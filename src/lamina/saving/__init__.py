"""Saving and loading (``keras.saving``): ``.keras`` files, ``.weights.h5`` files and Keras 2
``.h5`` files, all readable by (and read from) real Keras 3.

>>> import lamina
>>> model.save("model.keras")                           # doctest: +SKIP
>>> restored = lamina.saving.load_model("model.keras")  # doctest: +SKIP
>>> lamina.saving.convert("old_keras2.h5", "new.keras") # doctest: +SKIP
"""

from __future__ import annotations

from lamina.models.model import SAVING_HOOKS
from lamina.saving.api import load_model, load_weights, save_model, save_weights
from lamina.saving.convert import convert
from lamina.saving.file_editor import KerasFileEditor
from lamina.saving.serialization import deserialize_keras_object, serialize_keras_object
from lamina.utils.registry import (
    CustomObjectScope,
    custom_object_scope,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
)

from lamina import models as _models_package  # noqa: E402

# Model.save / save_weights / load_weights live on a lower floor and call these.
SAVING_HOOKS["save_model"] = save_model
SAVING_HOOKS["save_weights"] = save_weights
SAVING_HOOKS["load_weights"] = load_weights

# keras.models.load_model / save_model: published on the models package from this floor,
# so that models/ itself never imports saving/ (imports flow one way).
_models_package.load_model = load_model
_models_package.save_model = save_model


__all__ = [
    "CustomObjectScope", "KerasFileEditor", "convert", "custom_object_scope",
    "deserialize_keras_object", "get_custom_objects",
    "get_registered_name", "get_registered_object", "load_model", "load_weights",
    "register_keras_serializable", "save_model", "save_weights", "serialize_keras_object",
]
