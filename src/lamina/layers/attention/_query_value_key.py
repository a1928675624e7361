"""What MultiHeadAttention and GroupQueryAttention share: taking ``(query, value, key)`` by
position or by name, building from all three shapes, and Keras' ``shapes_dict`` build config."""

from __future__ import annotations

import numpy as np

from lamina.ops import kernels as ops  # the call path: no argument conversion

_MASKS = ("attention_mask", "query_mask", "value_mask", "key_mask")


class QueryValueKeyCall:
    """Mixin for layers called as ``layer(query, value, key=None, **masks)``."""

    _call_hint = "layer(query, value) (self-attention: layer(x, x))"

    def __call__(self, *args, **kwargs):
        # given to the base class by position so it sees the query first; the layer builds
        # from all three shapes
        args = list(args)
        tensors = [args[i] if i < len(args) else kwargs.pop(n, None)
                   for i, n in enumerate(("query", "value", "key"))]
        query, value, key = (ops.convert_to_tensor(t) if isinstance(t, np.ndarray) else t
                             for t in tensors)
        if query is None or value is None:
            raise ValueError(f"Layer '{self.name}' ({type(self).__name__}) needs `query` and "
                             f"`value` inputs: call it as {self._call_hint}.")
        for name in _MASKS:
            if isinstance(kwargs.get(name), np.ndarray):
                kwargs[name] = ops.convert_to_tensor(kwargs[name])
        if not self.built:
            self.build(tuple(query.shape), tuple(value.shape),
                       None if key is None else tuple(key.shape))
        return super().__call__(query, value, key, *args[3:], **kwargs)

    def get_build_config(self):
        if self._shapes_dict is None:
            return None
        return {"shapes_dict": {k: list(v) for k, v in self._shapes_dict.items()}}

    def build_from_config(self, config):
        if self.built or not config:
            return
        if "shapes_dict" in config:
            self.build(**{k: tuple(v) for k, v in config["shapes_dict"].items()})
        elif "input_shape" in config:
            shape = tuple(config["input_shape"])
            self.build(shape, shape)
