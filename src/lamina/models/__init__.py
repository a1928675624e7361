"""Models (``lamina.models``, served as ``keras.models``)."""

from lamina.models.functional import Functional
from lamina.models.model import Model
from lamina.models.sequential import Sequential
from lamina.models.serialization import deserialize_layer, model_from_json, serialize_layer

__all__ = [
           "Functional",
           "Model",
           "Sequential",
           "deserialize_layer",
           "model_from_json",
           "serialize_layer",
]
