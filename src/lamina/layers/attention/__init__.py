"""Attention layers: MultiHeadAttention, Attention (dot-product), AdditiveAttention."""

from lamina.layers.attention.additive_attention import AdditiveAttention
from lamina.layers.attention.attention import Attention
from lamina.layers.attention.multi_head_attention import MultiHeadAttention

__all__ = ["AdditiveAttention", "Attention", "MultiHeadAttention"]

from lamina.layers.attention.grouped_query_attention import GroupQueryAttention  # noqa: E402

__all__ += ["GroupQueryAttention"]
