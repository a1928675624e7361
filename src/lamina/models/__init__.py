"""Models (``lamina.models``, served as ``keras.models``)."""

from lamina.models.cloning import clone_model
from lamina.models.functional import Functional
from lamina.models.model import Model
from lamina.models.sequential import Sequential
from lamina.models.serialization import deserialize_layer, model_from_json, serialize_layer

__all__ = [
           "Functional",
           "Model",
           "Sequential",
           "clone_model",
           "deserialize_layer",
           "model_from_json",
           "serialize_layer",
]
