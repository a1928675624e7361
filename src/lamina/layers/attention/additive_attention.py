"""AdditiveAttention: Bahdanau-style attention, scores ``sum(scale * tanh(query + key))``."""

from __future__ import annotations

from lamina.ops import kernels as ops  # the training path: no conversion
from lamina.layers.attention.attention import Attention


class AdditiveAttention(Attention):
    """Additive attention of ``query`` over ``value``; ``use_scale`` learns a ``(dim,)`` scale.

    >>> import lamina
    >>> q, v = lamina.ops.ones((2, 3, 4)), lamina.ops.ones((2, 5, 4))
    >>> tuple(lamina.layers.AdditiveAttention()([q, v]).shape)
    (2, 3, 4)
    """

    def __init__(self, use_scale=True, dropout=0.0, **kwargs):
        super().__init__(use_scale=use_scale, dropout=dropout, **kwargs)

    def build(self, input_shape):
        self._validate_inputs(input_shape)
        self.scale = None
        self.concat_score_weight = None
        if self.use_scale:
            self.scale = self.add_weight(shape=(input_shape[0][-1],),
                                         initializer="glorot_uniform", name="scale")
        self.built = True

    def _calculate_scores(self, query, key):
        summed = ops.tanh(ops.expand_dims(query, -2) + ops.expand_dims(key, -3))
        if self.scale is not None:
            summed = self.scale * summed
        return ops.sum(summed, axis=-1)

    def get_config(self):
        cfg = super().get_config()
        del cfg["score_mode"]
        return cfg
