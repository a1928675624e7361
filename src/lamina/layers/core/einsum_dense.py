"""EinsumDense: a dense layer whose contraction is any einsum equation (``"abc,cd->abd"``)."""

from __future__ import annotations

import re

from lamina import activations, constraints, initializers, regularizers
from lamina.ops import kernels as ops  # the training path: no conversion
from lamina.layers.core._lora import LoraMixin, lora_property
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer

# The three forms Keras accepts, with "..." written as "0": no ellipsis, ellipsis on the
# left of input and output, ellipsis on the right of both.
_FORMS = (
    (re.compile(r"([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)$"), False),
    (re.compile(r"0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)$"), True),
    (re.compile(r"([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0$"), False),
)


def analyze_equation(equation, bias_axes, input_shape, output_shape):
    """``(kernel_shape, bias_shape, full_output_shape, input_axes, output_axes)`` for an einsum
    layer, as Keras derives them (``input_axes``/``output_axes`` index the kernel's dims)."""
    if not isinstance(equation, str):
        raise TypeError(f"EinsumDense: `equation` must be a string, got {equation!r}")
    flat = equation.replace(" ", "").replace("...", "0")
    for pattern, left in _FORMS:
        match = pattern.match(flat)
        if match:
            return _analyze(*match.groups(), left, bias_axes, list(input_shape), output_shape)
    raise ValueError(
        f"Invalid einsum equation '{equation}'. Equations must be in the form "
        "[X],[Y]->[Z], ...[X],[Y]->...[Z], or [X]...,[Y]->[Z]...."
    )


def _analyze(in_spec, w_spec, out_spec, left, bias_axes, input_shape, output_shape):
    elided = len(input_shape) - len(in_spec)
    out = [input_shape[0]] + list(output_shape)
    if elided > 0 and left:
        out[1:1] = input_shape[1:elided]
    elif elided > 0:
        out += input_shape[len(input_shape) - elided:]
    if left:
        in_pos = {d: i + elided - len(input_shape) for i, d in enumerate(in_spec)}
        out_pos = {d: i + elided for i, d in enumerate(out_spec)}
    else:
        in_pos = {d: i for i, d in enumerate(in_spec)}
        out_pos = {d: i for i, d in enumerate(out_spec)}
    for d in in_spec:
        if d in out_pos and out[out_pos[d]] is not None and out[out_pos[d]] != input_shape[in_pos[d]]:
            raise ValueError(
                f"EinsumDense: input shape and output shape do not match at shared dimension "
                f"'{d}'. Input shape is {input_shape[in_pos[d]]}, and output shape is "
                f"{out[out_pos[d]]}."
            )
    for d in out_spec:
        if d not in in_spec and d not in w_spec:
            raise ValueError(
                f"EinsumDense: dimension '{d}' of the output spec '{out_spec}' has no matching "
                f"dimension in the input spec '{in_spec}' or the weight spec '{w_spec}'."
            )
    kernel_shape, input_axes, output_axes = [], [], []
    for i, d in enumerate(w_spec):
        if d in out_pos:
            kernel_shape.append(out[out_pos[d]])
            output_axes.append(i)
        elif d in in_pos:
            kernel_shape.append(input_shape[in_pos[d]])
            input_axes.append(i)
        else:
            raise ValueError(
                f"EinsumDense: weight dimension '{d}' has no match in the input spec "
                f"'{in_spec}' or the output spec '{out_spec}'; the weight must be fully specified."
            )
    bias_shape = None
    if bias_axes is not None:
        for c in bias_axes:
            if c not in out_spec:
                raise ValueError(
                    f"EinsumDense: bias dimension '{c}' was requested, but is not part of the "
                    f"output spec '{out_spec}'."
                )
        shift = elided if left else 0
        size = {c: out[i + shift] for i, c in enumerate(out_spec)}
        # the bias spans from its first axis to the end of the output, 1 where it broadcasts
        first = min(out_spec.find(c) for c in bias_axes)
        bias_shape = [size[c] if c in bias_axes else 1 for c in out_spec[first:]]
        if not left:
            bias_shape += [1] * max(elided, 0)
    return kernel_shape, bias_shape, out, input_axes, output_axes


class EinsumDense(LoraMixin, Layer):
    """``activation(einsum(equation, inputs, kernel) + bias)``, with the kernel's shape read
    from the equation, the input shape and ``output_shape`` (the output without the batch
    axis and the dims under ``...``; ``None`` for a dim taken from the input).

    ``bias_axes`` names the output axes that get a bias. ``lora_rank`` (or
    ``enable_lora(rank)`` later) freezes the kernel and learns
    ``(lora_alpha / lora_rank) * lora_kernel_a @ lora_kernel_b`` on top of it.

    >>> import lamina
    >>> layer = lamina.layers.EinsumDense("abc,cd->abd", output_shape=(None, 8), bias_axes="d")
    >>> tuple(layer(lamina.ops.ones((2, 5, 3))).shape)
    (2, 5, 8)
    """

    def __init__(self, equation: str, output_shape, activation=None, bias_axes: str | None = None,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, lora_rank: int | None = None,
                 lora_alpha: float | None = None, gptq_unpacked_column_size=None,
                 quantization_config=None, **kwargs):
        super().__init__(**kwargs)
        if quantization_config is not None or gptq_unpacked_column_size:
            raise NotImplementedError("EinsumDense: quantization is not supported by lamina yet.")
        if not isinstance(equation, str):
            raise TypeError(f"EinsumDense: `equation` must be a string, got {equation!r}")
        self.equation = equation
        if isinstance(output_shape, int):
            self.partial_output_shape = (output_shape,)
        elif isinstance(output_shape, (list, tuple)):
            self.partial_output_shape = tuple(output_shape)
        else:
            raise TypeError(
                f"EinsumDense: `output_shape` must be an int or a tuple of ints/None, "
                f"got {output_shape!r}"
            )
        if bias_axes is not None and not isinstance(bias_axes, str):
            raise TypeError(f"EinsumDense: `bias_axes` must be a string or None, got {bias_axes!r}")
        self.bias_axes = bias_axes
        self.activation = activations.get(activation)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self._init_lora(lora_rank, lora_alpha)
        self.quantization_config = None
        self._linear = self.activation is activations.linear

    def build(self, input_shape):
        kernel_shape, bias_shape, _, in_axes, out_axes = analyze_equation(
            self.equation, self.bias_axes, input_shape, self.partial_output_shape)
        if any(d is None for d in kernel_shape):
            raise ValueError(
                f"Layer '{self.name}' (EinsumDense) cannot size its kernel {kernel_shape} from "
                f"input shape {tuple(input_shape)} and output_shape {self.partial_output_shape}."
            )
        self.input_spec = InputSpec(ndim=len(input_shape))
        init = self.kernel_initializer
        if isinstance(init, initializers.VarianceScaling) and (
                init.input_axes is None or init.output_axes is None):
            # As Keras: the fans of a many-dim kernel come from the axes the equation contracts
            # (inputs) and produces (outputs), not from its last two dims.
            init = type(init).from_config({**init.get_config(), "seed": init.seed,
                                           "input_axes": in_axes, "output_axes": out_axes})
        self._add_lora_base(self.add_weight(
            name="kernel", shape=tuple(kernel_shape), initializer=init,
            regularizer=self.kernel_regularizer, constraint=self.kernel_constraint))
        self.bias = None
        if bias_shape is not None:
            self.bias = self.add_weight(
                name="bias", shape=tuple(bias_shape), initializer=self.bias_initializer,
                regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        self.built = True
        self._maybe_enable_lora()

    # the kernel the layer computes with: the frozen base plus the LoRA update when enabled
    kernel = lora_property("kernel")

    def call(self, inputs):
        x = ops.einsum(self.equation, inputs, self.kernel)
        if self.bias is not None:
            x = x + self.bias
        return x if self._linear else self.activation(x)

    def compute_output_shape(self, input_shape):
        return tuple(analyze_equation(self.equation, self.bias_axes, input_shape,
                                      self.partial_output_shape)[2])

    def get_config(self):
        cfg = super().get_config()
        cfg.update({
            "output_shape": self.partial_output_shape,
            "equation": self.equation,
            "activation": activations.serialize(self.activation),
            "bias_axes": self.bias_axes,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "quantization_config": None,
        })
        return self._lora_config(cfg)

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if isinstance(config.get("output_shape"), list):  # JSON turned the tuple into a list
            config["output_shape"] = tuple(config["output_shape"])
        return cls(**config)
