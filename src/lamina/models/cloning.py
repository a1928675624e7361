"""``clone_model``: the same architecture with new layers and fresh weights.

A clone shares no variables with the original: each layer is rebuilt from its config
(or by ``clone_function``), so training the clone leaves the original untouched. This is how
the guides make a student for knowledge distillation, or a target network in RL.

>>> import lamina
>>> teacher = lamina.Sequential([lamina.Input((4,)), lamina.layers.Dense(2)])
>>> student = lamina.models.clone_model(teacher)
>>> student.layers[0] is teacher.layers[0]
False
"""

from __future__ import annotations

import inspect
from collections.abc import Callable

from lamina import losses as losses_module
from lamina import metrics as metrics_module
from lamina import optimizers as optimizers_module
from lamina import tree
from lamina.layers.input_layer import Input
from lamina.layers.layer import Layer
from lamina.models.functional import Functional, _fill
from lamina.models.sequential import Sequential
from lamina.models.serialization import deserialize_layer, serialize_layer
from lamina.ops.symbolic import SymbolicTensor


def clone_model(model: Layer, input_tensors=None, clone_function: Callable | None = None,
                call_function: Callable | None = None, recursive: bool = False, **kwargs):
    """A copy of ``model`` made of new layers (new, freshly initialized weights).

    Args:
        model: a Sequential, functional or subclassed model.
        input_tensors: symbolic tensors (from ``Input``) to build the clone on, in the
            structure of ``model.input`` (Sequential and functional models only).
        clone_function: ``layer -> new layer``, called once per layer (a layer used twice is
            cloned once, so sharing is kept). By default
            ``layer.__class__.from_config(layer.get_config())``.
        call_function: ``(layer, *args, **kwargs) -> outputs``, how each cloned layer is
            called while the functional graph is rebuilt (functional models only).
        recursive: also clone Sequential and functional models nested as layers, layer by
            layer with ``clone_function``, instead of handing them to ``clone_function`` whole.

    The clone is compiled like the original if the original was compiled (with a new
    optimizer). Weights are not copied: use ``clone.set_weights(model.get_weights())``.

    >>> import numpy as np, lamina
    >>> teacher = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(1)])
    >>> student = lamina.models.clone_model(teacher)
    >>> student.set_weights(teacher.get_weights())
    >>> x = np.ones((2, 3), "float32")
    >>> bool(np.allclose(student.predict(x, verbose=0), teacher.predict(x, verbose=0)))
    True
    """
    cache = kwargs.pop("cache", None)
    if kwargs:
        raise ValueError(f"clone_model: unexpected keyword argument(s): {tuple(kwargs)}")
    if clone_function is not None and not callable(clone_function):
        raise ValueError(
            "clone_model: `clone_function` must be a callable (layer -> new layer); "
            f"got {clone_function!r}"
        )
    if call_function is not None and not callable(call_function):
        raise ValueError(
            "clone_model: `call_function` must be a callable (layer, *args, **kwargs); "
            f"got {call_function!r}"
        )
    if isinstance(model, Sequential):
        if call_function is not None:
            raise ValueError(
                "clone_model: `call_function` is not supported with Sequential models: their "
                "layers are only listed, not called, when the model is made. Use it with "
                f"functional models. Received a model of type '{type(model).__name__}'."
            )
        wrapped = _wrap_clone_function(clone_function, None, recursive, cache)
        return _clone_sequential(model, wrapped, input_tensors)
    if isinstance(model, Functional):
        wrapped = _wrap_clone_function(clone_function, call_function, recursive, cache)
        if _has_default_get_config(model) or clone_function or input_tensors is not None:
            return _clone_functional(model, wrapped, input_tensors, call_function)
    if not isinstance(model, Layer):
        raise ValueError(f"clone_model: expected a Keras model; got {type(model).__name__}")
    if clone_function is not None or input_tensors is not None:
        raise ValueError(
            "clone_model: `clone_function` and `input_tensors` are only supported for "
            f"Sequential and functional models; got a model of type '{type(model).__name__}'."
        )
    if call_function is not None:
        raise ValueError(
            "clone_model: `call_function` is only supported for functional models; got a "
            f"model of type '{type(model).__name__}'."
        )
    # A subclassed model (or a Functional subclass with its own get_config): from its config.
    cls = type(model)
    return deserialize_layer(serialize_layer(model), custom_objects={cls.__name__: cls})


def _has_default_get_config(model) -> bool:
    return type(model).get_config is Functional.get_config


def _default_clone(layer):
    return type(layer).from_config(layer.get_config())


def _wrap_clone_function(clone_function, call_function, recursive, cache):
    """One clone per original layer (so shared layers stay shared), nested models recursed."""
    clone_function = clone_function or _default_clone
    cache = {} if cache is None else cache

    def wrapped(layer):
        if id(layer) in cache:
            return cache[id(layer)]
        if recursive and isinstance(layer, Sequential):
            clone = clone_model(layer, clone_function=clone_function, recursive=True,
                                cache=cache)
        elif recursive and isinstance(layer, Functional):
            clone = clone_model(layer, clone_function=clone_function,
                                call_function=call_function, recursive=True, cache=cache)
        else:
            clone = clone_function(layer)
        cache[id(layer)] = clone
        return clone

    return wrapped


def _clone_sequential(model, clone_function, input_tensors):
    new_layers = [clone_function(layer) for layer in model.layers]
    ref = model._input_layer
    name = ref.name if ref is not None else None
    optional = ref.optional if ref is not None else False
    if input_tensors is not None:
        if isinstance(input_tensors, (list, tuple)):
            if len(input_tensors) != 1:
                raise ValueError(
                    "clone_model: `input_tensors` for a Sequential model must hold a single "
                    f"tensor; got {len(input_tensors)}"
                )
            input_tensors = input_tensors[0]
        if not isinstance(input_tensors, SymbolicTensor):
            raise ValueError(
                "clone_model: `input_tensors` must be a symbolic tensor (from keras.Input); "
                f"got {type(input_tensors).__name__}"
            )
        new_layers = [Input(tensor=input_tensors, batch_shape=input_tensors.shape,
                            dtype=input_tensors.dtype, name=name, optional=optional)] + new_layers
    elif ref is not None:
        new_layers = [Input(batch_shape=ref.batch_shape, dtype=ref.dtype, name=name,
                            optional=optional)] + new_layers
    clone = Sequential(new_layers, name=model.name, trainable=model.trainable)
    _compile_like(clone, model)
    return clone


def _clone_functional(model, clone_function, input_tensors, call_function):
    if input_tensors is not None:
        given = tree.flatten(input_tensors)
        if not all(isinstance(t, SymbolicTensor) for t in given):
            raise ValueError(
                "clone_model: every entry of `input_tensors` must be a symbolic tensor (from "
                f"keras.Input); got {[type(t).__name__ for t in given]}"
            )
        try:
            tree.assert_same_structure(input_tensors, model.input)
        except ValueError:
            raise ValueError(
                "clone_model: `input_tensors` must have the same structure as model.input.\n"
                f"Reference structure: {model.input}\nReceived structure: {input_tensors}"
            ) from None
        new_inputs = input_tensors
        new_flat = given
    else:
        new_inputs = tree.map_structure(lambda t: Input(batch_shape=t.shape, dtype=t.dtype, name=t.name),
                          model.input)
        new_flat = tree.flatten(new_inputs)
    # model.inputs is model.input flattened the same way, so the pairs line up.
    values = {id(old): new for old, new in zip(model.inputs, new_flat)}
    for node in model._nodes:
        if node.is_input:
            continue
        layer = clone_function(node.layer)
        args = _fill(node.call_args, values)
        kwargs = _fill(node.call_kwargs, values)
        out = call_function(layer, *args, **kwargs) if call_function else layer(*args, **kwargs)
        new_outs = [t for t in tree.flatten(out) if isinstance(t, SymbolicTensor)]
        for old, new in zip(node.output_tensors, new_outs):
            values[id(old)] = new
    outputs = _fill(model.output, values)
    cls = type(model)
    if cls is not Functional and _takes_inputs_outputs(cls):
        clone = cls(new_inputs, outputs, name=model.name)
    else:
        clone = Functional(new_inputs, outputs, name=model.name)
    _compile_like(clone, model)
    return clone


def _revive(value, deserialize):
    """Objects back from a compile config: a ``{"class_name", "config"}`` entry is built anew;
    names stay names; lists and per-output dicts are walked."""
    if isinstance(value, dict) and "class_name" in value and "config" in value:
        return deserialize(value)
    if isinstance(value, dict):
        return {k: _revive(v, deserialize) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_revive(v, deserialize) for v in value)
    return value


def _takes_inputs_outputs(cls) -> bool:
    """A Functional subclass whose constructor is ``(inputs, outputs, ...)`` like Functional's."""
    try:
        params = list(inspect.signature(cls.__init__).parameters)[1:3]
    except (TypeError, ValueError):
        return False
    return params == ["inputs", "outputs"]


def _compile_like(clone, model):
    config = model.get_compile_config() if getattr(model, "compiled", False) else None
    if not config:
        return
    config = dict(config)
    if isinstance(config.get("optimizer"), dict):
        config["optimizer"] = optimizers_module.deserialize(config["optimizer"])
    # new loss and metric objects from their configs (metrics hold state: never shared)
    config["loss"] = _revive(config.get("loss"), losses_module.deserialize)
    for key in ("metrics", "weighted_metrics"):
        config[key] = _revive(config.get(key), metrics_module.deserialize)
    params = inspect.signature(clone.compile).parameters
    clone.compile(**{k: v for k, v in config.items() if k in params})


__all__ = ["clone_model"]
