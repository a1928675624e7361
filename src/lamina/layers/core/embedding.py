"""Embedding: turn integer ids into dense vectors, rows of a trainable table."""

from __future__ import annotations

import warnings

from lamina import constraints, initializers, regularizers
from lamina.ops import kernels as ops  # the training path: no conversion
from lamina.backend import core as backend
from lamina.backend import nn
from lamina.layers.core import _quantize
from lamina.layers.core._lora import LoraMixin, lora_property
from lamina.layers.layer import Layer


def _positive_int(value, what):
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(
            f"Embedding: `{what}` must be a positive integer, got {value!r} "
            f"(of type {type(value).__name__})."
        )
    return value


class Embedding(_quantize.QuantizedVariablesMixin, LoraMixin, Layer):
    """Rows of an ``(input_dim, output_dim)`` table picked by integer ids.

    With ``mask_zero=True`` id 0 is padding: the output carries a mask (``ids != 0``) that
    layers downstream which take ``mask`` receive.

    >>> import lamina
    >>> emb = lamina.layers.Embedding(10, 4)
    >>> tuple(emb(lamina.ops.convert_to_tensor([[1, 2, 3]])).shape)
    (1, 3, 4)

    ``lora_rank`` (or ``enable_lora(rank)``) freezes the table and learns a low-rank update.
    """

    _lora_target = "embeddings"
    embeddings = lora_property("embeddings")
    _QUANTIZED_FILE = ("_embeddings", "embeddings_scale")  # Keras' int8 file order

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform",
                 embeddings_regularizer=None, embeddings_constraint=None, mask_zero=False,
                 weights=None, lora_rank=None, lora_alpha=None, quantization_config=None,
                 **kwargs):
        self.input_dim = _positive_int(input_dim, "input_dim")
        self.output_dim = _positive_int(output_dim, "output_dim")
        input_length = kwargs.pop("input_length", None)
        if input_length is not None:
            # Keras 2's way to give a first layer its input shape; Keras 3 drops it (and its
            # Sequential stays unbuilt), lamina keeps its meaning
            warnings.warn("Embedding(input_length=n) is Keras 2's spelling of "
                          "Input(shape=(n,)) before the layer.", DeprecationWarning,
                          stacklevel=2)
            if kwargs.get("input_shape") is None and kwargs.get("batch_input_shape") is None:
                kwargs["input_shape"] = (input_length,)
        activity_regularizer = kwargs.pop("activity_regularizer", None)
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero = mask_zero
        self.supports_masking = bool(mask_zero)
        self.autocast = False
        self._init_lora(lora_rank, lora_alpha)
        self.quantization_config = _quantize.config_from_argument(self, quantization_config)
        if weights is not None:
            self.build()
            if not (isinstance(weights, list) and len(weights) == 1):
                weights = [weights]
            self.set_weights(weights)

    def build(self, input_shape=None):
        if self.built:
            return
        if self.quantization_mode:  # loaded from a quantized model's config
            _quantize.build_int8_weight(self, (self.input_dim, self.output_dim), self.input_dim,
                                        "embeddings", "embeddings_scale")
        else:
            self._add_lora_base(self.add_weight(
                shape=(self.input_dim, self.output_dim), initializer=self.embeddings_initializer,
                name="embeddings", regularizer=self.embeddings_regularizer,
                constraint=self.embeddings_constraint,
            ))
        self.built = True
        self._maybe_enable_lora()

    def _table(self):
        return self.embeddings if self.lora_enabled else self._embeddings

    def call(self, inputs):
        if self.quantization_mode:
            rows = nn.embedding_lookup(self._embeddings, inputs)
            scale = ops.take(self.embeddings_scale, inputs, axis=0)
            out = ops.divide(backend.cast(rows, self._compute_dtype),
                             ops.expand_dims(scale, -1))
            if self.mask_zero:
                out._keras_mask = ops.not_equal(inputs, 0)
            return out
        out = nn.embedding_lookup(self._table(), inputs)
        if out.dtype != self._engine_compute_dtype:
            out = backend.cast(out, self._compute_dtype)
        if self.mask_zero:
            # attached here: the mask comes from the ids, not from an incoming mask
            out._keras_mask = ops.not_equal(inputs, 0)
        return out

    def quantize(self, mode=None, type_check=True, config=None):
        """Store the table as int8 with one scale per row (Keras 3's ``"int8"`` scheme)."""
        if type_check and type(self) is not Embedding:
            raise NotImplementedError(
                f"Layer {type(self).__name__} does not have a `quantize()` method implemented.")
        _quantize.quantize_weight(self, mode, config, axis=-1, target="embeddings",
                                  scale_name="embeddings_scale")

    def compute_mask(self, inputs, mask=None):
        if not self.mask_zero:
            return None
        return ops.not_equal(inputs, 0)

    def compute_output_shape(self, input_shape):
        return (*input_shape, self.output_dim)

    def get_config(self):
        cfg = super().get_config()
        cfg.update({
            "input_dim": self.input_dim,
            "output_dim": self.output_dim,
            "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
            "embeddings_regularizer": regularizers.serialize(self.embeddings_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "embeddings_constraint": constraints.serialize(self.embeddings_constraint),
            "mask_zero": self.mask_zero,
            "quantization_config": _quantize.serialize_config(self.quantization_config),
        })
        return self._lora_config(cfg)
