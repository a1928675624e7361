"""``model.summary()``: Keras 3's table of layers, output shapes and parameter counts."""

from __future__ import annotations

import math


def _format_size(num_bytes: float) -> str:
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if num_bytes < 1024 or unit == "TB":
            return f"{num_bytes:.2f} {unit}"
        num_bytes /= 1024
    return f"{num_bytes:.2f} TB"  # pragma: no cover


def _weight_bytes(weights):
    total = 0
    for v in weights:
        itemsize = v.element_size() if hasattr(v, "element_size") else 4
        total += int(math.prod(v.shape)) * itemsize
    return total


def _shape_text(layer):
    try:
        shape = layer.output_shape
    except (AttributeError, ValueError):
        shape = None
    if shape is None:
        return "?"
    if isinstance(shape, list):
        return ", ".join(str(tuple(s)) for s in shape)
    return str(tuple(shape))


def _params_text(layer):
    if not layer.built:
        return "0 (unbuilt)"
    return f"{layer.count_params():,}"


def _connected_to(layer, model):
    out = []
    for node in layer._inbound_nodes:
        if node not in getattr(model, "_nodes", []):
            continue
        for t in node.input_tensors:
            if t._history is not None:
                parent, index, tensor_index = t._history
                out.append(f"{parent.name}[{index}][{tensor_index}]")
    return out


def print_summary(model, line_length=None, positions=None, print_fn=None,
                  expand_nested=False, show_trainable=False):
    functional = hasattr(model, "_nodes")
    headers = ["Layer (type)", "Output Shape", "Param #"]
    widths = [31, 22, 13] if not functional else [29, 20, 10, 20]
    if functional:
        headers.append("Connected to")
    if line_length:
        scale = line_length / (sum(widths) + 3 * len(widths) + 1)
        widths = [max(8, int(w * scale)) for w in widths]
    print_fn = print_fn or print

    rows = []
    layers = model.layers
    for layer in layers:
        row = [f"{layer.name} ({type(layer).__name__})", _shape_text(layer), _params_text(layer)]
        if functional:
            row.append(", ".join(_connected_to(layer, model)) or "-")
        rows.append(row)

    def line(left, mid, right, fill):
        return left + mid.join(fill * (w + 2) for w in widths) + right

    def cells(values, heavy=False):
        bar = "┃" if heavy else "│"
        parts = []
        for i, (v, w) in enumerate(zip(values, widths)):
            text = v if len(v) <= w else v[: w - 1] + "…"
            parts.append(" " + (text.rjust(w) if i == 2 else text.ljust(w)) + " ")
        return bar + bar.join(parts) + bar

    lines = [f'Model: "{model.name}"']
    lines.append(line("┏", "┳", "┓", "━"))
    lines.append(cells(headers, heavy=True))
    lines.append(line("┡", "╇", "┩", "━"))
    for i, row in enumerate(rows):
        lines.append(cells(row))
        if i < len(rows) - 1:
            lines.append(line("├", "┼", "┤", "─"))
    lines.append(line("└", "┴", "┘", "─"))
    weights = model.weights if model.built else []
    trainable = model.trainable_weights if model.built else []
    non_trainable = model.non_trainable_weights if model.built else []
    count = lambda ws: sum(int(math.prod(v.shape)) for v in ws)
    lines.append(f" Total params: {count(weights):,} ({_format_size(_weight_bytes(weights))})")
    lines.append(
        f" Trainable params: {count(trainable):,} ({_format_size(_weight_bytes(trainable))})"
    )
    lines.append(
        f" Non-trainable params: {count(non_trainable):,} "
        f"({_format_size(_weight_bytes(non_trainable))})"
    )
    optimizer = getattr(model, "optimizer", None)
    if optimizer is not None and getattr(optimizer, "built", False):
        opt_vars = optimizer.variables
        lines.append(
            f" Optimizer params: {count(opt_vars):,} ({_format_size(_weight_bytes(opt_vars))})"
        )
    for text in lines:
        print_fn(text)
