"""Attention: dot-product (Luong-style) attention of a query over a value sequence."""

from __future__ import annotations

from lamina.ops import kernels as ops  # the training path: no conversion
from lamina.backend import nn
from lamina.layers.layer import Layer
from lamina.ops.symbolic import SymbolicTensor


class Attention(Layer):
    """Scores ``query . key`` (or ``sum(tanh(query + key))`` with ``score_mode="concat"``),
    softmax over the value steps, and a weighted sum of ``value``.

    Called on ``[query, value]`` or ``[query, value, key]`` of shapes ``(B, Tq, dim)`` and
    ``(B, Tv, dim)``; ``mask=[query_mask, value_mask]`` (or the inputs' own masks) hide value
    steps and zero the output at masked query steps.

    >>> import lamina
    >>> q, v = lamina.ops.ones((2, 3, 4)), lamina.ops.ones((2, 5, 4))
    >>> tuple(lamina.layers.Attention()([q, v]).shape)
    (2, 3, 4)
    """

    def __init__(self, use_scale=False, score_mode="dot", dropout=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        if score_mode not in ("dot", "concat"):
            raise ValueError(f"{type(self).__name__}: `score_mode` must be 'dot' or 'concat', "
                             f"got score_mode={score_mode!r}")
        self.use_scale = use_scale
        self.score_mode = score_mode
        self.dropout = dropout
        self.seed = seed
        self.supports_masking = True

    def build(self, input_shape):
        self._validate_inputs(input_shape)
        self.scale = None
        self.concat_score_weight = None
        if self.use_scale:
            self.scale = self.add_weight(shape=(), initializer="ones", name="scale")
        if self.score_mode == "concat":
            self.concat_score_weight = self.add_weight(shape=(), initializer="ones",
                                                       name="concat_score_weight")
        self.built = True

    def _calculate_scores(self, query, key):
        """Scores of shape (B, Tq, Tv) for query (B, Tq, dim) and key (B, Tv, dim)."""
        if self.score_mode == "dot":
            scores = ops.matmul(query, ops.moveaxis(key, -1, -2))
            return scores if self.scale is None else scores * self.scale
        summed = ops.expand_dims(query, -2) + ops.expand_dims(key, -3)
        if self.scale is not None:
            summed = self.scale * summed
        return self.concat_score_weight * ops.sum(ops.tanh(summed), axis=-1)

    def _apply_scores(self, scores, value, scores_mask=None, training=False):
        """Softmax of ``scores`` (masked steps left out), then the weighted sum of ``value``."""
        if scores_mask is not None:
            big = 65504.0 if ops.dtype(scores) == "float16" else 1.0e9
            if scores_mask.ndim == 2:
                scores_mask = ops.expand_dims(scores_mask, -2)
            scores = ops.where(scores_mask, scores, scores - big)
        weights = ops.softmax(scores, axis=-1)
        if training and self.dropout > 0:
            weights = nn.dropout(weights, self.dropout)
        return ops.matmul(weights, value), weights

    def _calculate_score_mask(self, scores, v_mask, use_causal_mask):
        if not use_causal_mask:
            return v_mask
        tq, tv = scores.shape[-2], scores.shape[-1]
        causal = ops.greater_equal(ops.reshape(ops.arange(tq), (1, tq, 1)),
                                   ops.reshape(ops.arange(tv), (1, 1, tv)))
        if v_mask is None:
            return causal
        return ops.logical_and(ops.expand_dims(v_mask, -2), causal)

    def call(self, inputs, mask=None, training=False, return_attention_scores=False,
             use_causal_mask=False):
        self._validate_inputs(inputs, mask)
        q, v = inputs[0], inputs[1]
        k = inputs[2] if len(inputs) > 2 else v
        q_mask = mask[0] if mask else None
        v_mask = mask[1] if mask else None
        if v_mask is not None:
            v_mask = ops.cast(v_mask, "bool")
        scores = self._calculate_scores(query=q, key=k)
        scores_mask = self._calculate_score_mask(scores, v_mask, use_causal_mask)
        output, weights = self._apply_scores(scores, v, scores_mask, training=training)
        if q_mask is not None:
            q_mask = ops.cast(q_mask, "bool")
            output = ops.where(ops.expand_dims(q_mask, -1), output, 0.0)
            try:
                output._keras_mask = q_mask
            except AttributeError:
                pass
        if return_attention_scores:
            return output, weights
        return output

    def compute_mask(self, inputs, mask=None):
        self._validate_inputs(inputs, mask)
        if mask is None or mask[0] is None:
            return None
        return mask[0]

    def compute_output_shape(self, input_shape):
        return (*input_shape[0][:-1], input_shape[1][-1])

    def _output_spec(self, args, kwargs):
        inputs = args[0] if args else kwargs.get("inputs")
        self._validate_inputs(inputs, kwargs.get("mask"))
        shapes = [tuple(t.shape) for t in inputs]
        out = SymbolicTensor(self.compute_output_shape(shapes), self.compute_dtype)
        if not kwargs.get("return_attention_scores"):
            return out
        key_shape = shapes[2] if len(shapes) > 2 else shapes[1]
        return out, SymbolicTensor((*shapes[0][:-1], key_shape[-2]), self.compute_dtype)

    def _validate_inputs(self, inputs, mask=None):
        name = type(self).__name__
        if not isinstance(inputs, (list, tuple)) or not all(
            isinstance(x, (list, tuple)) or hasattr(x, "shape") for x in inputs
        ):
            raise ValueError(f"{name} layer must be called on a list of inputs, namely "
                             f"[query, value] or [query, value, key]. Received: {inputs!r}")
        if not 2 <= len(inputs) <= 3:
            raise ValueError(f"{name} layer accepts an inputs list of length 2 or 3, namely "
                             f"[query, value] or [query, value, key]; got {len(inputs)}.")
        if mask is not None:
            if not isinstance(mask, (list, tuple)):
                raise ValueError(f"{name} layer mask must be a list, namely "
                                 f"[query_mask, value_mask]. Received: mask={mask!r}")
            if not 2 <= len(mask) <= 3:
                raise ValueError(f"{name} layer accepts a mask list of length 2 or 3; "
                                 f"got {len(mask)}.")

    def get_config(self):
        cfg = super().get_config()
        cfg.update({"use_scale": self.use_scale, "score_mode": self.score_mode,
                    "dropout": self.dropout, "seed": self.seed})
        return cfg
