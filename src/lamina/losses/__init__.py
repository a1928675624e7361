"""Losses (``lamina.losses``, served as ``keras.losses``): classes, functions and names.

>>> from lamina import losses
>>> losses.get("mse") is losses.mean_squared_error
True
>>> losses.get("BinaryCrossentropy").name
'binary_crossentropy'
"""

from __future__ import annotations

import inspect

from lamina.losses.loss import Loss, reduce_weighted_values, squeeze_or_expand_to_same_rank
from lamina.losses.probabilistic import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    SparseCategoricalCrossentropy,
    binary_crossentropy,
    categorical_crossentropy,
    sparse_categorical_crossentropy,
)
from lamina.losses.regression import (
    MeanAbsoluteError,
    MeanSquaredError,
    mean_absolute_error,
    mean_squared_error,
)
from lamina.losses.wrapper import LossFunctionWrapper, deserialize_function, serialize_function
from lamina.utils import registry

ALL_OBJECTS = (
    Loss,
    LossFunctionWrapper,
    BinaryCrossentropy,
    CategoricalCrossentropy,
    SparseCategoricalCrossentropy,
    MeanSquaredError,
    MeanAbsoluteError,
    binary_crossentropy,
    categorical_crossentropy,
    sparse_categorical_crossentropy,
    mean_squared_error,
    mean_absolute_error,
)
ALL_OBJECTS_DICT = {obj.__name__: obj for obj in ALL_OBJECTS}
# Keras' short names resolve to the functions, not the classes
ALL_OBJECTS_DICT.update(
    {
        "bce": binary_crossentropy,
        "BCE": binary_crossentropy,
        "mae": mean_absolute_error,
        "MAE": mean_absolute_error,
        "mse": mean_squared_error,
        "MSE": mean_squared_error,
    }
)


def serialize(loss) -> dict:
    """Keras' config dict of a ``Loss`` object or a loss function.

    >>> serialize(mean_squared_error)["config"]
    'mean_squared_error'
    """
    if isinstance(loss, Loss):
        return registry.serialize_object(loss, "keras.losses")
    return serialize_function(loss)


def deserialize(config, custom_objects=None):
    """Rebuild a loss from ``serialize``'s dict (or a name).

    >>> deserialize({"class_name": "MeanSquaredError", "config": {"reduction": "sum"}}).reduction
    'sum'
    """
    if isinstance(config, dict) and config.get("class_name") == "function":
        return deserialize_function(config, ALL_OBJECTS_DICT, custom_objects)
    return registry.deserialize_object(config, ALL_OBJECTS_DICT, custom_objects, kind="loss")


def get(identifier):
    """A loss function or ``Loss`` object from a name, config dict, class, object or function.

    Function names and short names (``"mse"``) give functions; class names give new objects.

    >>> get("categorical_crossentropy") is categorical_crossentropy
    True
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        obj = registry.get_registered_object(identifier, None, ALL_OBJECTS_DICT)
        if obj is None:
            raise ValueError(
                f"Could not interpret loss identifier: {identifier!r}. Known losses: "
                f"{', '.join(sorted(ALL_OBJECTS_DICT))}."
            )
    else:
        obj = identifier
    if inspect.isclass(obj):
        obj = obj()
    if not callable(obj):
        # ValueError, not TypeError: what Keras raises, so user code catching it works
        raise ValueError(f"Could not interpret loss identifier: {identifier!r}")  # noqa: TRY004
    return obj


def is_binary_or_sparse_categorical(y_true_shape, y_pred_shape):
    """Keras' shape rule behind "accuracy" and "crossentropy": ``(is_binary, is_sparse)``.

    Binary when predictions end in 1; sparse when labels have lower rank, or end in 1 while
    predictions end in more.
    """
    y_true_shape, y_pred_shape = tuple(y_true_shape), tuple(y_pred_shape)
    t_last = y_true_shape[-1] if y_true_shape else None
    p_last = y_pred_shape[-1] if y_pred_shape else None
    is_binary = p_last == 1
    is_sparse = len(y_true_shape) < len(y_pred_shape) or (
        t_last == 1 and p_last is not None and p_last > 1
    )
    return is_binary, is_sparse


def _shape(x):
    return tuple(x.shape) if hasattr(x, "shape") else tuple(x)


def resolve_loss(identifier, y_true_shape, y_pred_shape):
    """The ``Loss`` object ``compile(loss=identifier)`` trains with, as Keras 3's trainer does.

    ``"crossentropy"``/``"ce"`` pick binary, sparse or categorical cross-entropy from the
    shapes; functions are wrapped in a ``LossFunctionWrapper`` named after the identifier.
    Shapes may be tuples or tensors.

    >>> resolve_loss("ce", (32,), (32, 10)).fn is sparse_categorical_crossentropy
    True
    """
    if identifier is None:
        return None
    if str(identifier).lower() in ("crossentropy", "ce"):
        is_binary, is_sparse = is_binary_or_sparse_categorical(
            _shape(y_true_shape), _shape(y_pred_shape)
        )
        if is_binary:
            obj = binary_crossentropy
        elif is_sparse:
            obj = sparse_categorical_crossentropy
        else:
            obj = categorical_crossentropy
    else:
        obj = get(identifier)
    if isinstance(obj, Loss):
        return obj
    if isinstance(identifier, str):
        name = identifier
    else:
        name = getattr(obj, "name", None) or registry.snake_case(
            getattr(obj, "__name__", type(obj).__name__)
        )
    return LossFunctionWrapper(obj, name=name)


__all__ = [
    "ALL_OBJECTS",
    "ALL_OBJECTS_DICT",
    "BinaryCrossentropy",
    "CategoricalCrossentropy",
    "Loss",
    "LossFunctionWrapper",
    "MeanAbsoluteError",
    "MeanSquaredError",
    "SparseCategoricalCrossentropy",
    "binary_crossentropy",
    "categorical_crossentropy",
    "deserialize",
    "get",
    "is_binary_or_sparse_categorical",
    "mean_absolute_error",
    "mean_squared_error",
    "reduce_weighted_values",
    "resolve_loss",
    "serialize",
    "sparse_categorical_crossentropy",
    "squeeze_or_expand_to_same_rank",
]
