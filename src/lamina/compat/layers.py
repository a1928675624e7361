"""Keras 2 layer spellings, as thin aliases over ``lamina.layers`` (DESIGN rule 12).

This module serves the Keras 2 layer modules under ``lamina run`` (``keras.layers.merge``,
``keras.layers.advanced_activations``, ``keras.layers.wrappers``, ``keras.layers.core``, ...;
see ``keras_alias.MODULE_MAP``): every name of ``lamina.layers`` is found here, looked up when
asked (so layers added later appear too), plus the few Keras 2 names Keras 3 dropped. Importing
it also registers the old class names with the config loader, so Keras 2 files that name them
load.

>>> from lamina.compat import layers as legacy
>>> legacy.concatenate is __import__("lamina").layers.concatenate   # keras.layers.merge
True
>>> legacy.ThresholdedReLU(theta=1.0)(legacy.ops.convert_to_tensor([0.5, 2.0])).tolist()
[0.0, 2.0]
"""

from __future__ import annotations

import warnings

from lamina import layers as _layers
from lamina import ops
from lamina.models import serialization as _serialization


class ThresholdedReLU(_layers.Layer):
    """Keras 2's ``x if x > theta else 0``; Keras 3 spells it ``ReLU(threshold=theta)``."""

    supports_masking = True

    def __init__(self, theta=1.0, **kwargs):
        warnings.warn("ThresholdedReLU(theta) is the Keras 2 spelling of ReLU(threshold=theta)",
                      DeprecationWarning, stacklevel=2)
        super().__init__(**kwargs)
        if theta is None or theta < 0:
            raise ValueError(f"ThresholdedReLU: `theta` must be a float >= 0, got theta={theta}")
        self.theta = float(theta)
        self.built = True

    def call(self, inputs):
        return ops.where(ops.greater(inputs, self.theta), inputs, 0.0)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        cfg = super().get_config()
        cfg["theta"] = self.theta
        return cfg


# Keras 1/2 class names that Keras 3 dropped -> the modern class name (a one-line note each).
_RENAMED = {
    "Convolution1D": "Conv1D",  # Keras 1
    "Convolution2D": "Conv2D",  # Keras 1
    "Convolution3D": "Conv3D",  # Keras 1
    "Deconvolution2D": "Conv2DTranspose",  # Keras 1
    "Deconvolution3D": "Conv3DTranspose",  # Keras 1
    "SeparableConvolution1D": "SeparableConv1D",  # Keras 1
    "SeparableConvolution2D": "SeparableConv2D",  # Keras 1
    "AtrousConvolution1D": "Conv1D",  # Keras 1: dilation_rate= since Keras 2
    "AtrousConvolution2D": "Conv2D",  # Keras 1: dilation_rate= since Keras 2
    "MaxPool1D": "MaxPooling1D",  # short name
    "MaxPool2D": "MaxPooling2D",
    "MaxPool3D": "MaxPooling3D",
    "AvgPool1D": "AveragePooling1D",
    "AvgPool2D": "AveragePooling2D",
    "AvgPool3D": "AveragePooling3D",
    "GlobalMaxPool1D": "GlobalMaxPooling1D",
    "GlobalMaxPool2D": "GlobalMaxPooling2D",
    "GlobalMaxPool3D": "GlobalMaxPooling3D",
    "GlobalAvgPool1D": "GlobalAveragePooling1D",
    "GlobalAvgPool2D": "GlobalAveragePooling2D",
    "GlobalAvgPool3D": "GlobalAveragePooling3D",
    "CuDNNLSTM": "LSTM",  # tf.keras 1.x: LSTM now picks the fused kernel itself
    "CuDNNGRU": "GRU",  # tf.keras 1.x
}

_EXTRA = {"ThresholdedReLU": ThresholdedReLU}

# Keras 2 merge-module functions (keras.layers.merge.concatenate, ...), from lamina.layers
MERGE_FUNCTIONS = ("add", "average", "concatenate", "dot", "maximum", "minimum", "multiply",
                   "subtract")


def _lookup(name: str):
    """The object called ``name`` in Keras 2's layer modules, or None."""
    obj = getattr(_layers, name, None)
    if obj is not None:
        return obj
    if name in _EXTRA:
        return _EXTRA[name]
    modern = _RENAMED.get(name)
    return getattr(_layers, modern, None) if modern else None


def __getattr__(name: str):
    # looked up late: lamina.layers may gain families (wrappers, merging, ...) after this import
    if name.startswith("__"):
        raise AttributeError(name)
    obj = _lookup(name)
    if obj is None:
        raise AttributeError(
            f"module 'keras.layers' (served by lamina) has no attribute {name!r}: lamina has no "
            f"layer or function of that name, old or new."
        )
    return obj


def __dir__():
    return sorted(set(globals()) | set(_layers.__all__) | set(_EXTRA)
                  | {n for n, m in _RENAMED.items() if hasattr(_layers, m)})


def register_legacy_classes() -> list[str]:
    """Let configs that name old classes (``ThresholdedReLU``, ``CuDNNLSTM``, ...) load.

    Returns the names registered now (those lamina.layers does not already know).
    """
    added = []
    for name in list(_EXTRA) + list(_RENAMED):
        if _layers.get_builtin_layer(name) is not None or name in _serialization.EXTRA_CLASSES:
            continue
        cls = _lookup(name)
        if isinstance(cls, type):
            _serialization.EXTRA_CLASSES[name] = cls
            added.append(name)
    return added


register_legacy_classes()

__all__ = sorted(set(_layers.__all__) | set(_EXTRA))
