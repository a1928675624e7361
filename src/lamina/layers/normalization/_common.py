"""Helpers shared by the normalization layers."""

from __future__ import annotations


def check_axes(layer, axes, input_shape):
    """Refuse axes outside the input's rank, naming the layer."""
    axes = axes if isinstance(axes, (list, tuple)) else [axes]
    for axis in axes:
        if axis >= len(input_shape) or axis < -len(input_shape):
            raise ValueError(
                f"Layer '{layer.name}' ({type(layer).__name__}): axis {axis} is out of bounds "
                f"for input shape {tuple(input_shape)}. Received: axis={layer.axis}"
            )


def axis_argument(cls_name, axis):
    if isinstance(axis, (list, tuple)):
        return list(axis)
    if isinstance(axis, int) and not isinstance(axis, bool):
        return axis
    raise TypeError(f"{cls_name}: `axis` must be an int or a list/tuple of ints, got {axis!r}")
