"""``model.summary()``: Keras 3's table of layers, output shapes and parameter counts.

Keras renders the table with ``rich`` (fixed column widths, word wrapping, ``…`` for words
too long for their cell) and hands the whole captured text to ``print_fn`` in one call;
this module reproduces that plain-text output without depending on ``rich``.
"""

from __future__ import annotations

import math
import re
import shutil
import sys


def _format_size(num_bytes: float) -> str:
    for unit in ("B", "KB", "MB", "GB", "TB", "PB"):
        if num_bytes / 1024 < 1:
            return f"{num_bytes:.2f} {unit}"
        num_bytes /= 1024
    return f"{num_bytes:.2f} PB"  # pragma: no cover


def _weight_bytes(weights):
    total = 0
    unique = {id(v): v for v in weights}.values()
    for v in unique:
        itemsize = v.element_size() if hasattr(v, "element_size") else 4
        total += int(math.prod(v.shape)) * itemsize
    return total


def _count(weights):
    return int(sum(math.prod(v.shape) for v in weights))


def _format_shape(shape):
    return "(" + ", ".join(str(d) for d in shape) + ")"


def _map_shapes(structure):
    if isinstance(structure, (list, tuple)):
        out = [_map_shapes(v) for v in structure]
        return tuple(out) if isinstance(structure, tuple) else out
    if isinstance(structure, dict):
        return {k: _map_shapes(v) for k, v in structure.items()}
    if hasattr(structure, "shape"):
        return _format_shape(structure.shape)
    return structure


def _leaves(structure):
    if isinstance(structure, (list, tuple)):
        return [x for v in structure for x in _leaves(v)]
    if isinstance(structure, dict):
        return [x for k in sorted(structure) for x in _leaves(structure[k])]
    return [structure]


def _shape_text(layer):
    """Keras' ``format_layer_shape``: the output shapes of the layer's last call."""
    if layer._inbound_nodes:
        shapes = _map_shapes(layer._inbound_nodes[-1].outputs)
    else:
        # Keras: no call recorded, so the output shape comes from the build shapes.
        build_shapes = getattr(layer, "_build_shapes", None)
        if build_shapes is None:
            return "?"
        try:
            shape = layer.compute_output_shape(build_shapes)
        except Exception:  # noqa: BLE001 - Keras shows "?" when the shape is unknown
            return "?"
        if shape is None:
            return "?"
        shapes = _map_shapes_of(shape)
    flat = _leaves(shapes)
    if len(flat) == 1:
        return flat[0]
    return str(shapes).replace("'", "")


def _map_shapes_of(shapes):
    if isinstance(shapes, (list, tuple)) and shapes and all(
            isinstance(s, (list, tuple, dict)) for s in shapes):
        out = [_map_shapes_of(s) for s in shapes]
        return tuple(out) if isinstance(shapes, tuple) else out
    if isinstance(shapes, dict):
        return {k: _map_shapes_of(v) for k, v in shapes.items()}
    return _format_shape(shapes)


def _params_text(layer):
    if not layer.built:
        return "0 (unbuilt)"
    return f"{layer.count_params():,}"


def _node_depths(model):
    """Keras' ``_nodes_by_depth``: a node's depth is its longest path to an output."""
    nodes = list(model._nodes)
    in_model = {id(n) for n in nodes}
    depth = {id(n): 0 for n in nodes}
    for node in reversed(nodes):  # ``_nodes`` is topological (inputs first)
        for parent in node.parent_nodes:
            if id(parent) in in_model:
                depth[id(parent)] = max(depth[id(parent)], depth[id(node)] + 1)
    by_depth = {}
    for node in nodes:
        by_depth.setdefault(depth[id(node)], []).append(node)
    return by_depth


def _is_sequential_like(model):
    from lamina.models.functional import Functional

    if not isinstance(model, Functional):
        return True  # Sequential and subclassed models are listed as a sequence of layers
    for group in _node_depths(model).values():
        if len(group) > 1 or (len(group) == 1 and len(group[0].input_tensors) > 1):
            return False
    nodes = {id(n) for n in model._nodes}
    for layer in model.layers:
        if sum(1 for n in layer._inbound_nodes if id(n) in nodes) > 1:
            return False  # a shared layer
    return True


def _connected_to(layer, model):
    nodes = {id(n) for n in model._nodes}
    out = []
    for node in layer._inbound_nodes:
        if id(node) not in nodes:
            continue
        for t in node.input_tensors:
            if t._history is not None:
                parent, index, tensor_index = t._history
                out.append(f"{parent.name}[{index}][{tensor_index}]")
    return ", ".join(out) or "-"


# -- rich's table layout, for plain text -------------------------------------------------------


def _ratio_reduce(total, ratios, maximums, values):
    ratios = [r if m else 0 for r, m in zip(ratios, maximums)]
    total_ratio = sum(ratios)
    if not total_ratio:
        return list(values)
    remaining = total
    result = []
    for ratio, maximum, value in zip(ratios, maximums, values):
        if ratio and total_ratio > 0:
            distributed = min(maximum, round(ratio * remaining / total_ratio))
            result.append(value - distributed)
            remaining -= distributed
            total_ratio -= ratio
        else:
            result.append(value)
    return result


def _cell_widths(column_widths, table_width):
    """Each column's width including its one-space padding on both sides (rich's layout)."""
    extra = len(column_widths) + 1  # the vertical borders
    max_width = table_width - extra
    widths = [min(w + 2, max_width) for w in column_widths]
    if sum(widths) > max_width:
        widths = _ratio_reduce(sum(widths) - max_width, [1] * len(widths), widths, widths)
    return widths


_WORD = re.compile(r"\s*\S+\s*")


def _wrap(text, width, justify):
    """rich's ``Text.wrap`` with overflow="ellipsis": word wrap, crop long words with ``…``."""
    if width <= 0:
        return [""]
    breaks = []
    offset = 0
    for m in _WORD.finditer(text):
        start, word = m.start(), m.group(0)
        length = len(word.rstrip())
        if width - offset >= length:
            offset += len(word)
        elif length > width:
            if start:
                breaks.append(start)
            offset = len(word)
        elif offset and start:
            breaks.append(start)
            offset = len(word)
    pieces = []
    prev = 0
    for b in breaks + [len(text)]:
        pieces.append(text[prev:b])
        prev = b
    lines = []
    for piece in pieces:
        if len(piece) > width:  # rstrip_end: drop trailing spaces beyond the width
            excess = len(piece) - width
            trailing = len(piece) - len(piece.rstrip())
            piece = piece[: len(piece) - min(trailing, excess)]
        if justify != "left":
            piece = piece.rstrip()
        if len(piece) > width:
            piece = piece[: width - 1] + "…"
        if justify == "right":
            piece = piece.rjust(width)
        elif justify == "center":
            left = (width - len(piece)) // 2
            piece = (" " * left + piece).ljust(width)
        else:
            piece = piece.ljust(width)
        lines.append(piece)
    return lines or [" " * width]


def _render_table(headers, alignment, rows, column_widths, table_width):
    widths = _cell_widths(column_widths, table_width)

    def border(left, mid, right, fill):
        return left + mid.join(fill * w for w in widths) + right

    def row_lines(values, bar, bottom=False):
        cells = [_wrap(v, w - 2, a) for v, w, a in zip(values, widths, alignment)]
        height = max(len(c) for c in cells)
        if bottom:  # rich aligns header cells to the bottom of the header row
            cells = [[" " * (w - 2)] * (height - len(c)) + c for c, w in zip(cells, widths)]
        out = []
        for i in range(height):
            parts = [" " + (c[i] if i < len(c) else " " * (w - 2)) + " "
                     for c, w in zip(cells, widths)]
            out.append(bar + bar.join(parts) + bar)
        return out

    lines = [border("┏", "┳", "┓", "━")]
    lines += row_lines(headers, "┃", bottom=True)
    lines.append(border("┡", "╇", "┩", "━"))
    for i, row in enumerate(rows):
        if i:
            lines.append(border("├", "┼", "┤", "─"))
        lines += row_lines(row, "│")
    lines.append(border("└", "┴", "┘", "─"))
    return lines


def _layer_index_bounds(layers, layer_range):
    if layer_range is None:
        return 0, len(layers)
    if len(layer_range) != 2:
        raise ValueError(
            "layer_range must be a list or tuple of length 2. Received: "
            f"layer_range = {layer_range} of length {len(layer_range)}"
        )
    if not isinstance(layer_range[0], str) or not isinstance(layer_range[1], str):
        raise ValueError(f"layer_range should contain string type only. Received: {layer_range}")
    lower = [i for i, layer in enumerate(layers) if re.match(layer_range[0], layer.name)]
    upper = [i for i, layer in enumerate(layers) if re.match(layer_range[1], layer.name)]
    if not lower or not upper:
        raise ValueError(
            "Passed layer_names do not match the layer names in the model. "
            f"Received: {layer_range}"
        )
    if min(lower) > max(upper):
        return min(upper), max(lower) + 1
    return min(lower), max(upper) + 1


def summary_text(model, line_length=None, positions=None, expand_nested=False,
                 show_trainable=False, layer_range=None):
    """The text Keras' ``model.summary()`` prints (ending in a newline)."""
    sequential_like = _is_sequential_like(model)
    if sequential_like:
        default_line_length = 88
        positions = positions or [0.45, 0.80, 1.0]
        headers = ["Layer (type)", "Output Shape", "Param #"]
        alignment = ["left", "left", "right"]
    else:
        default_line_length = 108
        positions = positions or [0.3, 0.56, 0.74, 1.0]
        headers = ["Layer (type)", "Output Shape", "Param #", "Connected to"]
        alignment = ["left", "left", "right", "left"]
    if show_trainable:
        default_line_length += 12
        positions = [p * 0.90 for p in positions] + [1.0]
        headers.append("Trainable")
        alignment.append("center")
    default_line_length = min(default_line_length, shutil.get_terminal_size().columns - 4)
    line_length = line_length or default_line_length
    column_widths = []
    current = 0
    for pos in positions:
        width = int(pos * line_length) - current
        if width < 4:
            raise ValueError("Insufficient console width to print summary.")
        column_widths.append(width)
        current += width

    def fields(layer, prefix):
        row = [f"{prefix}{layer.name} ({type(layer).__name__})", _shape_text(layer),
               _params_text(layer)]
        if not sequential_like:
            row.append(_connected_to(layer, model))
        if show_trainable:
            if layer.weights:
                row.append("Y" if layer.trainable else "N")
            else:
                row.append("-")
        return row

    def layer_rows(layer, level=0):
        rows = [fields(layer, "   " * level + "└ " if level else "")]
        if expand_nested and getattr(layer, "layers", None):
            for inner in layer.layers:
                rows.extend(layer_rows(inner, level + 1))
        return rows

    layers = model.layers
    lo, hi = _layer_index_bounds(layers, layer_range)
    rows = [r for layer in layers[lo:hi] for r in layer_rows(layer)]

    trainable = model.trainable_weights
    non_trainable = model.non_trainable_weights
    optimizer = getattr(model, "optimizer", None)
    opt_vars = optimizer.variables if (
        getattr(model, "compiled", optimizer is not None) and optimizer is not None
        and getattr(optimizer, "built", False)) else None
    opt_count = _count(opt_vars) if opt_vars is not None else 0
    opt_bytes = _weight_bytes(opt_vars) if opt_vars is not None else 0
    total = _count(trainable) + _count(non_trainable) + opt_count
    total_bytes = _weight_bytes(trainable) + _weight_bytes(non_trainable) + opt_bytes

    console_width = shutil.get_terminal_size().columns
    lines = [f'Model: "{model.name}"']
    # rich crops what does not fit in the console
    lines += [line[:console_width] for line in
              _render_table(headers, alignment, rows, column_widths, line_length)]
    lines.append(f" Total params: {total:,} ({_format_size(total_bytes)})")
    lines.append(f" Trainable params: {_count(trainable):,} "
                 f"({_format_size(_weight_bytes(trainable))})")
    lines.append(f" Non-trainable params: {_count(non_trainable):,} "
                 f"({_format_size(_weight_bytes(non_trainable))})")
    if opt_vars is not None:
        lines.append(f" Optimizer params: {opt_count:,} ({_format_size(opt_bytes)})")
    return "\n".join(lines) + "\n"


def print_summary(model, line_length=None, positions=None, print_fn=None,
                  expand_nested=False, show_trainable=False, layer_range=None):
    text = summary_text(model, line_length=line_length, positions=positions,
                        expand_nested=expand_nested, show_trainable=show_trainable,
                        layer_range=layer_range)
    if print_fn is None:
        sys.stdout.write(text)
    else:
        print_fn(text)  # Keras hands over the whole captured table in one call
