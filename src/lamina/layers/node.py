"""A graph node: one call of a layer on symbolic tensors."""

from __future__ import annotations

from lamina.ops.symbolic import SymbolicTensor


def _flat(x):
    if isinstance(x, (list, tuple)):
        return [t for v in x for t in _flat(v)]
    if isinstance(x, dict):
        return [t for k in sorted(x) for t in _flat(x[k])]
    return [x]


class Node:
    """Records ``outputs = layer(*call_args, **call_kwargs)`` for symbolic tensors."""

    def __init__(self, layer, call_args, call_kwargs, outputs):
        self.layer = layer
        self.call_args = tuple(call_args)
        self.call_kwargs = dict(call_kwargs)
        self.outputs = outputs
        self.input_tensors = [
            t for t in _flat((self.call_args, self.call_kwargs)) if isinstance(t, SymbolicTensor)
        ]
        self.output_tensors = [t for t in _flat(outputs) if isinstance(t, SymbolicTensor)]
        index = len(layer._inbound_nodes)
        layer._inbound_nodes.append(self)
        for i, t in enumerate(self.output_tensors):
            t._history = (layer, index, i)
            if t.name is None:
                t.name = layer.name if len(self.output_tensors) == 1 else f"{layer.name}_{i}"
        for t in self.input_tensors:
            if t._history is not None:
                t._history[0]._outbound_nodes.append(self)

    @property
    def parent_nodes(self):
        out = []
        for t in self.input_tensors:
            if t._history is not None:
                layer, node_index, _ = t._history
                out.append(layer._inbound_nodes[node_index])
        return out

    @property
    def is_input(self):
        return not self.input_tensors
