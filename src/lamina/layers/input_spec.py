"""InputSpec: what a layer accepts (rank, known axis sizes), checked with a clear message."""

from __future__ import annotations


class InputSpec:
    """Constraints on a layer input: ``ndim``, ``min_ndim``, ``max_ndim``, ``axes``, ``shape``."""

    def __init__(self, dtype=None, shape=None, ndim=None, max_ndim=None, min_ndim=None,
                 axes=None, allow_last_axis_squeeze=False, name=None, optional=False):
        self.dtype = dtype
        self.shape = tuple(shape) if shape is not None else None
        self.ndim = len(self.shape) if self.shape is not None else ndim
        self.max_ndim = max_ndim
        self.min_ndim = min_ndim
        self.axes = dict(axes or {})
        self.name = name
        self.optional = optional
        self.allow_last_axis_squeeze = allow_last_axis_squeeze

    def __repr__(self):
        parts = [f"{k}={v}" for k, v in vars(self).items() if v not in (None, {}, False)]
        return f"InputSpec({', '.join(parts)})"


def _shape(x):
    return tuple(x.shape)


def check_input_spec(layer, spec, inputs):
    """Raise ValueError naming the layer, the expectation and the received shape."""
    specs = spec if isinstance(spec, (list, tuple)) else [spec]
    values = inputs if isinstance(inputs, (list, tuple)) else [inputs]
    if isinstance(spec, (list, tuple)) and len(values) != len(specs):
        raise ValueError(
            f"Layer '{layer.name}' expects {len(specs)} input(s), but it received "
            f"{len(values)} input tensors."
        )
    for i, (s, x) in enumerate(zip(specs, values)):
        if s is None or not hasattr(x, "shape"):
            continue
        shape = _shape(x)
        head = (f"Input {i} with name '{getattr(s, 'name', None)}' of layer '{layer.name}' "
                "is incompatible with the layer: ")
        rank = len(shape)
        if s.ndim is not None and rank != s.ndim:
            hint = ""
            if rank == s.ndim - 1:
                hint = (" If the data lacks its channel (or feature) axis, add one: "
                        "x[..., np.newaxis], and Input(shape=(..., 1)).")
            elif rank == s.ndim + 1 and shape[-1] == 1:
                hint = " If the last axis is an extra 1, drop it: x.squeeze(-1)."
            raise ValueError(
                f"{head}expected ndim={s.ndim}, found ndim={rank}. Full shape received: "
                f"{shape}.{hint}" if hint else
                f"{head}expected ndim={s.ndim}, found ndim={rank}. Full shape received: {shape}"
            )
        if s.min_ndim is not None and rank < s.min_ndim:
            raise ValueError(
                f"{head}expected min_ndim={s.min_ndim}, found ndim={rank}. "
                f"Full shape received: {shape}"
            )
        if s.max_ndim is not None and rank > s.max_ndim:
            raise ValueError(
                f"{head}expected max_ndim={s.max_ndim}, found ndim={rank}. "
                f"Full shape received: {shape}"
            )
        for axis, size in s.axes.items():
            if size is None:
                continue
            a = axis if axis >= 0 else rank + axis
            if a < 0 or a >= rank:
                continue
            if shape[a] is not None and shape[a] != size:
                raise ValueError(
                    f"{head}expected axis {axis} of input shape to have value {size}, but "
                    f"received input with shape {shape}"
                )
        if s.shape is not None:
            for want, got in zip(s.shape, shape):
                if want is not None and got is not None and want != got:
                    raise ValueError(
                        f"{head}expected shape={s.shape}, found shape={shape}"
                    )
