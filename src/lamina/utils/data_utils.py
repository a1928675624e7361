"""Helpers for custom ``train_step``s and graphs: (x, y, sample_weight) tuples, source inputs.

>>> unpack_x_y_sample_weight(("x", "y"))
('x', 'y', None)
>>> pack_x_y_sample_weight("x", "y")
('x', 'y')
"""

from __future__ import annotations


def unpack_x_y_sample_weight(data):
    """``x``, ``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)`` -> ``(x, y, sample_weight)``,
    with None for what is missing (a list counts as a tuple)."""
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return (data, None, None)
    if 1 <= len(data) <= 3:
        return tuple(data) + (None,) * (3 - len(data))
    raise ValueError(
        "Data is expected to be in format `x`, `(x,)`, `(x, y)`, or `(x, y, sample_weight)`, "
        f"found a tuple of {len(data)} elements: {data}"
    )


def pack_x_y_sample_weight(x, y=None, sample_weight=None):
    """The tuple ``fit`` reads: ``x`` alone (or ``(x,)`` if x is a tuple/list), ``(x, y)``, or
    ``(x, y, sample_weight)``."""
    if y is None:
        return (x,) if isinstance(x, (tuple, list)) else x
    if sample_weight is None:
        return (x, y)
    return (x, y, sample_weight)


def get_source_inputs(tensor) -> list:
    """The ``Input`` tensors a symbolic tensor was computed from (each once, in order).

    >>> import lamina
    >>> a, b = lamina.Input((2,)), lamina.Input((2,))
    >>> y = lamina.layers.Add()([a, lamina.layers.Dense(2)(b)])
    >>> [t is a or t is b for t in get_source_inputs(y)]
    [True, True]
    """
    history = getattr(tensor, "_history", None)
    if history is None:
        return [tensor]
    layer, node_index, _ = history
    if not getattr(layer, "_inbound_nodes", None):
        return [tensor]
    node = layer._inbound_nodes[node_index]
    if node.is_input:
        return list(node.output_tensors)
    sources = []
    for parent in node.input_tensors:
        for x in get_source_inputs(parent):
            if all(x is not s for s in sources):
                sources.append(x)
    return sources


__all__ = ["get_source_inputs", "pack_x_y_sample_weight", "unpack_x_y_sample_weight"]
