"""InputLayer and Input(): where a functional model's data enters."""

from __future__ import annotations

from lamina import config
from lamina.backend import core as backend
from lamina.layers.layer import Layer
from lamina.layers.node import Node
from lamina.ops.symbolic import SymbolicTensor

# Keras' spellings of a string input (``"string"``, ``str``, ``tf.string``); strings have no
# engine tensor, so such an input carries host arrays (NumPy ``str``/``bytes``/object) to the
# string-taking layers (StringLookup, TextVectorization, Hashing, ...)
_STRING_NAMES = ("string", "str")


def _is_string_dtype(dtype) -> bool:
    if dtype is str or dtype is bytes:
        return True
    if isinstance(dtype, str):
        return dtype in _STRING_NAMES
    return getattr(dtype, "name", None) == "string"  # tf.string


class InputLayer(Layer):
    """The layer behind ``Input()``: it owns the symbolic tensor a model's data replaces.

    >>> import lamina
    >>> tuple(lamina.layers.InputLayer(shape=(4,)).output.shape)
    (None, 4)
    >>> lamina.layers.InputLayer(shape=(1,), dtype="string").output.dtype
    'string'
    """

    def __init__(self, shape=None, batch_size=None, dtype=None, sparse=None, batch_shape=None,
                 input_tensor=None, optional=False, name=None, ragged=None, **kwargs):
        # Keras 2 spellings
        if "input_shape" in kwargs and shape is None:
            shape = kwargs.pop("input_shape")
        if "batch_input_shape" in kwargs and batch_shape is None:
            batch_shape = kwargs.pop("batch_input_shape")
        kwargs.pop("trainable", None)
        if ragged:
            # as Keras 3 on torch (and jax): no ragged tensors, so refused rather than ignored
            raise ValueError(
                "InputLayer: `ragged=True` is not supported with lamina (no ragged tensors on "
                "torch, as in Keras 3's torch backend); pad the sequences (keras.utils."
                "pad_sequences) and use masking instead.")
        is_string = _is_string_dtype(dtype)
        super().__init__(name=name, dtype=None if is_string else dtype, **kwargs)
        if shape is not None and batch_shape is not None:
            raise ValueError("InputLayer: give `shape` or `batch_shape`, not both.")
        if batch_shape is None:
            if shape is None:
                raise ValueError(
                    "InputLayer: the input shape is missing. Pass `shape=` (without the batch "
                    "dimension), e.g. Input(shape=(784,))."
                )
            shape = (shape,) if isinstance(shape, int) else tuple(shape)
            batch_shape = (batch_size,) + shape
        self.batch_shape = tuple(None if d is None else int(d) for d in batch_shape)
        self._input_dtype = "string" if is_string else \
            backend.standardize_dtype(dtype or config.floatx())
        self.sparse = bool(sparse)
        self.optional = optional
        self.built = True
        if input_tensor is None:
            input_tensor = SymbolicTensor(self.batch_shape, self._input_dtype, name=self.name)
        Node(self, (), {}, input_tensor)
        self._input_tensor = input_tensor

    @property
    def dtype(self):
        return self._input_dtype

    @property
    def output(self):
        return self._input_tensor

    def call(self, inputs):
        return inputs

    def get_config(self):
        return {
            "batch_shape": list(self.batch_shape),
            "dtype": self._input_dtype,
            "sparse": self.sparse,
            "ragged": False,
            "name": self.name,
            "optional": self.optional,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config.pop("ragged", None)
        return cls(**config)


def Input(shape=None, batch_size=None, dtype=None, sparse=None, batch_shape=None, name=None,
          tensor=None, optional=False, **kwargs):
    """A symbolic tensor to build a functional model from.

    >>> import lamina
    >>> x = lamina.Input(shape=(784,))
    >>> tuple(x.shape)
    (None, 784)
    """
    layer = InputLayer(shape=shape, batch_size=batch_size, dtype=dtype, sparse=sparse,
                       batch_shape=batch_shape, name=name, input_tensor=tensor,
                       optional=optional, **kwargs)
    return layer.output
