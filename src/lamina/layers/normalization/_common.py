"""Helpers shared by the normalization layers."""

from __future__ import annotations

from lamina import constraints, initializers, regularizers
from lamina.backend import core as backend


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


def at_least_float32(x):
    """``x`` cast to float32 if it is not floating or is half precision (statistics need it)."""
    if not x.is_floating_point() or backend.dtype_of(x) in ("float16", "bfloat16"):
        return backend.cast(x, "float32")
    return x


def sorted_axes(layer, input_shape):
    """Set ``layer.axis`` to its sorted list of axes; return the shape of those axes."""
    check_axes(layer, layer.axis, input_shape)
    if isinstance(layer.axis, (list, tuple)):
        layer.axis = sorted(layer.axis)
        return tuple(input_shape[d] for d in layer.axis)
    shape = (input_shape[layer.axis],)
    layer.axis = [layer.axis]
    return shape


def add_gamma_beta(layer, shape, scale, center):
    """Create ``layer.gamma`` (if ``scale``) then ``layer.beta`` (if ``center``), else None."""
    layer.gamma = layer.beta = None
    if scale:
        layer.gamma = layer.add_weight(
            shape=shape, name="gamma", initializer=layer.gamma_initializer,
            regularizer=layer.gamma_regularizer, constraint=layer.gamma_constraint)
    if center:
        layer.beta = layer.add_weight(
            shape=shape, name="beta", initializer=layer.beta_initializer,
            regularizer=layer.beta_regularizer, constraint=layer.beta_constraint)


def gamma_beta_config(layer):
    """The beta/gamma initializers, regularizers and constraints, in Keras' config order."""
    return {
        "beta_initializer": initializers.serialize(layer.beta_initializer),
        "gamma_initializer": initializers.serialize(layer.gamma_initializer),
        "beta_regularizer": regularizers.serialize(layer.beta_regularizer),
        "gamma_regularizer": regularizers.serialize(layer.gamma_regularizer),
        "beta_constraint": constraints.serialize(layer.beta_constraint),
        "gamma_constraint": constraints.serialize(layer.gamma_constraint),
    }
