"""OpLayer: one engine op called on symbolic tensors, kept as a node of a functional model.

When ``ops.concatenate([a, b])``, ``a + b`` or ``x[:, 0]`` meets symbolic tensors, the engine
hands the call to ``record`` below, which wraps the engine function in an ``OpLayer``, records
a graph node and returns new symbolic tensors, as Keras 2's ``TFOpLambda`` did. The model
replays the node by calling the same engine function on real tensors.

Calls that Keras 3 has an op for (``a + b``, ``ops.concatenate``, ``ops.cumsum``, ``ops.cast``,
``x[:, 0]``, ...) are recorded as that op's layer instead (layers/core/keras_operation.py), so
files keep Keras' own form (``Add``, ``Concatenate``, ``Cumsum``, ``Cast``, ``GetItem``) and
load in Keras; ``OpLayer`` is left for the rest.

The layer's config names the function (``"torch.cumsum"``); the call's constants are in the
node's arguments. Loading looks the name up in the engine's closed table of tensor ops (a
dictionary, never an import), and checks that the node's arguments are data (numbers,
booleans, None, shapes, dtypes, slices; strings only where the function takes one) before the
function is ever called, so a file stays data.

>>> import lamina
>>> x = lamina.Input(shape=(4,))
>>> y = lamina.ops.mean(lamina.layers.Dense(3)(x), axis=-1)
>>> type(y._history[0]).__name__
'Mean'
>>> z = lamina.ops.sort(lamina.layers.Dense(3)(x), axis=-1)  # torch.sort: no Keras twin
>>> type(z._history[0]).__name__, z._history[0].get_config()["function"]
('OpLayer', 'torch.sort')
"""

from __future__ import annotations

from lamina.backend import symbolic as engine
from lamina.layers.layer import Layer
from lamina.layers.node import Node
from lamina.ops.symbolic import SymbolicTensor, is_symbolic
from lamina.utils import registry

_MARKERS = ("__slice__", "__tuple__", "__ellipsis__", "__dtype__", "__device__", "__constant__")


@registry.register_keras_serializable(package="lamina", name="OpLayer")
class OpLayer(Layer):
    """Calls one engine function; made by ops on symbolic tensors, not by hand."""

    def __init__(self, function, constants=None, **kwargs):
        super().__init__(**kwargs)
        self._from_file = isinstance(function, str)
        if self._from_file:  # the config of a saved model: data to check, never code
            self.function = engine.function_from_name(function)
            if self.function is None:
                raise ValueError(
                    f"Refusing to load op function {function!r} from the file: it is not one "
                    f"of lamina's tensor ops ({_mode()})."
                )
            self._strings = engine.string_arguments(function)
            if not isinstance(constants, (list, type(None))):
                raise ValueError(f"Op layer {self.name!r}: 'constants' must be a list")
        else:
            self.function = function
        self._constants = [engine.tensor_from_config(c) if isinstance(c, dict) else c
                           for c in (constants or [])]
        self.built = True

    def __call__(self, *args, **kwargs):
        if is_symbolic((args, kwargs)):
            if self._from_file:  # a node being rebuilt from a file
                self._check_arguments(args, kwargs)
            return self._record(args, kwargs)
        if self._from_file and not _holds_tensor(args, kwargs):
            # a file's node with no tensor input runs now: check it first (a model's own
            # calls always pass tensors, and pay nothing for the check)
            self._check_arguments(args, kwargs)
        return self.function(*self._decode(args), **self._decode(kwargs))

    def call(self, *args, **kwargs):
        return self.function(*self._decode(args), **self._decode(kwargs))

    # -- a loaded node's arguments are data: checked before the function is called ---------

    def _check_arguments(self, args, kwargs):
        positions = {p for p, _ in self._strings}
        keywords = {k for _, k in self._strings}
        for i, value in enumerate(args):
            if not (isinstance(value, str) and i in positions):
                self._check_data(value, f"argument {i}")
        for key, value in kwargs.items():
            if not (isinstance(value, str) and key in keywords):
                self._check_data(value, f"argument {key!r}")

    def _check_data(self, value, where):
        if value is None or isinstance(value, (bool, int, float, SymbolicTensor)) \
                or engine.is_tensor(value):
            return
        if isinstance(value, (list, tuple)):
            for v in value:
                self._check_data(v, where)
            return
        if isinstance(value, dict) and value.get("class_name") in _MARKERS:
            kind, cfg = value["class_name"], value.get("config")
            if kind in ("__slice__", "__tuple__") and isinstance(cfg, list) \
                    and (kind == "__tuple__" or len(cfg) == 3):
                self._check_data(cfg, where)
                return
            if kind in ("__ellipsis__", "__device__"):
                return
            if kind == "__dtype__" and isinstance(cfg, dict) and isinstance(cfg.get("name"), str):
                engine.decode_constant(value)  # a ValueError for an unknown dtype
                return
            if kind == "__constant__" and isinstance(cfg, dict) \
                    and type(cfg.get("index")) is int and 0 <= cfg["index"] < len(self._constants):
                return
        name = engine.function_name(self.function)
        takes = f"; {name} takes no string there" if isinstance(value, str) else ""
        raise ValueError(
            f"Refusing to load op layer {self.name!r} ({name}) from the file: its {where} is "
            f"{str(value)[:120]!r}, which is not data (numbers, booleans, None, shapes, dtypes, "
            f"slices, and strings only where the function takes one){takes} ({_mode()})."
        )

    def _record(self, args, kwargs):
        """Add a node for ``args``/``kwargs`` (encoded form, with symbolic tensors in it)."""
        real_args, real_kwargs = self._decode(args), self._decode(kwargs)
        first, specs = engine.output_specs(self.function, real_args, real_kwargs)
        return _make_node(self, args, kwargs, specs, first)

    # -- constants in a call as config data -----------------------------------------------

    def _encode(self, value):
        if isinstance(value, SymbolicTensor):
            return value
        if isinstance(value, slice):
            return {"class_name": "__slice__",
                    "config": [self._encode(value.start), self._encode(value.stop),
                               self._encode(value.step)]}
        if value is Ellipsis:
            return {"class_name": "__ellipsis__", "config": {}}
        if engine.is_tensor(value):
            self._constants.append(value)
            return {"class_name": "__constant__", "config": {"index": len(self._constants) - 1}}
        marker = engine.encode_constant(value)
        if marker is not None:
            return marker
        if isinstance(value, tuple):
            return {"class_name": "__tuple__", "config": [self._encode(v) for v in value]}
        if isinstance(value, list):
            return [self._encode(v) for v in value]
        if isinstance(value, dict):
            return {k: self._encode(v) for k, v in value.items()}
        return value

    def _decode(self, value):
        if isinstance(value, dict):
            kind = value.get("class_name")
            if kind in _MARKERS:
                cfg = value["config"]
                if kind == "__slice__":
                    return slice(*[self._decode(v) for v in cfg])
                if kind == "__tuple__":
                    return tuple(self._decode(v) for v in cfg)
                if kind == "__ellipsis__":
                    return Ellipsis
                if kind == "__constant__":
                    return self._constants[cfg["index"]]
                return engine.decode_constant(value)
            return {k: self._decode(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self._decode(v) for v in value]
        if isinstance(value, tuple):
            return tuple(self._decode(v) for v in value)
        return value

    def get_config(self):
        cfg = super().get_config()
        cfg["function"] = engine.function_name(self.function)
        if self._constants:
            cfg["constants"] = [engine.tensor_config(c) for c in self._constants]
        return cfg

    def compute_output_shape(self, input_shape):
        raise NotImplementedError


def _holds_tensor(args, kwargs) -> bool:
    """True if an engine tensor is among the arguments, or in a list among them."""
    for value in (*args, *kwargs.values()):
        if engine.is_tensor(value) or (isinstance(value, (list, tuple))
                                       and any(engine.is_tensor(v) for v in value)):
            return True
    return False


def _mode() -> str:
    if registry.in_safe_mode():
        return "safe_mode"
    return "op functions come from a closed table, also with safe_mode=False"


def _make_node(layer, args, kwargs, specs, first):
    flat = [SymbolicTensor(shape, dtype) for shape, dtype in specs]
    outputs = _pack(first, iter(flat))
    Node(layer, args, kwargs, outputs)
    return outputs


def _pack(structure, flat):
    if engine.is_tensor(structure):
        return next(flat)
    if isinstance(structure, (list, tuple)):
        items = [_pack(v, flat) for v in structure]
        if isinstance(structure, list):
            return items
        if type(structure) is tuple:
            return tuple(items)
        try:  # named results (torch.return_types.sort) keep their fields
            return type(structure)(items)
        except TypeError:
            return tuple(items)
    if isinstance(structure, dict):
        return {k: _pack(structure[k], flat) for k in sorted(structure)}
    return structure


def record(function, args, kwargs, specs, first):
    """The engine's recorder: one node for ``function(*args, **kwargs)``.

    A call Keras 3 has an op for (``a + b``, ``torch.cumsum``, ``x[:, 0]``) becomes a node of
    that op's layer (``Add``, ``Cumsum``, ``GetItem``), which files share with Keras; any other
    call becomes an ``OpLayer`` naming the engine function.
    """
    form = engine.keras_form(function, args, kwargs)
    if form is not None:
        from lamina.layers.core.keras_operation import operation_node

        outputs = operation_node(form, specs, first)
        if outputs is not None:
            return outputs
    layer = OpLayer(function, name=registry.unique_name(engine.short_name(function)))
    enc_args = layer._encode(tuple(args))
    enc_args = enc_args["config"]  # the positional arguments themselves, not as a tuple marker
    enc_kwargs = layer._encode(dict(kwargs))
    return _make_node(layer, enc_args, enc_kwargs, specs, first)


engine.set_recorder(record)

__all__ = ["OpLayer"]
