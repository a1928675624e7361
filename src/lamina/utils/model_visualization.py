"""``plot_model`` / ``model_to_dot``: draw a model's layer graph with pydot and graphviz.

Served as ``keras.utils.plot_model`` (and Keras 2's ``keras.utils.vis_utils``). Each layer is a
box (its name and class, and on request its activation, input and output shapes, dtype and
whether it trains); each edge is a tensor passed from one layer to another; with
``expand_nested`` a model used as a layer is drawn as a dashed cluster of its own layers.
``model_to_dot`` needs pydot; ``plot_model`` also needs graphviz's ``dot`` program. Without
them they raise ``ImportError`` saying what to install, as Keras does.

The model is read through what every lamina model records (``model.layers``, the graph nodes
of each layer, the symbolic tensors' history), so this module imports no model class.
"""

from __future__ import annotations

import os
import re

_PYDOT_MISSING = "You must install pydot (`pip install pydot`) for `{}` to work."
_GRAPHVIZ_MISSING = (
    "You must install graphviz (see instructions at https://graphviz.gitlab.io/download/) for "
    "`plot_model` to work."
)


def _pydot(caller: str = "model_to_dot"):
    try:
        import pydot
    except ImportError:
        raise ImportError(_PYDOT_MISSING.format(caller)) from None
    return pydot


def check_pydot() -> bool:
    """Whether pydot can be imported."""
    try:
        _pydot()
    except ImportError:
        return False
    return True


def check_graphviz() -> bool:
    """Whether pydot and graphviz's ``dot`` program both work (an empty graph is rendered)."""
    if not check_pydot():
        return False
    pydot = _pydot()
    try:
        pydot.Dot.create(pydot.Dot())
    except (OSError, pydot.PydotException):
        return False
    return True


# -- reading the graph ---------------------------------------------------------------------


def _graph_nodes(model) -> list | None:
    """The graph nodes between the model's inputs and outputs, or None for a model without a
    recorded graph (a subclassed model, drawn as one box)."""
    try:
        inputs, outputs = list(model.inputs), list(model.outputs)
    except (AttributeError, ValueError, TypeError):
        return None
    if not outputs or any(getattr(t, "_history", None) is None for t in outputs):
        return None
    stop = {id(t) for t in inputs}
    seen, nodes, stack = set(), [], list(outputs)
    while stack:
        t = stack.pop()
        layer, node_index, _ = t._history
        node = layer._inbound_nodes[node_index]
        if id(node) in seen:
            continue
        seen.add(id(node))
        nodes.append(node)
        if id(t) in stop:
            continue
        stack.extend(s for s in node.input_tensors if getattr(s, "_history", None) is not None)
    return nodes


def _is_graph_model(layer) -> bool:
    return hasattr(layer, "layers") and _graph_nodes(layer) is not None


def _is_sequential(model) -> bool:
    return type(model).__name__ == "Sequential" or any(
        cls.__name__ == "Sequential" and cls.__module__.startswith("lamina.")
        for cls in type(model).__mro__
    )


def _shapes(tensors):
    shapes = [tuple(t.shape) for t in tensors]
    return shapes[0] if len(shapes) == 1 else shapes


def _layer_range(layers, layer_range):
    if layer_range is None:
        return layers
    if (not isinstance(layer_range, (list, tuple)) or len(layer_range) != 2
            or not all(isinstance(x, str) for x in layer_range)):
        raise ValueError(
            "layer_range must be a list of two layer names (or regex patterns): the first and "
            f"the last layer to draw; got {layer_range!r}."
        )
    names = [layer.name for layer in layers]
    first = [i for i, n in enumerate(names) if re.match(layer_range[0], n)]
    last = [i for i, n in enumerate(names) if re.match(layer_range[1], n)]
    if not first or not last:
        missing = layer_range[0] if not first else layer_range[1]
        raise ValueError(
            f"layer_range: no layer of the model matches {missing!r}; its layers are {names}."
        )
    if first[0] > last[-1]:
        raise ValueError(f"layer_range: {layer_range[0]!r} comes after {layer_range[1]!r}.")
    return layers[first[0]:last[-1] + 1]


# -- drawing -------------------------------------------------------------------------------


def _escape(text) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _activation_name(layer) -> str:
    activation = layer.activation
    return getattr(activation, "name", None) or getattr(activation, "__name__", None) \
        or str(activation)


def _label(layer, node, show_shapes, show_dtype, show_layer_names, show_layer_activations,
           show_trainable) -> str:
    """An HTML-like graphviz label: the same table Keras draws for a layer."""
    kind = type(layer).__name__
    colspan = max(1, int(show_dtype) + int(show_trainable) + 2 * int(show_shapes))
    title = f"<b>{_escape(layer.name)}</b> ({kind})" if show_layer_names else f"<b>{kind}</b>"
    rows = [f'<tr><td colspan="{colspan}" bgcolor="black"><font point-size="16" '
            f'color="white">{title}</font></td></tr>']
    if show_layer_activations and getattr(layer, "activation", None) is not None:
        rows.append(f'<tr><td bgcolor="white" colspan="{colspan}"><font point-size="14">'
                    f"Activation: <b>{_escape(_activation_name(layer))}</b></font></td></tr>")
    cells = []

    def cell(text, color="white", font=""):
        cells.append(f'<td bgcolor="{color}"><font point-size="14"{font}>{text}</font></td>')

    if show_shapes:
        if kind != "InputLayer":
            shape = _shapes(node.input_tensors) if node is not None and node.input_tensors else "?"
            cell(f"Input shape: <b>{_escape(shape)}</b>")
        shape = _shapes(node.output_tensors) if node is not None else "?"
        cell(f"Output shape: <b>{_escape(shape)}</b>")
    if show_dtype:
        dtypes = [t.dtype for t in node.output_tensors] if node is not None else ["?"]
        cell(f"Output dtype: <b>{_escape(dtypes[0] if len(dtypes) == 1 else dtypes)}</b>")
    if show_trainable and getattr(layer, "weights", None):
        if layer.trainable:
            cell("<b>Trainable</b>", "forestgreen", ' color="white"')
        else:
            cell("<b>Non-trainable</b>", "firebrick", ' color="white"')
    if cells:
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return ('<<table border="0" cellborder="1" bgcolor="black" cellpadding="10">'
            + "".join(rows) + "</table>>")


def _add_edge(pydot, dot, source, destination):
    src, dst = str(id(source)), str(id(destination))
    if not dot.get_edge(src, dst):
        dot.add_edge(pydot.Edge(src, dst, penwidth="2"))


def _entry(layer, input_index):
    """The box an edge into ``layer`` points at: inside an expanded nested model, its input
    layer (functional) or its first layer (Sequential)."""
    while _is_graph_model(layer):
        if _is_sequential(layer):
            layer = layer.layers[0]
        else:
            inputs = layer.inputs
            layer = inputs[min(input_index, len(inputs) - 1)]._history[0]
    return layer


def _exit(layer, output_index):
    """The box an edge out of ``layer`` starts from: inside an expanded nested model, the
    layer that makes its output."""
    while _is_graph_model(layer):
        layer, _, output_index = layer.outputs[output_index]._history
    return layer


def _draw(pydot, dot, model, options, expand_nested, layer_range=None):
    nodes = _graph_nodes(model)
    sequential = _is_sequential(model)
    if nodes is None:  # a subclassed model: one box, as Keras draws it
        dot.add_node(_box(pydot, model, None, options))
        return
    node_of = {}
    for node in nodes:  # the node of each layer in this model's graph (layers may be shared)
        node_of.setdefault(id(node.layer), node)
    drawn = _layer_range(list(model.layers), layer_range)
    drawn_ids = {id(layer) for layer in drawn}
    for layer in drawn:
        if expand_nested and _is_graph_model(layer):
            cluster = pydot.Cluster(graph_name=layer.name, style="dashed", label=layer.name,
                                    labeljust="l")
            _draw(pydot, cluster, layer, options, expand_nested)
            dot.add_subgraph(cluster)
        else:
            dot.add_node(_box(pydot, layer, node_of.get(id(layer)), options))
    if sequential and not expand_nested:
        for a, b in zip(drawn, drawn[1:]):
            _add_edge(pydot, dot, a, b)
        return
    order = {id(layer): i for i, layer in enumerate(drawn)}
    for node in sorted(nodes, key=lambda n: order.get(id(n.layer), -1)):
        if id(node.layer) not in drawn_ids:
            continue
        for input_index, t in enumerate(node.input_tensors):
            source, _, output_index = t._history
            if id(source) not in drawn_ids:  # a Sequential's hidden input, or out of range
                continue
            if expand_nested:
                _add_edge(pydot, dot, _exit(source, output_index), _entry(node.layer, input_index))
            else:
                _add_edge(pydot, dot, source, node.layer)


def _box(pydot, layer, node, options):
    return pydot.Node(str(id(layer)), label=_label(layer, node, **options),
                      fontname="Helvetica", border="0", margin="0")


def model_to_dot(model, show_shapes=False, show_dtype=False, show_layer_names=True,
                 rankdir="TB", expand_nested=False, dpi=200, subgraph=False,
                 show_layer_activations=False, show_trainable=False, splines="ortho",
                 layer_range=None, **kwargs):
    """A ``pydot.Dot`` graph of the model: one box per layer, one edge per tensor.

    Args:
        model: a built Sequential, functional or subclassed model (a subclassed model is
            one box: it records no graph).
        show_shapes, show_dtype, show_layer_names, show_layer_activations, show_trainable:
            what each box shows besides the layer's class.
        rankdir: ``"TB"`` (top to bottom) or ``"LR"`` (left to right).
        expand_nested: draw models used as layers as clusters of their layers.
        dpi: the picture's resolution. splines: graphviz's edge style (``"ortho"``...).
        subgraph: return a ``pydot.Cluster`` (to be placed inside another graph).
        layer_range: Keras 2's ``[first, last]`` layer names (or regex patterns): draw only
            the top-level layers from the first to the last, both included.

    >>> import lamina
    >>> model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(2, name="out")])
    >>> "out" in model_to_dot(model, show_shapes=True).to_string()   # doctest: +SKIP
    True
    """
    if kwargs:
        raise ValueError(f"model_to_dot: unrecognized keyword arguments: {sorted(kwargs)}")
    if not getattr(model, "built", False):
        raise ValueError(
            "This model has not yet been built. Build the model first by calling `build()` or "
            "by calling the model on a batch of data."
        )
    if rankdir not in ("TB", "LR", "BT", "RL"):
        raise ValueError(f"rankdir must be 'TB', 'LR', 'BT' or 'RL'; got {rankdir!r}.")
    pydot = _pydot()
    if subgraph:
        dot = pydot.Cluster(graph_name=model.name, style="dashed", label=model.name,
                            labeljust="l")
    else:
        dot = pydot.Dot(graph_type="digraph", rankdir=rankdir, concentrate=True, dpi=dpi,
                        splines=splines)
        dot.set_node_defaults(shape="record")
    options = {"show_shapes": show_shapes, "show_dtype": show_dtype,
               "show_layer_names": show_layer_names,
               "show_layer_activations": show_layer_activations,
               "show_trainable": show_trainable}
    _draw(pydot, dot, model, options, expand_nested, layer_range)
    return dot


def plot_model(model, to_file="model.png", show_shapes=False, show_dtype=False,
               show_layer_names=False, rankdir="TB", expand_nested=False, dpi=200,
               show_layer_activations=False, show_trainable=False, splines="ortho",
               layer_range=None, **kwargs):
    """Write a picture of the model's layer graph to ``to_file`` (needs pydot and graphviz).

    The format follows the file's extension (``.png``, ``.svg``, ``.pdf``, ``.dot``...; PNG
    without one). The arguments are ``model_to_dot``'s. In a notebook it returns an
    ``IPython.display.Image`` of the picture (except for PDF), else None.

    >>> plot_model(model, to_file="model.png", show_shapes=True)   # doctest: +SKIP
    """
    if kwargs:
        raise ValueError(f"plot_model: unrecognized keyword arguments: {sorted(kwargs)}")
    if not getattr(model, "built", False):
        raise ValueError(
            "This model has not yet been built. Build the model first by calling `build()` or "
            "by calling the model on a batch of data."
        )
    _pydot("plot_model")
    if not check_graphviz():
        raise ImportError(_GRAPHVIZ_MISSING)
    dot = model_to_dot(model, show_shapes=show_shapes, show_dtype=show_dtype,
                       show_layer_names=show_layer_names, rankdir=rankdir,
                       expand_nested=expand_nested, dpi=dpi,
                       show_layer_activations=show_layer_activations,
                       show_trainable=show_trainable, splines=splines, layer_range=layer_range)
    to_file = os.fspath(to_file)
    extension = os.path.splitext(to_file)[1][1:].lower() or "png"
    dot.write(to_file, format="raw" if extension == "dot" else extension)
    if extension != "pdf":
        try:
            from IPython import display
        except ImportError:
            return None
        return display.Image(filename=to_file)
    return None
