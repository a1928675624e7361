"""Argument checks and output-size arithmetic shared by the convolution, pooling and
reshaping layers (Keras 3's rules and defaults)."""

from __future__ import annotations


def standardize_tuple(value, n: int, name: str, owner: str = "", allow_zero: bool = False):
    """An int or n ints -> a tuple of n non-negative (or positive) ints; else ValueError."""
    where = f"{owner}: " if owner else ""
    message = f"{where}`{name}` must be an int or a tuple of {n} ints; received {name}={value!r}"
    if isinstance(value, bool):
        raise ValueError(message)
    if isinstance(value, int):
        out = (value,) * n
    else:
        try:
            out = tuple(value)
        except TypeError:
            raise ValueError(message) from None
        if len(out) != n or any(isinstance(v, bool) or not hasattr(v, "__index__") for v in out):
            raise ValueError(message)
        out = tuple(int(v) for v in out)
    low = 0 if allow_zero else 1
    if any(v < low for v in out):
        need = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{where}every value of `{name}` must be {need}; received {name}={value!r}")
    return out


def positive_int(value, name: str, owner: str) -> int:
    """``value`` as an int if it is a positive integer (not a bool); else ValueError."""
    if isinstance(value, bool) or not hasattr(value, "__index__") or int(value) <= 0:
        raise ValueError(f"{owner}: `{name}` must be a positive integer; received {name}={value!r}")
    return int(value)


def standardize_padding(value, owner: str, allow_causal: bool = False) -> str:
    allowed = ("valid", "same", "causal") if allow_causal else ("valid", "same")
    if not isinstance(value, str) or value.lower() not in allowed:
        raise ValueError(f"{owner}: `padding` must be one of {allowed}; received padding={value!r}")
    return value.lower()


def conv_output_length(size, kernel, stride, padding, dilation=1):
    """Keras' output length of a convolution or pooling along one axis (None stays None)."""
    if size is None:
        return None
    if padding == "valid":
        return (size - (kernel - 1) * dilation - 1) // stride + 1
    return (size - 1) // stride + 1


def transpose_output_length(size, kernel, stride, padding, output_padding, dilation=1):
    """Keras' output length of a transposed convolution along one axis."""
    if size is None:
        return None
    k = (kernel - 1) * dilation + 1
    if padding == "valid":
        extra = max(k, stride) - k if output_padding is None else output_padding
        return (size - 1) * stride + k + extra
    if output_padding is None:
        return size * stride
    return (size - 1) * stride + k % 2 + output_padding


def spatial(input_shape, data_format):
    """(spatial dims, channels) of a batch shape in the given layout."""
    if data_format == "channels_last":
        return tuple(input_shape[1:-1]), input_shape[-1]
    return tuple(input_shape[2:]), input_shape[1]


def assemble(batch, spatial_dims, channels, data_format):
    if data_format == "channels_last":
        return (batch,) + tuple(spatial_dims) + (channels,)
    return (batch, channels) + tuple(spatial_dims)


def standardize_pairs(value, n: int, name: str, owner: str):
    """Keras' padding/cropping spellings -> n (before, after) pairs of non-negative ints.

    ``int`` (all sides), ``n`` ints (symmetric per axis) or ``n`` pairs.
    """
    if isinstance(value, bool):
        raise ValueError(f"{owner}: `{name}` must be an int or a tuple; received {value!r}")
    if isinstance(value, int):
        if value < 0:
            raise ValueError(f"{owner}: `{name}` cannot be negative; received {name}={value}")
        return ((value, value),) * n
    if not hasattr(value, "__len__") or len(value) != n:
        raise ValueError(
            f"{owner}: `{name}` must be an int, a tuple of {n} ints, or a tuple of {n} "
            f"(before, after) pairs; received {name}={value!r}"
        )
    ordinals = ["1st", "2nd", "3rd"]
    return tuple(standardize_tuple(v, 2, f"{ordinals[i]} entry of {name}", owner, allow_zero=True)
                 for i, v in enumerate(value))
