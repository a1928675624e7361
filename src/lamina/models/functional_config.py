"""The config of a functional model: layers with their inbound nodes, as Keras 3 writes it."""

from __future__ import annotations

from lamina.layers.layer import _flatten
from lamina.ops.symbolic import SymbolicTensor


def _node_index_map(model):
    """For each layer, the indices (within this model) of its nodes that the model uses."""
    index = {}
    for node in model._nodes:
        layer = node.layer
        per_layer = index.setdefault(id(layer), {})
        per_layer[id(node)] = len(per_layer)
    return index


def _history_of(t, index):
    layer, node_index, tensor_index = t._history
    node = layer._inbound_nodes[node_index]
    return [layer.name, index[id(layer)][id(node)], tensor_index]


def _serialize_arg(value, index):
    if isinstance(value, SymbolicTensor):
        return {
            "class_name": "__keras_tensor__",
            "config": {"shape": list(value.shape), "dtype": value.dtype,
                       "keras_history": _history_of(value, index)},
        }
    if isinstance(value, (list, tuple)):
        return [_serialize_arg(v, index) for v in value]
    if isinstance(value, dict):
        return {k: _serialize_arg(v, index) for k, v in value.items()}
    return value


def functional_config(model) -> dict:
    from lamina.models.serialization import serialize_layer

    index = _node_index_map(model)
    layer_configs = []
    for layer in model.layers:
        entry = serialize_layer(layer)
        entry["name"] = layer.name
        nodes = [n for n in model._nodes if n.layer is layer and not n.is_input]
        entry["inbound_nodes"] = [
            {"args": _serialize_arg(list(n.call_args), index),
             "kwargs": _serialize_arg(n.call_kwargs, index)}
            for n in nodes
        ]
        layer_configs.append(entry)

    def refs(struct):
        if isinstance(struct, dict):
            return {k: refs(v) for k, v in struct.items()}
        if isinstance(struct, tuple):  # kept a tuple in memory; JSON makes it a list
            return tuple(refs(v) for v in struct)
        if isinstance(struct, list):
            return [refs(v) for v in struct]
        return _history_of(struct, index)

    return {
        "name": model.name,
        "trainable": model.trainable,
        "layers": layer_configs,
        "input_layers": refs(model._input_struct),
        "output_layers": refs(model._output_struct),
    }


def _deserialize_arg(value, created):
    if isinstance(value, dict) and value.get("class_name") == "__keras_tensor__":
        name, node_index, tensor_index = value["config"]["keras_history"]
        outs = created.get(name, [])
        if node_index >= len(outs):
            raise _NotReady
        return _flatten(outs[node_index])[tensor_index]
    if isinstance(value, list):
        return [_deserialize_arg(v, created) for v in value]
    if isinstance(value, dict):
        return {k: _deserialize_arg(v, created) for k, v in value.items()}
    return value


class _NotReady(Exception):
    pass


def functional_from_config(cls, config, custom_objects=None):
    from lamina.layers.input_layer import InputLayer
    from lamina.models.serialization import deserialize_layer

    layers = {}
    created = {}  # layer name -> list of node outputs, in node order
    pending = []
    for entry in config["layers"]:
        layer = deserialize_layer(entry, custom_objects)
        name = entry.get("name") or layer.name
        layers[name] = layer
        if isinstance(layer, InputLayer):
            created[name] = [layer.output]
        for node_data in entry.get("inbound_nodes", []):
            pending.append((name, _legacy_node(node_data)))

    while pending:
        progressed = False
        remaining = []
        done_names = set()
        for name, node_data in pending:
            if name in done_names:  # keep node order per layer
                remaining.append((name, node_data))
                continue
            try:
                args = _deserialize_arg(node_data.get("args", []), created)
                kwargs = _deserialize_arg(node_data.get("kwargs", {}), created)
            except _NotReady:
                remaining.append((name, node_data))
                done_names.add(name)
                continue
            out = layers[name](*args, **kwargs)
            created.setdefault(name, []).append(out)
            progressed = True
        if not progressed:
            raise ValueError(
                "Could not rebuild the functional model: some layer inputs never become "
                f"available ({sorted({n for n, _ in remaining})})."
            )
        pending = remaining

    def resolve(ref):
        if isinstance(ref, dict):
            return {k: resolve(v) for k, v in ref.items()}
        if isinstance(ref, tuple) and ref and isinstance(ref[0], (list, tuple, dict)):
            return tuple(resolve(r) for r in ref)
        if ref and isinstance(ref[0], (list, tuple, dict)):
            return [resolve(r) for r in ref]
        name, node_index, tensor_index = ref[:3]
        return _flatten(created[name][node_index])[tensor_index]

    inputs = resolve(config["input_layers"])
    outputs = resolve(config["output_layers"])
    from lamina.models.functional import Functional

    target = cls if isinstance(cls, type) and issubclass(cls, Functional) else Functional
    return target(inputs, outputs, name=config.get("name"), trainable=config.get("trainable", True))


def _legacy_node(node_data):
    """Keras 2 wrote nodes as ``[[name, node_index, tensor_index, kwargs], ...]``."""
    if isinstance(node_data, dict):
        return node_data
    args = []
    kwargs = {}
    for item in node_data:
        name, node_index, tensor_index = item[:3]
        if len(item) > 3 and item[3]:
            kwargs.update(item[3])
        args.append({"class_name": "__keras_tensor__",
                     "config": {"keras_history": [name, node_index, tensor_index]}})
    return {"args": [args[0]] if len(args) == 1 else [args], "kwargs": kwargs}
