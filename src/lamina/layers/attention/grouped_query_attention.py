"""GroupQueryAttention: multi-head attention where groups of query heads share key/value heads."""

from __future__ import annotations

import math


from lamina import config, constraints, initializers, regularizers
from lamina.ops import kernels as ops  # the training path: no conversion
from lamina.layers.activations.softmax import Softmax
from lamina.layers.attention._projection import HeadProjection
from lamina.layers.attention._query_value_key import QueryValueKeyCall
from lamina.layers.layer import Layer
from lamina.layers.regularization.dropout import Dropout
from lamina.ops.symbolic import SymbolicTensor
from lamina.utils import registry


def _positive_int(layer, arg, value):
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"{layer}: `{arg}` must be a positive integer, got {arg}={value!r}")
    return value


def _additive_mask(mask, dtype):
    # Keras' fused path turns the boolean mask into 0 / -0.7 * (largest float) before the
    # softmax, so a fully masked row comes out uniform instead of NaN; the same numbers here.
    big = 65500.0 if dtype == "float16" else 3.38953e38
    return ops.where(mask, ops.zeros((), dtype=dtype), ops.full((), -0.7 * big, dtype=dtype))


class GroupQueryAttention(QueryValueKeyCall, Layer):
    """Grouped-query attention (Ainslie et al., 2023): ``num_query_heads`` query heads of size
    ``head_dim`` attend over ``num_key_value_heads`` key/value heads, each shared by
    ``num_query_heads // num_key_value_heads`` consecutive query heads.

    Weights as Keras: ``query`` kernel ``(dim, num_query_heads, head_dim)``, ``key`` and
    ``value`` kernels ``(dim, num_key_value_heads, head_dim)`` (each with a bias of its last two
    dims), an optional sigmoid ``gate`` (``use_gate``), and ``attention_output``
    ``(num_query_heads, head_dim, dim)`` with bias ``(dim,)``. Padding masks travel on the
    inputs; ``attention_mask`` ``(B, T, S)``, ``use_causal_mask`` and ``sliding_window`` combine
    with them. ``flash_attention`` chooses a kernel, not the maths.

    >>> import lamina
    >>> gqa = lamina.layers.GroupQueryAttention(head_dim=4, num_query_heads=4,
    ...                                         num_key_value_heads=2)
    >>> q, v = lamina.ops.ones((1, 3, 8)), lamina.ops.ones((1, 5, 6))
    >>> out, scores = gqa(q, v, return_attention_scores=True)
    >>> tuple(out.shape), tuple(scores.shape)
    ((1, 3, 8), (1, 4, 3, 5))
    """

    supports_masking = True
    # Keras' class is GroupedQueryAttention, exported (and configured) as GroupQueryAttention;
    # its saver names the file group after the class: layers/grouped_query_attention/...
    _keras_class_name = "GroupedQueryAttention"

    _call_hint = "gqa(query, value) (self-attention: gqa(x, x))"

    def __init__(self, head_dim: int, num_query_heads: int, num_key_value_heads: int,
                 dropout: float = 0.0, use_bias: bool = True, sliding_window: int | None = None,
                 flash_attention: bool | None = None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 use_gate: bool = False, seed=None, **kwargs):
        name = type(self).__name__
        self.head_dim = _positive_int(name, "head_dim", head_dim)
        self.num_query_heads = _positive_int(name, "num_query_heads", num_query_heads)
        self.num_key_value_heads = _positive_int(name, "num_key_value_heads", num_key_value_heads)
        if num_query_heads % num_key_value_heads != 0:
            raise ValueError(
                f"{name}: `num_query_heads` must be divisible by `num_key_value_heads`; got "
                f"num_query_heads={num_query_heads}, num_key_value_heads={num_key_value_heads}.")
        if not 0.0 <= float(dropout) < 1.0:
            raise ValueError(f"{name}: `dropout` must be in [0, 1), got dropout={dropout!r}")
        if sliding_window is not None and (isinstance(sliding_window, bool)
                                           or not isinstance(sliding_window, int)
                                           or sliding_window <= 0):
            raise ValueError(f"{name}: `sliding_window` must be `None` or a positive integer. "
                             f"Received: sliding_window={sliding_window!r}")
        # None follows keras.config.enable/disable_flash_attention, as in Keras
        flash_attention = flash_attention or config.is_flash_attention_enabled()
        if flash_attention and dropout > 0.0:
            raise ValueError("Dropout is not supported when flash attention is enabled. Please "
                             "set dropout to 0.0 to use flash attention.")
        if kwargs.get("name") is None:  # Keras' default names come from its class name
            kwargs["name"] = registry.unique_name("grouped_query_attention")
        super().__init__(**kwargs)
        self.num_repeats = num_query_heads // num_key_value_heads
        self.dropout = dropout
        self.use_bias = use_bias
        self.use_gate = use_gate
        self.sliding_window = sliding_window
        self._flash_attention = flash_attention
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        # as Keras: the projections get it, and so does this layer's own output
        self._activity_regularizer = regularizers.get(activity_regularizer)
        self.activity_regularizer = self._activity_regularizer
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.seed = seed
        self._inverse_sqrt_head_dim = 1.0 / math.sqrt(float(head_dim))
        self._shapes_dict = None

    # -- build ------------------------------------------------------------------------------

    def _projection(self, heads, name, bound_dims=1, out_shape=None, activation=None):
        def fresh(init):  # one initializer per projection, so seeded ones differ between them
            return type(init).from_config(init.get_config()) if hasattr(init, "get_config") \
                else init

        return HeadProjection(
            out_shape or (heads, self.head_dim), bound_dims=bound_dims, name=name,
            use_bias=self.use_bias, activation=activation,
            kernel_initializer=fresh(self.kernel_initializer),
            bias_initializer=fresh(self.bias_initializer),
            kernel_regularizer=self.kernel_regularizer, bias_regularizer=self.bias_regularizer,
            activity_regularizer=self._activity_regularizer,
            kernel_constraint=self.kernel_constraint, bias_constraint=self.bias_constraint,
            dtype=self.dtype_policy)

    def build(self, query_shape, value_shape=None, key_shape=None):
        """Create the projections for inputs of these shapes (``value_shape`` is required)."""
        if value_shape is None:
            raise ValueError(
                f"Layer '{self.name}' (GroupQueryAttention) is built from both the query and the "
                "value shapes: call it on (query, value) or build(query_shape, value_shape).")
        query_shape, value_shape = tuple(query_shape), tuple(value_shape)
        self._shapes_dict = {"query_shape": query_shape, "value_shape": value_shape}
        if key_shape is not None:
            self._shapes_dict["key_shape"] = tuple(key_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        self.feature_dim = query_shape[-1]
        self._query_dense = self._projection(self.num_query_heads, "query")
        self._query_dense.build(query_shape)
        self._key_dense = self._projection(self.num_key_value_heads, "key")
        self._key_dense.build(key_shape)
        if self.use_gate:
            self._gate_dense = self._projection(self.num_query_heads, "gate",
                                                activation="sigmoid")
            self._gate_dense.build(query_shape)
        self._value_dense = self._projection(self.num_key_value_heads, "value")
        self._value_dense.build(value_shape)
        self._softmax = Softmax(axis=-1, dtype=self.dtype_policy)
        self._dropout_layer = Dropout(rate=self.dropout, dtype=self.dtype_policy, seed=self.seed)
        self._output_dense = self._projection(None, "attention_output", bound_dims=2,
                                              out_shape=(self.feature_dim,))
        self._output_dense.build((None, None, self.num_query_heads, self.head_dim))
        self.built = True

    # -- call -------------------------------------------------------------------------------

    def call(self, query, value, key=None, query_mask=None, value_mask=None, key_mask=None,
             attention_mask=None, return_attention_scores=False, training=None,
             use_causal_mask=False):
        if self._flash_attention and return_attention_scores:
            raise ValueError("Returning attention scores is not supported when flash attention "
                             "is enabled. Please disable flash attention to access attention "
                             "scores.")
        key_given = key is not None
        key = value if key is None else key
        # padding masks travel on the inputs, as Keras' Layer.__call__ fills them in
        if query_mask is None:
            query_mask = getattr(query, "_keras_mask", None)
        if value_mask is None:
            value_mask = getattr(value, "_keras_mask", None)
        if key_mask is None and key_given:
            key_mask = getattr(key, "_keras_mask", None)
        causal_only = use_causal_mask and self.sliding_window is None and all(
            m is None for m in (query_mask, value_mask, key_mask, attention_mask))
        if not causal_only:
            attention_mask = self._compute_attention_mask(
                query, value, query_mask, value_mask, key_mask, attention_mask, use_causal_mask)
        gate = self._gate_dense(query) if self.use_gate else None
        q = self._query_dense(query)
        k = ops.repeat(self._key_dense(key), self.num_repeats, axis=2)
        v = ops.repeat(self._value_dense(value), self.num_repeats, axis=2)
        if self.dropout > 0.0 or return_attention_scores:
            if causal_only:  # the fused kernel's is_causal, spelled out
                attention_mask = self._compute_attention_mask(query, value, use_causal_mask=True)
            output, scores = self._explicit_attention(q, k, v, attention_mask, training)
        else:
            output, scores = self._fused_attention(q, k, v, attention_mask, causal_only), None
        if gate is not None:
            output = output * gate
        output = self._output_dense(output)
        if query_mask is not None:
            try:
                output._keras_mask = query_mask
            except AttributeError:
                pass
        if return_attention_scores:
            return output, scores
        return output

    def _fused_attention(self, q, k, v, attention_mask, causal_only):
        bias = None
        if attention_mask is not None:
            mask = ops.cast(attention_mask, "bool")
            while mask.ndim < 4:  # (B, T, S) -> (B, 1, T, S): one mask for every head
                mask = ops.expand_dims(mask, -3)
            bias = _additive_mask(mask, self.compute_dtype)
        return ops.dot_product_attention(q, k, v, bias=bias, scale=self._inverse_sqrt_head_dim,
                                         is_causal=bool(causal_only))

    def _explicit_attention(self, q, k, v, attention_mask, training):
        q = q * self._inverse_sqrt_head_dim
        scores = ops.einsum("bquh,bkuh->buqk", q, k)
        if attention_mask is not None:
            while attention_mask.ndim < scores.ndim:
                attention_mask = ops.expand_dims(attention_mask, -3)
        scores = self._softmax(scores, mask=attention_mask)
        weights = self._dropout_layer(scores, training=training) if self.dropout > 0.0 else scores
        return ops.einsum("buqk,bkuh->bquh", weights, v), scores

    def _compute_attention_mask(self, query, value, query_mask=None, value_mask=None,
                                key_mask=None, attention_mask=None, use_causal_mask=False):
        """The (B, T, S) boolean mask from padding, causal and window masks and the given one."""
        auto = None
        if query_mask is not None:
            auto = ops.expand_dims(ops.cast(query_mask, "bool"), -1)
        for m in (value_mask, key_mask):
            if m is not None:
                m = ops.expand_dims(ops.cast(m, "bool"), -2)
                auto = m if auto is None else ops.logical_and(auto, m)
        t, s = query.shape[1], value.shape[1]
        rows = ops.reshape(ops.arange(t), (1, t, 1))
        cols = ops.reshape(ops.arange(s), (1, 1, s))
        if use_causal_mask:
            m = ops.greater_equal(rows, cols)
            auto = m if auto is None else ops.logical_and(auto, m)
        if self.sliding_window is not None:
            m = ops.less(ops.abs(rows - cols), self.sliding_window)
            auto = m if auto is None else ops.logical_and(auto, m)
        if attention_mask is not None:
            attention_mask = ops.cast(attention_mask, "bool")
            return attention_mask if auto is None else ops.logical_and(attention_mask, auto)
        return auto

    # -- shapes and config ------------------------------------------------------------------

    def compute_output_shape(self, query_shape, value_shape=None, key_shape=None):
        query_shape = tuple(query_shape)
        if value_shape is not None:
            value_shape = tuple(value_shape)
            key_shape = value_shape if key_shape is None else tuple(key_shape)
            if query_shape[-1] != value_shape[-1]:
                raise ValueError(
                    f"Layer '{self.name}' (GroupQueryAttention): the last dimension of "
                    f"`query_shape` and `value_shape` must be equal, but are {query_shape[-1]}, "
                    f"{value_shape[-1]}. Received: query_shape={query_shape}, "
                    f"value_shape={value_shape}")
            if value_shape[1:-1] != key_shape[1:-1]:
                raise ValueError(
                    f"Layer '{self.name}' (GroupQueryAttention): all dimensions of `value` and "
                    f"`key`, except the last one, must be equal. Received: "
                    f"value_shape={value_shape} and key_shape={key_shape}")
        return query_shape

    def _output_spec(self, args, kwargs):
        query, value, key = (list(args) + [None, None])[:3]
        out = SymbolicTensor(self.compute_output_shape(query.shape), self.compute_dtype)
        if not kwargs.get("return_attention_scores"):
            return out
        source = (value if key is None else key).shape[1]
        scores = (query.shape[0], self.num_query_heads, query.shape[1], source)
        return out, SymbolicTensor(scores, self.compute_dtype)

    def get_config(self):
        cfg = super().get_config()
        cfg.update({
            "head_dim": self.head_dim,
            "num_query_heads": self.num_query_heads,
            "num_key_value_heads": self.num_key_value_heads,
            "use_bias": self.use_bias,
            "use_gate": self.use_gate,
            "sliding_window": self.sliding_window,
            "dropout": self.dropout,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self._activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "seed": self.seed,
        })
        return cfg
