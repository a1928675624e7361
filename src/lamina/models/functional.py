"""Functional models: a graph of layer calls from ``Input`` tensors to outputs.

As in Keras, a model's inputs may also be tensors that layers produced (``Model(inputs=
feature_space.get_encoded_features(), ...)``): each such input is replaced by a new ``Input``
of its shape and dtype, named ``<tensor name>CLONE``, and the layer calls from it to the
outputs are recorded again from that Input, leaving the original graph as it was.

String inputs (``Input(dtype="string")``) receive NumPy arrays of strings, which go as they
are to the string-taking layers (StringLookup, TextVectorization, Hashing, ...).
"""

from __future__ import annotations

import numpy as np

from lamina import ops
from lamina.layers.input_layer import Input
from lamina.layers.layer import Layer, _flatten, _pack_like, current_path
from lamina.layers.node import Node
from lamina.models.model import Model
from lamina.ops.symbolic import SymbolicTensor
from lamina.training.trainer import Trainer


def _as_structure(x):
    """Copy the (nested) container structure, keeping tuples as tuples the way Keras does."""
    if isinstance(x, tuple):
        return tuple(_as_structure(v) for v in x)
    if isinstance(x, list):
        return [_as_structure(v) for v in x]
    if isinstance(x, dict):
        return {k: _as_structure(v) for k, v in x.items()}
    return x


class Functional(Model):
    """A model defined by ``Model(inputs, outputs)``.

    >>> import lamina
    >>> x = lamina.Input(shape=(4,))
    >>> y = lamina.layers.Dense(2)(x)
    >>> lamina.Model(x, y).output_shape
    (None, 2)
    """

    def __init__(self, inputs, outputs, name=None, trainable=True, **kwargs):
        Layer.__init__(self, name=name or _default_name(), trainable=trainable, **kwargs)
        Trainer.__init__(self)
        for t in _flatten(inputs) + _flatten(outputs):
            if not isinstance(t, SymbolicTensor):
                raise TypeError(
                    f"Model: inputs and outputs must be symbolic tensors made from Input() and "
                    f"layer calls; got {type(t).__name__}"
                )
        for t in _flatten(inputs):
            if t._history is None:
                raise ValueError(
                    f"Model: the input {t} was neither made by Input() nor produced by a layer."
                )
        if not all(_is_input_tensor(t) for t in _flatten(inputs)):
            inputs, outputs = _clone_from_intermediate(inputs, outputs)
        self._input_struct = _as_structure(inputs)
        self._output_struct = _as_structure(outputs)
        self.inputs = [t for t in _flatten(self._input_struct)]
        self.outputs = [t for t in _flatten(self._output_struct)]
        self._nodes = _nodes_between(self.inputs, self.outputs)
        self._layers = _layers_of(self._nodes, self.inputs, self.outputs)
        names = set()
        for i, layer in enumerate(self._layers):
            if layer.name in names:
                raise ValueError(
                    f"Model '{self.name}': the layer name {layer.name!r} is used twice; "
                    "all layers in a model must have unique names."
                )
            names.add(layer.name)
            self._modules[f"{i}_{layer.name}".replace(".", "_")] = layer
        self._plan = [
            (n.layer, n.call_args, n.call_kwargs, [id(t) for t in n.output_tensors])
            for n in self._nodes if not n.is_input
        ]
        self._input_ids = [id(t) for t in self.inputs]
        # (rank, last dimension) of each input, for Keras' rank adjustment of given data
        self._input_ranks = [(len(t.shape), t.shape[-1] if t.shape else None)
                             for t in self.inputs]
        self._input_names = [t._history[0].name for t in self.inputs]
        self.output_names = [t._history[0].name for t in self.outputs]
        self.built = True
        self._build_shapes = [t.shape for t in self.inputs] if len(self.inputs) > 1 \
            else self.inputs[0].shape
        with self._open_name_scope():  # Keras builds a functional model when it is made
            self._path = current_path()

    def __setstate__(self, state):
        # copy.deepcopy and pickle give the graph's tensors new identities: the plan, keyed by
        # id(tensor), is rebuilt from the copied nodes (sklearn's clone, joblib workers).
        super().__setstate__(state)
        self._plan = [
            (n.layer, n.call_args, n.call_kwargs, [id(t) for t in n.output_tensors])
            for n in self._nodes if not n.is_input
        ]
        self._input_ids = [id(t) for t in self.inputs]

    @property
    def layers(self):
        return list(self._layers)

    @property
    def _takes_strings(self):
        return any(t.dtype == "string" for t in self.inputs)

    @layers.setter
    def layers(self, _):
        raise AttributeError(
            "`Model.layers` attribute is reserved and should not be used. "
            "Please use another name."
        )

    @property
    def input_shape(self):
        shapes = [t.shape for t in self.inputs]
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def output_shape(self):
        shapes = [t.shape for t in self.outputs]
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def input(self):
        return self._input_struct

    @property
    def output(self):
        return self._output_struct

    def _flatten_inputs(self, inputs):
        """Match given inputs (one tensor, a list, or a dict by input name) to the Input order."""
        if isinstance(inputs, dict):
            if isinstance(self._input_struct, dict):
                return _flatten({k: inputs[k] for k in self._input_struct})
            try:
                return [inputs[name] for name in self._input_names]
            except KeyError as e:
                raise ValueError(
                    f"Model '{self.name}' has inputs named {self._input_names}; the input dict "
                    f"has keys {sorted(inputs)} (missing {e})."
                ) from None
        if len(self.inputs) == 1 and _is_string_list(inputs):
            inputs = np.asarray(inputs)  # model(["a text", ...]): one string array
        flat = _flatten(inputs)
        if len(flat) != len(self.inputs):
            raise ValueError(
                f"Model '{self.name}' expects {len(self.inputs)} input(s) "
                f"{[t.shape for t in self.inputs]}, but received {len(flat)}."
            )
        return flat

    def _adjust_ranks(self, flat):
        return adjust_input_ranks(self._input_ranks, flat)

    def call(self, inputs, training=None, mask=None):
        flat = self._adjust_ranks(self._flatten_inputs(inputs))
        values = dict(zip(self._input_ids, flat))
        for layer, args, kwargs, out_ids in self._plan:
            real_args = _fill(args, values)
            real_kwargs = _fill(kwargs, values) if kwargs else {}
            out = layer(*real_args, **real_kwargs)
            if len(out_ids) == 1:
                values[out_ids[0]] = out
            else:
                for i, v in zip(out_ids, _flatten(out)):
                    values[i] = v
        flat_out = [values[id(t)] for t in self.outputs]
        if self._single_output_list:
            return flat_out[0]  # Keras unwraps Model(inputs, [output])
        return _pack_like(self._output_struct, flat_out)[0]

    @property
    def _single_output_list(self):
        # Keras unpacks a one-element list or tuple of outputs (``unpack_singleton``).
        return isinstance(self._output_struct, (list, tuple)) and len(self._output_struct) == 1

    def compute_output_shape(self, input_shape):
        # Unlike ``call``, Keras keeps a one-element output list here: ``[(None, 2)]``.
        shapes = [t.shape for t in self.outputs]
        return _pack_like(self._output_struct, shapes)[0]

    def build(self, input_shape):
        self.built = True

    def get_config(self):
        from lamina.models.functional_config import functional_config

        return functional_config(self)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from lamina.models.functional_config import functional_from_config

        return functional_from_config(cls, config, custom_objects)


def adjust_input_ranks(ranks, flat):
    """Keras' rule for data given to a model: data one rank short of an input whose last
    dimension is 1 gains that axis (``(batch,)`` for ``(None, 1)``); one rank over with a last
    axis of 1 loses it. ``ranks`` holds ``(rank, last dimension)`` per input."""
    out = flat
    for i, ((rank, last), x) in enumerate(zip(ranks, flat)):
        shape = getattr(x, "shape", None)
        if shape is None or len(shape) == rank:
            continue
        if len(shape) == rank - 1 and last == 1:
            x = np.expand_dims(x, -1) if isinstance(x, np.ndarray) else ops.expand_dims(x, -1)
        elif len(shape) == rank + 1 and shape[-1] == 1:
            x = np.squeeze(x, -1) if isinstance(x, np.ndarray) else ops.squeeze(x, -1)
        else:
            continue
        if out is flat:
            out = list(flat)
        out[i] = x
    return out


def _is_string_list(x) -> bool:
    return isinstance(x, (list, tuple)) and bool(x) and all(
        isinstance(v, (str, bytes)) or _is_string_list(v) for v in x)


def _is_input_tensor(t) -> bool:
    layer, node_index, _ = t._history
    return layer._inbound_nodes[node_index].is_input


def _clone_from_intermediate(inputs, outputs):
    """Keras' ``clone_graph_nodes``: a new ``Input`` for each input a layer produced, and the
    nodes between the inputs and the outputs recorded again on copies of their tensors."""
    flat_inputs = _flatten(inputs)
    mapping = {}
    for t in flat_inputs:
        if _is_input_tensor(t):
            mapping[id(t)] = t
        else:
            mapping[id(t)] = Input(batch_shape=t.shape, dtype=t.dtype, sparse=t.sparse,
                                   name=f"{t.name}CLONE")
    boundary = [mapping[id(t)] for t in flat_inputs]
    cut = {id(t) for t in flat_inputs}
    for node in _nodes_between(flat_inputs, _flatten(outputs)):
        if node.is_input or any(id(t) in cut for t in node.output_tensors):
            continue  # an Input, or the node that made an intermediate input
        args = _replace(node.call_args, mapping)
        kwargs = _replace(node.call_kwargs, mapping)
        copies = {}
        for t in node.output_tensors:
            copy = SymbolicTensor(t.shape, t.dtype, sparse=t.sparse)
            copy._mask = t._mask
            copies[id(t)] = copy
        new_outputs = _replace(node.outputs, copies)
        Node(node.layer, args, kwargs, new_outputs)
        mapping.update(copies)
    new_inputs = _pack_like(_as_structure(inputs), boundary)[0]
    new_outputs = _pack_like(_as_structure(outputs), [mapping[id(t)] for t in _flatten(outputs)])
    return new_inputs, new_outputs[0]


def _replace(structure, mapping):
    if isinstance(structure, SymbolicTensor):
        return mapping.get(id(structure), structure)
    if isinstance(structure, tuple):
        return tuple(_replace(v, mapping) for v in structure)
    if isinstance(structure, list):
        return [_replace(v, mapping) for v in structure]
    if isinstance(structure, dict):
        return {k: _replace(v, mapping) for k, v in structure.items()}
    return structure


def _default_name():
    from lamina.utils import registry

    return registry.unique_name("functional")


def _fill(structure, values):
    if isinstance(structure, SymbolicTensor):
        return values[id(structure)]
    if isinstance(structure, tuple):
        return tuple(_fill(v, values) for v in structure)
    if isinstance(structure, list):
        return [_fill(v, values) for v in structure]
    if isinstance(structure, dict):
        return {k: _fill(v, values) for k, v in structure.items()}
    return structure


def _nodes_between(inputs, outputs):
    """The nodes that lead from ``inputs`` to ``outputs``, in an order that runs (topological)."""
    input_ids = {id(t) for t in inputs}
    order = []
    state = {}  # id(node) -> 1 visiting, 2 done

    def visit(node):
        key = id(node)
        if state.get(key) == 2:
            return
        if state.get(key) == 1:
            raise ValueError("Model: the layer graph has a cycle")
        state[key] = 1
        for t in node.input_tensors:
            if id(t) in input_ids:
                continue
            if t._history is None:
                raise ValueError(f"Model: the tensor {t} is not connected to the model inputs")
            layer, node_index, _ = t._history
            parent = layer._inbound_nodes[node_index]
            if parent.is_input:
                raise ValueError(
                    f"Model: the output depends on the input {t.name!r}, which is not one of the "
                    f"model's inputs {[i.name for i in inputs]}."
                )
            visit(parent)
        state[key] = 2
        order.append(node)

    for t in inputs:
        layer, node_index, _ = t._history
        order.append(layer._inbound_nodes[node_index])
        state[id(layer._inbound_nodes[node_index])] = 2
    for t in outputs:
        if t._history is None:
            raise ValueError(f"Model: the output {t} was not produced by a layer")
        layer, node_index, _ = t._history
        visit(layer._inbound_nodes[node_index])
    return order


def _layers_of(nodes, inputs, outputs):
    """The model's layers in Keras' order: deepest first (inputs), ties by first visit.

    A depth-first walk from the outputs numbers each layer when first seen; a node's depth
    is the longest path from it to an output, and a layer takes its deepest node's depth.
    """
    in_graph = {id(n) for n in nodes}
    first_seen = {}
    post_order = []
    finished = set()

    def walk(t):
        layer, node_index, _ = t._history
        node = layer._inbound_nodes[node_index]
        if id(node) in finished:
            return
        first_seen.setdefault(id(layer), len(first_seen))
        for parent in node.input_tensors:
            walk(parent)
        finished.add(id(node))
        post_order.append(node)

    for t in outputs:
        walk(t)
    node_depth, layer_depth, layers = {}, {}, {}
    for node in reversed(post_order):
        depth = max(node_depth.setdefault(id(node), 0), layer_depth.get(id(node.layer), 0))
        layer_depth[id(node.layer)] = depth
        layers[id(node.layer)] = node.layer
        node_depth[id(node)] = depth
        for parent in node.parent_nodes:
            if id(parent) in in_graph:
                node_depth[id(parent)] = max(depth + 1, node_depth.get(id(parent), 0))
    for t in inputs:  # inputs no output depends on still belong to the model
        layer = t._history[0]
        if id(layer) not in layer_depth:
            layer_depth[id(layer)] = 0
            first_seen[id(layer)] = -1
            layers[id(layer)] = layer
    return sorted(layers.values(),
                  key=lambda l: (-layer_depth[id(l)], first_seen[id(l)]))
