"""Layers (``lamina.layers``, served as ``keras.layers``)."""

from lamina.layers.core import Activation, Dense, Identity, Lambda
from lamina.layers.input_layer import Input, InputLayer
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer
from lamina.layers.regularization import Dropout
from lamina.layers.reshaping import Flatten, Reshape

_CLASSES = [Activation, Dense, Identity, Lambda, InputLayer, Layer, Dropout, Flatten, Reshape]


def get_builtin_layer(name: str):
    """The built-in layer class called ``name`` (e.g. ``'Dense'``), or None."""
    return _BY_NAME.get(name)


_BY_NAME = {cls.__name__: cls for cls in _CLASSES}

__all__ = [c.__name__ for c in _CLASSES] + ["Input", "InputSpec", "get_builtin_layer"]
