"""Models (``lamina.models``, served as ``keras.models``)."""

from lamina.models.cloning import clone_model
from lamina.models.functional import Functional
from lamina.models.model import Model
from lamina.models.sequential import Sequential
from lamina.models.serialization import deserialize_layer, model_from_json, serialize_layer

from lamina import layers as _layers_package  # noqa: E402

# keras.layers.serialize / deserialize: published on the layers package from this floor,
# where layer configs are read and written (layers/ itself never imports models/).
_layers_package.serialize = serialize_layer
_layers_package.deserialize = deserialize_layer

__all__ = [
           "Functional",
           "Model",
           "Sequential",
           "clone_model",
           "deserialize_layer",
           "model_from_json",
           "serialize_layer",
]
