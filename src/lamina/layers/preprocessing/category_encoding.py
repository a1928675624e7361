"""CategoryEncoding: integer category ids to one-hot, multi-hot or count vectors."""

from __future__ import annotations

from lamina.backend import core as backend
from lamina.layers.layer import Layer
from lamina.layers.preprocessing import categorical

_MODES = ("one_hot", "multi_hot", "count")


class CategoryEncoding(Layer):
    """Encode integer ids in ``[0, num_tokens)`` as dense one-hot / multi-hot / count vectors.

    ``multi_hot`` and ``count`` reduce each sample (axis 1; a rank-1 input is one sample);
    ``one_hot`` encodes each id (a last axis of 1 is dropped). ``count`` can weight each id by
    ``count_weights``. Runs on engine ops, so it works inside a model.

    >>> import numpy as np, lamina
    >>> layer = lamina.layers.CategoryEncoding(num_tokens=4, output_mode="count")
    >>> lamina.ops.convert_to_numpy(layer(np.array([[0, 1], [0, 0], [1, 2], [3, 1]]))).tolist()
    [[1.0, 1.0, 0.0, 0.0], [2.0, 0.0, 0.0, 0.0], [0.0, 1.0, 1.0, 0.0], [0.0, 1.0, 0.0, 1.0]]
    """

    def __init__(self, num_tokens: int | None = None, output_mode: str = "multi_hot",
                 sparse: bool = False, **kwargs):
        super().__init__(**kwargs)
        output_mode = categorical.check_mode(output_mode, "CategoryEncoding", _MODES)
        if num_tokens is None:
            raise ValueError("CategoryEncoding: `num_tokens` must be set. If the number of "
                             "tokens is not known beforehand, use IntegerLookup instead.")
        if isinstance(num_tokens, bool) or not hasattr(num_tokens, "__index__") \
                or int(num_tokens) < 1:
            raise ValueError(f"CategoryEncoding: `num_tokens` must be an integer >= 1. "
                             f"Received: num_tokens={num_tokens!r}")
        if sparse:
            raise ValueError("CategoryEncoding: `sparse=True` is not supported (lamina's "
                             "engines give dense tensors here); use sparse=False.")
        self.num_tokens = int(num_tokens)
        self.output_mode = output_mode
        self.sparse = False
        self.built = True

    def call(self, inputs, count_weights=None):
        if count_weights is not None and self.output_mode != "count":
            raise ValueError("CategoryEncoding: `count_weights` is only used when output_mode "
                             f"is 'count'; received output_mode={self.output_mode!r}.")
        x = backend.convert_to_tensor(inputs)
        if not backend.is_compiling():  # (symbolic calls use compute_output_shape instead)
            values = backend.convert_to_numpy(x)
            if values.size and (values.max() >= self.num_tokens or values.min() < 0):
                raise ValueError(
                    f"CategoryEncoding '{self.name}': input values must be in the range "
                    f"0 <= values < num_tokens={self.num_tokens}; received values from "
                    f"{values.min()} to {values.max()}."
                )
        if count_weights is not None:
            count_weights = backend.convert_to_tensor(count_weights)
        return categorical.encode_tensor(x, self.output_mode, self.num_tokens,
                                         self.compute_dtype, count_weights)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if not input_shape:
            return (self.num_tokens,)
        if self.output_mode == "one_hot":
            if input_shape[-1] != 1 or len(input_shape) == 1:
                return input_shape + (self.num_tokens,)
            return input_shape[:-1] + (self.num_tokens,)
        return input_shape[:-1] + (self.num_tokens,)

    def get_config(self):
        cfg = super().get_config()
        cfg.update({"num_tokens": self.num_tokens, "output_mode": self.output_mode})
        return cfg

    @classmethod
    def from_config(cls, config):
        return cls(**{k: v for k, v in config.items() if k != "sparse" or v})
