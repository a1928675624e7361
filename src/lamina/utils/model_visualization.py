"""``plot_model`` / ``model_to_dot``: draw a model's layer graph with pydot and graphviz.

Served as ``keras.utils.plot_model`` (and Keras 2's ``keras.utils.vis_utils``). As in Keras,
without pydot or the graphviz ``dot`` program it raises ``ImportError`` saying what to install.
"""

from __future__ import annotations

import os
import shutil

_PYDOT_MISSING = "You must install pydot (`pip install pydot`) for `plot_model` to work."
_GRAPHVIZ_MISSING = (
    "You must install graphviz (see instructions at https://graphviz.gitlab.io/download/) for "
    "`plot_model` to work."
)


def _pydot():
    try:
        import pydot
    except ImportError:
        raise ImportError(_PYDOT_MISSING) from None
    if shutil.which("dot") is None:
        raise ImportError(_GRAPHVIZ_MISSING)
    return pydot


def _edges(model):
    """(parent, child) layer pairs of a functional or Sequential model, in layer order."""
    layers = list(model.layers)
    known = {id(layer) for layer in layers}
    edges = []
    for layer in layers:
        for node in getattr(layer, "_inbound_nodes", []):
            for t in getattr(node, "input_tensors", []):
                history = getattr(t, "_history", None)
                if history is not None and id(history[0]) in known and history[0] is not layer:
                    edges.append((history[0], layer))
    if not edges:  # a model without a recorded graph: draw the layers as a chain
        edges = list(zip(layers, layers[1:]))
    return layers, edges


def model_to_dot(model, show_shapes=False, show_dtype=False, show_layer_names=True,
                 rankdir="TB", dpi=200, **kwargs):
    """A ``pydot.Dot`` graph of the model's layers (one box per layer)."""
    pydot = _pydot()
    dot = pydot.Dot(graph_type="digraph", rankdir=rankdir, dpi=dpi)
    dot.set_node_defaults(shape="record")
    layers, edges = _edges(model)
    for layer in layers:
        label = type(layer).__name__
        if show_layer_names:
            label = f"{layer.name}: {label}"
        if show_dtype:
            label += f" | {getattr(layer, 'dtype', '?')}"
        if show_shapes:
            label += f" | {getattr(layer, 'output_shape', '?')}"
        dot.add_node(pydot.Node(str(id(layer)), label=label.replace(">", "\\>").replace("<", "\\<")))
    for parent, child in edges:
        dot.add_edge(pydot.Edge(str(id(parent)), str(id(child))))
    return dot


def plot_model(model, to_file="model.png", show_shapes=False, show_dtype=False,
               show_layer_names=True, rankdir="TB", expand_nested=False, dpi=200, **kwargs):
    """Write a picture of the model's layer graph to ``to_file`` (needs pydot and graphviz).

    >>> plot_model(model, to_file="model.png", show_shapes=True)   # doctest: +SKIP
    """
    dot = model_to_dot(model, show_shapes=show_shapes, show_dtype=show_dtype,
                       show_layer_names=show_layer_names, rankdir=rankdir, dpi=dpi)
    extension = os.path.splitext(to_file)[1][1:] or "png"
    dot.write(to_file, format=extension)
    return None
