"""Layers that wrap another engine's code: ``JaxLayer``, ``FlaxLayer``, ``TFSMLayer``.

They exist so programs find them, and raise what Keras 3 raises on the torch backend: a JAX
function or Flax module runs only on the JAX backend, a TensorFlow SavedModel only with
TensorFlow. Nothing is accepted and then ignored.
"""

from __future__ import annotations

from lamina import config
from lamina.layers.layer import Layer


class JaxLayer(Layer):
    """Wraps a JAX function as a layer (Keras' ``keras.layers.JaxLayer``): JAX backend only."""

    def __init__(self, call_fn, init_fn=None, params=None, state=None, seed=None,
                 native_serialization_platforms=None, name=None, trainable=True, dtype=None,
                 autocast=True, activity_regularizer=None):
        raise ValueError(
            "JaxLayer is only supported with the JAX backend. Current backend: "
            f"{config.backend()}. lamina's JAX backend is not built yet; wrap a torch module "
            "with keras.layers.TorchModuleWrapper instead.")


class FlaxLayer(JaxLayer):
    """Wraps a Flax module as a layer (Keras' ``keras.layers.FlaxLayer``): JAX backend only."""

    def __init__(self, module, method=None, variables=None, name=None, trainable=True,
                 dtype=None, seed=None, native_serialization_platforms=None, autocast=True,
                 activity_regularizer=None):
        raise ValueError(
            "FlaxLayer is only supported with the JAX backend (and needs `flax` installed). "
            f"Current backend: {config.backend()}. lamina's JAX backend is not built yet.")


class TFSMLayer(Layer):
    """Loads a TensorFlow SavedModel as a layer (Keras' ``keras.layers.TFSMLayer``)."""

    def __init__(self, filepath, call_endpoint="serve", call_training_endpoint=None,
                 trainable=True, name=None, dtype=None):
        raise NotImplementedError(
            "TFSMLayer loads a TensorFlow SavedModel, which needs TensorFlow (`pip install "
            "tensorflow`) and the TensorFlow backend; lamina runs on PyTorch. Load a `.keras` "
            "or `.h5` file with keras.models.load_model, or an ONNX export with onnxruntime.")
