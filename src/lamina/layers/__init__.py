"""Layers (``lamina.layers``, served as ``keras.layers``).

Each family package (core, convolutional, pooling, ...) lists its public classes and Keras'
aliases for them (``MaxPool2D``) in its ``__all__``; they are all gathered here.
"""

from lamina.layers import (
    activations,
    attention,
    audio,
    convolutional,
    core,
    merging,
    normalization,
    pooling,
    preprocessing,
    recurrent,
    regularization,
    reshaping,
)
from lamina.layers.input_layer import Input, InputLayer  # noqa: F401 (public names)
from lamina.layers.input_spec import InputSpec  # noqa: F401 (public name)
from lamina.layers.layer import Layer

_FAMILIES = (core, regularization, reshaping, convolutional, pooling, normalization, merging,
             attention, activations, recurrent, preprocessing, audio)

_BY_NAME = {"InputLayer": InputLayer, "Layer": Layer}
for _family in _FAMILIES:
    for _name in _family.__all__:
        _obj = getattr(_family, _name)
        globals()[_name] = _obj
        if isinstance(_obj, type) and issubclass(_obj, Layer):
            _BY_NAME[_name] = _obj


def get_builtin_layer(name: str):
    """The built-in layer class called ``name`` (e.g. ``'Dense'``, or an alias), or None."""
    return _BY_NAME.get(name)


__all__ = sorted(set(_BY_NAME) | {n for f in _FAMILIES for n in f.__all__}
                 | {"Input", "InputSpec", "get_builtin_layer"})
