"""Walk a model the way Keras 3's saver does, giving each object its path in the weights file.

Keras addresses state by attribute, not by layer name (names are generated and vary between
runs): a Sequential or functional model's layers sit under ``layers/<key>``, where ``<key>`` is
the snake_case class name made unique in order (``dense``, ``dense_1``...); a subclassed
model's or a layer's sublayers sit under their attribute names, sorted, private ones last;
a compiled model adds ``optimizer``. Matching these paths is what lets Keras read lamina's
files and lamina read Keras'.

>>> [path for path, obj in walk(model)]                  # doctest: +SKIP
['', 'layers/dense', 'layers/dense_1', 'optimizer']
"""

from __future__ import annotations

import re

from lamina.layers.layer import Layer
from lamina.optimizers.optimizer import Optimizer


def keras_snake_case(name: str) -> str:
    """Keras' ``to_snake_case`` (``'Conv2D'`` -> ``'conv2d'``)."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def is_saveable(obj) -> bool:
    return isinstance(obj, (Layer, Optimizer))


def own_variables(layer) -> list:
    """A layer's own variables in Keras' order: trainable ones, then non-trainable ones."""
    own = list(getattr(layer, "_own_variables", ()))
    return [v for v in own if v.trainable] + [v for v in own if not v.trainable]


def keras_layers(model) -> list:
    """``model.layers`` in the order Keras 3 lists them.

    For a functional model Keras orders layers by depth (inputs first) and, at equal depth, by
    when a depth-first walk from the outputs first met them; lamina's own order may differ, and
    the order decides the ``dense``/``dense_1`` keys and legacy by-order loading.
    """
    from lamina.models.functional import Functional

    if not isinstance(model, Functional):
        return list(model.layers)
    inputs = list(model.inputs)
    input_ids = {id(t) for t in inputs}
    order, op_index, finished, layers = [], {}, set(), {}

    def visit(tensor):
        if tensor._history is None:
            return
        layer, node_index, _ = tensor._history
        node = layer._inbound_nodes[node_index]
        if id(node) in finished:
            return
        if not node.is_input and id(tensor) in input_ids:
            finished.add(id(node))
            return
        op_index.setdefault(id(layer), len(op_index))
        layers[id(layer)] = layer
        if not node.is_input:
            for t in node.input_tensors:
                visit(t)
        finished.add(id(node))
        order.append(node)

    for t in model.outputs:
        visit(t)
    in_graph = {id(n) for n in order}
    node_depth, layer_depth = {}, {}
    for node in reversed(order):
        depth = max(node_depth.setdefault(id(node), 0), layer_depth.get(id(node.layer), 0))
        layer_depth[id(node.layer)] = node_depth[id(node)] = depth
        for parent in node.parent_nodes:
            if id(parent) in in_graph:
                node_depth[id(parent)] = max(depth + 1, node_depth.get(id(parent), 0))
    for t in inputs:  # inputs not connected to any output still count, first
        layer = t._history[0]
        if id(layer) not in layer_depth:
            layer_depth[id(layer)], op_index[id(layer)], layers[id(layer)] = 0, -1, layer
    ids = sorted(layer_depth, key=lambda i: (-layer_depth[i], op_index[i]))
    return [layers[i] for i in ids]


def _name_key(name: str) -> str:
    return f"~{name}" if name.startswith("_") else name


def _contains_saveable(value) -> bool:
    if isinstance(value, dict):
        value = list(value.values())
    return any(is_saveable(v) or (isinstance(v, (list, tuple, dict)) and _contains_saveable(v))
               for v in value)


# Attributes of lamina's base classes that list layers for bookkeeping, not as state
# (Keras likewise skips every attribute a bare Layer has).
_BOOKKEEPING = frozenset({
    "_tracked_containers", "_modules", "_parameters", "_buffers", "_layers_cache",
    "_trainable_cache", "_regularized", "_inbound_nodes", "_outbound_nodes", "_own_variables",
    "_losses", "_stack", "_layers", "_plan",
})


def _attribute_children(layer) -> dict:
    """Sublayers and containers of sublayers, by the attribute name the user gave them."""
    out = {}
    containers = {k: v for k, v in vars(layer).items()
                  if isinstance(v, (list, tuple, dict)) and not k.startswith("__")
                  and k not in _BOOKKEEPING and _contains_saveable(v)}
    for key, module in layer._modules.items():
        m = re.match(r"(.+)_(\d+)$", key)
        if m and m.group(1) in containers:  # lamina's alias for a container item
            continue
        if is_saveable(module):
            out[key] = module
    out.update(containers)
    return out


def children(obj) -> list:
    """``(attribute, child)`` pairs in the order Keras' saver visits them."""
    from lamina.models.functional import Functional
    from lamina.models.model import Model
    from lamina.models.sequential import Sequential

    if isinstance(obj, Optimizer):
        return []
    custom = getattr(obj, "_saving_children", None)
    if custom is not None:  # a layer may name its parts itself (e.g. a fused RNN's `cell`)
        return list(custom())
    first = []
    attrs = {}
    if isinstance(obj, (Sequential, Functional)):
        # Keras visits the tracked layers first; the graph's own bookkeeping is not state.
        first.append(("layers", keras_layers(obj)))
    else:
        attrs.update(_attribute_children(obj))
        if isinstance(obj, Model):
            attrs["layers"] = list(obj.layers)
    if isinstance(obj, Model) and getattr(obj, "optimizer", None) is not None:
        attrs["optimizer"] = obj.optimizer
    return first + [(k, attrs[k]) for k in sorted(attrs, key=_name_key)]


def _join(path: str, name: str) -> str:
    return f"{path}/{name}" if path else name


def walk(root):
    """Yield ``(path, obj)`` for every saveable object once, in Keras' order."""
    visited = set()

    def visit(obj, path):
        if id(obj) in visited:
            return
        visited.add(id(obj))
        yield path, obj
        for attr, child in children(obj):
            if is_saveable(child):
                yield from visit(child, _join(path, attr))
            elif isinstance(child, (list, tuple, dict)):
                yield from visit_container(child, _join(path, attr), set())

    def visit_container(container, path, seen):
        if id(container) in seen:
            return
        seen.add(id(container))
        used = {}
        items = list(container.values()) if isinstance(container, dict) else list(container)
        for item in items:
            if is_saveable(item):
                yield from visit(item, _join(path, _unique(_class_key(item), used)))
            elif isinstance(item, (list, tuple, dict)):
                yield from visit_container(item, _join(path, _unique("container", used)), seen)

    yield from visit(root, "")


def _class_key(obj) -> str:
    return keras_snake_case(getattr(obj, "_keras_class_name", None) or type(obj).__name__)


def _unique(name: str, used: dict) -> str:
    if name in used:
        used[name] += 1
        return f"{name}_{used[name]}"
    used[name] = 0
    return name
