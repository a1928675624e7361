"""ReversibleEmbedding: an Embedding that also maps hidden vectors back to vocabulary logits."""

from __future__ import annotations

from lamina.ops import kernels as ops  # the training path: no conversion
from lamina.layers.core.embedding import Embedding
from lamina.ops.symbolic import SymbolicTensor


class ReversibleEmbedding(Embedding):
    """``layer(ids)`` looks rows up as ``Embedding`` does; ``layer(hidden, reverse=True)``
    projects ``(..., output_dim)`` back to ``(..., input_dim)`` logits, with the transposed
    table (``tie_weights=True``, the default) or a separate ``reverse_embeddings`` weight.

    ``logit_soft_cap`` bounds the logits smoothly: ``cap * tanh(logits / cap)``;
    ``reverse_dtype`` computes the reverse projection in another dtype (e.g. ``"float32"``).

    >>> import lamina
    >>> emb = lamina.layers.ReversibleEmbedding(10, 4)
    >>> hidden = emb(lamina.ops.convert_to_tensor([[1, 2, 3]]))
    >>> tuple(emb(hidden, reverse=True).shape)
    (1, 3, 10)
    """

    def __init__(self, input_dim, output_dim, tie_weights: bool = True,
                 embeddings_initializer="uniform", embeddings_regularizer=None,
                 embeddings_constraint=None, mask_zero: bool = False, reverse_dtype=None,
                 logit_soft_cap: float | None = None, **kwargs):
        super().__init__(input_dim, output_dim, embeddings_initializer=embeddings_initializer,
                         embeddings_regularizer=embeddings_regularizer,
                         embeddings_constraint=embeddings_constraint, mask_zero=mask_zero,
                         **kwargs)
        if logit_soft_cap is not None and not logit_soft_cap > 0:
            raise ValueError(
                f"ReversibleEmbedding: `logit_soft_cap` must be a positive number or None, "
                f"got {logit_soft_cap!r}")
        self.tie_weights = bool(tie_weights)
        self.reverse_dtype = reverse_dtype
        self.logit_soft_cap = logit_soft_cap

    def build(self, input_shape=None):
        if self.built:
            return
        super().build(input_shape)
        if not self.tie_weights:
            self.reverse_embeddings = self.add_weight(
                shape=(self.output_dim, self.input_dim), initializer=self.embeddings_initializer,
                name="reverse_embeddings")

    def call(self, inputs, reverse: bool = False):
        if not reverse:
            return super().call(inputs)
        if inputs.shape[-1] != self.output_dim:
            raise ValueError(
                f"Layer '{self.name}' (ReversibleEmbedding) called with reverse=True expects "
                f"inputs whose last dimension is output_dim={self.output_dim}, but received "
                f"shape {tuple(inputs.shape)}.")
        kernel = ops.transpose(self._table()) if self.tie_weights else self.reverse_embeddings
        if self.reverse_dtype is not None:
            inputs = ops.cast(inputs, self.reverse_dtype)
            kernel = ops.cast(kernel, self.reverse_dtype)
        logits = ops.matmul(inputs, kernel)
        if self.logit_soft_cap is not None:
            logits = ops.tanh(logits / self.logit_soft_cap) * self.logit_soft_cap
        return logits

    def compute_mask(self, inputs, mask=None):
        # As Keras: the forward call attaches the padding mask itself; logits carry none.
        return None

    def compute_output_shape(self, input_shape, reverse: bool = False):
        if reverse:
            return tuple(input_shape[:-1]) + (self.input_dim,)
        return tuple(input_shape) + (self.output_dim,)

    def _output_spec(self, args, kwargs):
        # the base class asks compute_output_shape with the input shape alone; reverse=True
        # (a keyword of the call) changes the shape, so it is handled here
        reverse = kwargs.get("reverse", args[1] if len(args) > 1 else False)
        if not reverse:
            return super()._output_spec(args, kwargs)
        inputs = args[0] if args else kwargs["inputs"]
        dtype = self.reverse_dtype or self.compute_dtype
        return SymbolicTensor(self.compute_output_shape(tuple(inputs.shape), True), dtype)

    def get_config(self):
        cfg = super().get_config()
        cfg.update({"tie_weights": self.tie_weights, "reverse_dtype": self.reverse_dtype,
                    "logit_soft_cap": self.logit_soft_cap})
        return cfg
