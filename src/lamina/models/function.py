"""``keras.Function``: a graph of ops and layers from symbolic inputs to outputs, called
like a function (no weights of its own to train or save, unlike a Model).

>>> import numpy as np, lamina
>>> x = lamina.Input((3,), name="x")
>>> double = lamina.Function(x, {"twice": x * 2.0}, name="double")
>>> double(np.ones((1, 3), "float32"))["twice"].tolist()
[[2.0, 2.0, 2.0]]
"""

from __future__ import annotations

from lamina import tree
from lamina.models.functional import Functional, _fill
from lamina.ops.symbolic import SymbolicTensor


class Function:
    """Run the recorded graph from ``inputs`` to ``outputs`` (any nesting of tensors)."""

    def __init__(self, inputs, outputs, name: str | None = None):
        self._graph = Functional(inputs, outputs, name=name)
        self.name = self._graph.name

    @property
    def inputs(self) -> list:
        """The input tensors, flattened."""
        return list(self._graph.inputs)

    @property
    def outputs(self) -> list:
        """The output tensors, flattened."""
        return list(self._graph.outputs)

    @property
    def input(self):
        """The inputs in the structure they were given in."""
        return self._graph.input

    @property
    def output(self):
        """The outputs in the structure they were given in."""
        return self._graph.output

    @property
    def operations(self) -> list:
        """The layers and ops of the graph (inputs first), each once."""
        return self._graph.layers

    def call(self, inputs):
        return self(inputs)

    def __call__(self, inputs):
        if any(isinstance(t, SymbolicTensor) for t in tree.flatten(inputs)):
            return self.compute_output_spec(inputs)
        return self._graph(inputs)

    def compute_output_spec(self, inputs):
        """The symbolic outputs for symbolic ``inputs`` (shapes and dtypes, no computation):
        each recorded call is replayed on them, so a known batch size carries through."""
        flat = tree.flatten(inputs)
        if len(flat) != len(self._graph.inputs):
            raise ValueError(
                f"Function '{self.name}' takes {len(self._graph.inputs)} input(s); got "
                f"{len(flat)}"
            )
        values = {id(old): new for old, new in zip(self._graph.inputs, flat)}
        for node in self._graph._nodes:
            if node.is_input:
                continue
            out = node.layer(*_fill(node.call_args, values), **_fill(node.call_kwargs, values))
            for old, new in zip(node.output_tensors, tree.flatten(out)):
                values[id(old)] = new
        return _fill(self._graph.output, values)

    def compute_output_shape(self, input_shape):
        return self._graph.compute_output_shape(input_shape)

    def __repr__(self):
        return f"<Function name={self.name}>"


__all__ = ["Function"]
