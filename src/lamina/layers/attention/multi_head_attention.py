"""MultiHeadAttention: scaled dot-product attention over several heads (Vaswani et al., 2017)."""

from __future__ import annotations

import math
import string


from lamina import config, constraints, initializers, regularizers
from lamina.ops import kernels as ops  # the training path: no conversion
from lamina.layers.activations.softmax import Softmax, large_negative
from lamina.layers.attention._projection import HeadProjection
from lamina.layers.attention._query_value_key import QueryValueKeyCall
from lamina.layers.layer import Layer
from lamina.layers.regularization.dropout import Dropout
from lamina.ops.symbolic import SymbolicTensor


def _attention_equations(rank, attn_axes):
    """Einsum equations for scores = q.k and output = scores.v on projected tensors.

    Projected tensors are ``(batch, <other dims>, <attention dims>, heads, channels)``; the
    scores are ``(batch, <other dims>, heads, <query attention dims>, <key attention dims>)``.
    """
    letters = string.ascii_lowercase
    target = letters[:rank]
    batch_dims = [i for i in range(rank) if i not in attn_axes and i != rank - 1]
    source = list(target)
    offset = rank
    for i in attn_axes:
        source[i] = letters[offset]
        offset += 1
    source = "".join(source)
    product = "".join([target[i] for i in batch_dims] + [target[i] for i in attn_axes]
                      + [source[i] for i in attn_axes])
    return f"{source},{target}->{product}", f"{product},{source}->{target}", batch_dims


class MultiHeadAttention(QueryValueKeyCall, Layer):
    """Attention of ``query`` over ``value`` (and ``key``) with ``num_heads`` heads.

    Weights follow Keras exactly: ``query``/``key``/``value`` kernels ``(dim, num_heads,
    key_dim)`` with biases ``(num_heads, key_dim)``, the output kernel ``(num_heads, value_dim,
    dim)`` and bias ``(dim,)``, in that order. Padding masks travel on the inputs; an explicit
    ``attention_mask`` of shape ``(B, T, S)`` and ``use_causal_mask`` combine with them.

    >>> import lamina
    >>> mha = lamina.layers.MultiHeadAttention(num_heads=2, key_dim=4)
    >>> q, v = lamina.ops.ones((1, 3, 8)), lamina.ops.ones((1, 5, 6))
    >>> out, scores = mha(q, v, return_attention_scores=True)
    >>> tuple(out.shape), tuple(scores.shape)
    ((1, 3, 8), (1, 2, 3, 5))
    """

    supports_masking = True

    _call_hint = "mha(query, value) (self-attention: mha(x, x))"

    def __init__(self, num_heads, key_dim, value_dim=None, dropout=0.0, use_bias=True,
                 output_shape=None, attention_axes=None, sliding_window=None,
                 flash_attention=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 use_gate=False, seed=None, **kwargs):
        for arg, val in (("num_heads", num_heads), ("key_dim", key_dim)):
            if isinstance(val, bool) or not isinstance(val, int) or val <= 0:
                raise ValueError(f"MultiHeadAttention: `{arg}` must be a positive integer, "
                                 f"got {arg}={val!r}")
        if value_dim is not None and (not isinstance(value_dim, int) or value_dim <= 0):
            raise ValueError("MultiHeadAttention: `value_dim` must be a positive integer or "
                             f"None, got value_dim={value_dim!r}")
        if sliding_window is not None and (not isinstance(sliding_window, int)
                                           or sliding_window <= 0):
            raise ValueError("MultiHeadAttention: `sliding_window` must be None or a positive "
                             f"integer, got sliding_window={sliding_window!r}")
        super().__init__(**kwargs)
        self._num_heads = num_heads
        self._key_dim = key_dim
        self._value_dim = value_dim or key_dim
        self._dropout = dropout
        self._use_bias = use_bias
        self._use_gate = use_gate
        if output_shape:
            output_shape = (output_shape,) if isinstance(output_shape, int) else output_shape
            try:
                output_shape = tuple(output_shape)
            except TypeError:
                raise ValueError(f"MultiHeadAttention: `output_shape` must be an int, tuple or "
                                 f"list, got {output_shape!r}") from None
        self._output_shape = output_shape or None
        if isinstance(attention_axes, int):
            attention_axes = (attention_axes,)
        elif attention_axes and not isinstance(attention_axes, (list, tuple)):
            raise ValueError("MultiHeadAttention: `attention_axes` must be an int, list or "
                             f"tuple, got {attention_axes!r}")
        self._attention_axes = attention_axes
        self._sliding_window = sliding_window
        # flash attention is a kernel choice, not a change in maths: accepted and recorded
        # (None follows keras.config.enable/disable_flash_attention, as in Keras)
        self._flash_attention = flash_attention or config.is_flash_attention_enabled()
        if self._flash_attention and dropout > 0.0:
            raise ValueError("MultiHeadAttention: dropout is not supported with "
                             "flash_attention=True; set dropout=0.0.")
        self._kernel_initializer = initializers.get(kernel_initializer)
        self._bias_initializer = initializers.get(bias_initializer)
        self._kernel_regularizer = regularizers.get(kernel_regularizer)
        self._bias_regularizer = regularizers.get(bias_regularizer)
        self._activity_regularizer = regularizers.get(activity_regularizer)
        self._kernel_constraint = constraints.get(kernel_constraint)
        self._bias_constraint = constraints.get(bias_constraint)
        self.seed = seed
        self._inverse_sqrt_key_dim = 1.0 / math.sqrt(float(key_dim))
        self._shapes_dict = None

    num_heads = property(lambda self: self._num_heads)
    key_dim = property(lambda self: self._key_dim)
    value_dim = property(lambda self: self._value_dim)
    dropout = property(lambda self: self._dropout)
    use_bias = property(lambda self: self._use_bias)
    attention_axes = property(lambda self: self._attention_axes)
    # Keras keeps the projections in private attributes behind public properties, and its
    # saver files them under the public names; here the public names are the attributes.
    _query_dense = property(lambda self: self.query_dense)
    _key_dense = property(lambda self: self.key_dense)
    _value_dense = property(lambda self: self.value_dense)
    _output_dense = property(lambda self: self.output_dense)

    # -- build ------------------------------------------------------------------------------

    def _sublayer_kwargs(self):
        # a fresh initializer per projection, so that seeded initializers differ between them
        def fresh(init):
            return type(init).from_config(init.get_config()) if hasattr(init, "get_config") \
                else init

        return dict(
            use_bias=self._use_bias,
            kernel_initializer=fresh(self._kernel_initializer),
            bias_initializer=fresh(self._bias_initializer),
            kernel_regularizer=self._kernel_regularizer,
            bias_regularizer=self._bias_regularizer,
            activity_regularizer=self._activity_regularizer,
            kernel_constraint=self._kernel_constraint,
            bias_constraint=self._bias_constraint,
            dtype=self.dtype_policy,
        )

    def build(self, query_shape, value_shape=None, key_shape=None):
        """Create the projections for inputs of these shapes (``value_shape`` is required)."""
        if value_shape is None:
            raise ValueError(
                f"Layer '{self.name}' (MultiHeadAttention) is built from both the query and "
                "the value shapes: call it on (query, value) or build(query_shape, value_shape)."
            )
        query_shape, value_shape = tuple(query_shape), tuple(value_shape)
        self._shapes_dict = {"query_shape": query_shape, "value_shape": value_shape}
        if key_shape is not None:
            self._shapes_dict["key_shape"] = tuple(key_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        if value_shape[1:-1] != key_shape[1:-1]:
            raise ValueError(
                f"Layer '{self.name}' (MultiHeadAttention): all dimensions of `value` and `key` "
                f"but the last must be equal; got value_shape={value_shape}, "
                f"key_shape={key_shape}"
            )
        heads = self._num_heads
        self.query_dense = HeadProjection((heads, self._key_dim), name="query",
                                           **self._sublayer_kwargs())
        self.query_dense.build(query_shape)
        self.key_dense = HeadProjection((heads, self._key_dim), name="key",
                                         **self._sublayer_kwargs())
        self.key_dense.build(key_shape)
        if self._use_gate:
            self._gate_dense = HeadProjection((heads, self._value_dim), name="gate",
                                              activation="sigmoid", **self._sublayer_kwargs())
            self._gate_dense.build(query_shape)
        self.value_dense = HeadProjection((heads, self._value_dim), name="value",
                                           **self._sublayer_kwargs())
        self.value_dense.build(value_shape)

        rank = len(query_shape) + 1  # rank of the projected tensors
        if self._attention_axes is None:
            self._attention_axes = tuple(range(1, rank - 2))
        else:
            self._attention_axes = tuple(a if a >= 0 else (rank - 1) + a
                                         for a in self._attention_axes)
        self._dot_product_equation, self._combine_equation, self._batch_dims = \
            _attention_equations(rank, self._attention_axes)
        scores_rank = len(self._batch_dims) + 2 * len(self._attention_axes)
        norm_axes = tuple(range(scores_rank - len(self._attention_axes), scores_rank))
        self._softmax = Softmax(axis=norm_axes, dtype=self.dtype_policy)
        self._dropout_layer = Dropout(rate=self._dropout, dtype=self.dtype_policy, seed=self.seed)

        out_shape = self._output_shape or (query_shape[-1],)
        self.output_dense = HeadProjection(out_shape, bound_dims=2, name="attention_output",
                                            **self._sublayer_kwargs())
        self.output_dense.build(query_shape[:-1] + (heads, self._value_dim))
        self.built = True

    # -- call -------------------------------------------------------------------------------

    def call(self, query, value, key=None, query_mask=None, value_mask=None, key_mask=None,
             attention_mask=None, return_attention_scores=False, training=None,
             use_causal_mask=False):
        key_given = key is not None
        if key is None:
            key = value
        # padding masks travel on the inputs, as Keras' Layer.__call__ fills them in
        query_mask = getattr(query, "_keras_mask", None) if query_mask is None else query_mask
        if value_mask is None:
            value_mask = getattr(value, "_keras_mask", None)
        if key_mask is None and key_given:
            key_mask = getattr(key, "_keras_mask", None)
        # Keras takes the masks off its input tensors here, so layers that later read the same
        # tensors see no mask; models converted from Keras rely on that, so do the same.
        for t in (query, value, key):
            if getattr(t, "_keras_mask", None) is not None:
                try:
                    t._keras_mask = None
                except AttributeError:
                    pass
        attention_mask = self._compute_attention_mask(
            query, value, query_mask, value_mask, key_mask, attention_mask, use_causal_mask)

        gate = self._gate_dense(query) if self._use_gate else None
        q = self.query_dense(query)
        k = self.key_dense(key)
        v = self.value_dense(value)
        # Keras zeroes fully masked rows only on its explicit-scores path; its fused path
        # (no dropout, no scores asked, 4-D projections) leaves them uniform.
        zero_masked = return_attention_scores or self._dropout > 0.0 or q.ndim != 4
        output, scores = self._compute_attention(q, k, v, attention_mask, training, zero_masked)
        if gate is not None:
            output = output * gate
        output = self.output_dense(output)
        if query_mask is not None:
            try:
                output._keras_mask = query_mask
            except AttributeError:
                pass
        if return_attention_scores:
            return output, scores
        return output

    def _compute_attention(self, query, key, value, attention_mask=None, training=None,
                           zero_masked=True):
        """Attention of projected ``query`` (B, T, N, H) over ``key``/``value`` (B, S, N, H)."""
        query = query * self._inverse_sqrt_key_dim
        scores = ops.einsum(self._dot_product_equation, key, query)
        if attention_mask is not None:
            # masks are (B, T, S): insert the head axis (and any other missing ones)
            axis = -len(self._attention_axes) * 2 - 1
            for _ in range(scores.ndim - attention_mask.ndim):
                attention_mask = ops.expand_dims(attention_mask, axis)
        if zero_masked or attention_mask is None:
            scores = self._softmax(scores, mask=attention_mask)
        else:
            scores = self._softmax(ops.where(attention_mask, scores, large_negative(scores.dtype)))
        if self._dropout > 0.0:
            weights = self._dropout_layer(scores, training=training)
        else:
            weights = scores
        return ops.einsum(self._combine_equation, weights, value), scores

    def _compute_attention_mask(self, query, value, query_mask=None, value_mask=None,
                                key_mask=None, attention_mask=None, use_causal_mask=False):
        """The (B, T, S) boolean mask: padding masks, causal and window masks, and the given one."""
        auto = None
        if query_mask is not None:
            auto = ops.expand_dims(ops.cast(query_mask, "bool"), -1)
        for m in (value_mask, key_mask):
            if m is not None:
                m = ops.expand_dims(ops.cast(m, "bool"), -2)
                auto = m if auto is None else ops.logical_and(auto, m)
        if use_causal_mask:
            m = self._compute_causal_mask(query, value)
            auto = m if auto is None else ops.logical_and(auto, m)
        if self._sliding_window is not None:
            t, s = query.shape[1], value.shape[1]
            rows = ops.reshape(ops.arange(t), (1, t, 1))
            cols = ops.reshape(ops.arange(s), (1, 1, s))
            m = ops.less(ops.abs(rows - cols), self._sliding_window)
            auto = m if auto is None else ops.logical_and(auto, m)
        if attention_mask is not None:
            attention_mask = ops.cast(attention_mask, "bool")
            if auto is not None:
                attention_mask = ops.logical_and(attention_mask, auto)
            return attention_mask
        return auto

    def _compute_causal_mask(self, query, value=None):
        """A (1, T, S) lower-triangular mask: position i attends to positions j <= i."""
        t = query.shape[1]
        s = t if value is None else value.shape[1]
        rows = ops.reshape(ops.arange(t), (1, t, 1))
        cols = ops.reshape(ops.arange(s), (1, 1, s))
        return ops.greater_equal(rows, cols)

    # -- shapes and config ------------------------------------------------------------------

    def compute_output_shape(self, query_shape, value_shape=None, key_shape=None):
        query_shape = tuple(query_shape)
        if value_shape is not None and key_shape is not None \
                and tuple(value_shape)[1:-1] != tuple(key_shape)[1:-1]:
            raise ValueError(
                f"Layer '{self.name}' (MultiHeadAttention): all dimensions of `value` and `key` "
                f"but the last must be equal; got value_shape={tuple(value_shape)}, "
                f"key_shape={tuple(key_shape)}"
            )
        if self._output_shape:
            return query_shape[:-1] + tuple(self._output_shape)
        return query_shape

    def _output_spec(self, args, kwargs):
        query, value, key = (list(args) + [None, None])[:3]
        out = SymbolicTensor(self.compute_output_shape(query.shape), self.compute_dtype)
        if not kwargs.get("return_attention_scores"):
            return out
        key = value if key is None else key
        q_proj = tuple(query.shape[:-1]) + (self._num_heads, self._key_dim)
        k_proj = tuple(key.shape[:-1]) + (self._num_heads, self._key_dim)
        axes = self._attention_axes
        shape = ([q_proj[i] for i in self._batch_dims] + [q_proj[i] for i in axes]
                 + [k_proj[i] for i in axes])
        return out, SymbolicTensor(tuple(shape), self.compute_dtype)

    def get_config(self):
        cfg = super().get_config()
        cfg.update({
            "num_heads": self._num_heads,
            "key_dim": self._key_dim,
            "value_dim": self._value_dim,
            "dropout": self._dropout,
            "use_bias": self._use_bias,
            "use_gate": self._use_gate,
            "output_shape": self._output_shape,
            "attention_axes": self._attention_axes,
            "sliding_window": self._sliding_window,
            "kernel_initializer": initializers.serialize(self._kernel_initializer),
            "bias_initializer": initializers.serialize(self._bias_initializer),
            "kernel_regularizer": regularizers.serialize(self._kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self._bias_regularizer),
            "activity_regularizer": regularizers.serialize(self._activity_regularizer),
            "kernel_constraint": constraints.serialize(self._kernel_constraint),
            "bias_constraint": constraints.serialize(self._bias_constraint),
            "seed": self.seed,
        })
        return cfg

