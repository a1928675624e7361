"""Losses (``lamina.losses``, served as ``keras.losses``): classes, functions and names.

>>> from lamina import losses
>>> losses.get("mse") is losses.mean_squared_error
True
>>> losses.get("BinaryCrossentropy").name
'binary_crossentropy'
"""

from __future__ import annotations

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
    CosineSimilarity,
    Huber,
    LogCosh,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    cosine_similarity,
    huber,
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
)
from lamina.losses.ctc import CTC, ctc
from lamina.losses.divergence import KLDivergence, Poisson, kl_divergence, poisson
from lamina.losses.focal import (
    BinaryFocalCrossentropy,
    CategoricalFocalCrossentropy,
    CategoricalGeneralizedCrossEntropy,
    binary_focal_crossentropy,
    categorical_focal_crossentropy,
    categorical_generalized_cross_entropy,
)
from lamina.losses.hinge import (
    CategoricalHinge,
    Hinge,
    SquaredHinge,
    categorical_hinge,
    hinge,
    squared_hinge,
)
from lamina.losses.segmentation import Dice, Tversky, dice, tversky
from lamina.losses.similarity import Circle, circle
from lamina.losses.wrapper import (
    LossFunctionWrapper,
    deserialize_function,
    get_object,
    serialize_function,
)
from lamina.utils import registry

ALL_OBJECTS = (
    Loss,
    LossFunctionWrapper,
    # probabilistic
    KLDivergence,
    Poisson,
    BinaryCrossentropy,
    BinaryFocalCrossentropy,
    CategoricalCrossentropy,
    CategoricalFocalCrossentropy,
    SparseCategoricalCrossentropy,
    # regression
    MeanSquaredError,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError,
    CosineSimilarity,
    LogCosh,
    Huber,
    # hinge
    Hinge,
    SquaredHinge,
    CategoricalHinge,
    # segmentation, similarity, sequence
    Dice,
    Tversky,
    Circle,
    CTC,
    # functions
    kl_divergence,
    poisson,
    binary_crossentropy,
    binary_focal_crossentropy,
    categorical_crossentropy,
    categorical_focal_crossentropy,
    sparse_categorical_crossentropy,
    mean_squared_error,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_logarithmic_error,
    cosine_similarity,
    log_cosh,
    huber,
    hinge,
    squared_hinge,
    categorical_hinge,
    dice,
    tversky,
    circle,
    ctc,
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
        "kld": kl_divergence,
        "KLD": kl_divergence,
        "mape": mean_absolute_percentage_error,
        "MAPE": mean_absolute_percentage_error,
        "msle": mean_squared_logarithmic_error,
        "MSLE": mean_squared_logarithmic_error,
    }
)
# exported by keras.losses but, as in Keras, not resolvable by name
EXTRA_OBJECTS = (
    CategoricalGeneralizedCrossEntropy,
    categorical_generalized_cross_entropy,
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
    return get_object(identifier, ALL_OBJECTS_DICT, deserialize, "loss", "losses")


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
    "BinaryFocalCrossentropy",
    "CTC",
    "CategoricalCrossentropy",
    "CategoricalFocalCrossentropy",
    "CategoricalGeneralizedCrossEntropy",
    "CategoricalHinge",
    "Circle",
    "CosineSimilarity",
    "Dice",
    "Hinge",
    "Huber",
    "KLDivergence",
    "LogCosh",
    "Loss",
    "LossFunctionWrapper",
    "MeanAbsoluteError",
    "MeanAbsolutePercentageError",
    "MeanSquaredError",
    "MeanSquaredLogarithmicError",
    "Poisson",
    "SparseCategoricalCrossentropy",
    "SquaredHinge",
    "Tversky",
    "binary_crossentropy",
    "binary_focal_crossentropy",
    "categorical_crossentropy",
    "categorical_focal_crossentropy",
    "categorical_generalized_cross_entropy",
    "categorical_hinge",
    "circle",
    "cosine_similarity",
    "ctc",
    "deserialize",
    "dice",
    "get",
    "hinge",
    "huber",
    "is_binary_or_sparse_categorical",
    "kl_divergence",
    "log_cosh",
    "mean_absolute_error",
    "mean_absolute_percentage_error",
    "mean_squared_error",
    "mean_squared_logarithmic_error",
    "poisson",
    "reduce_weighted_values",
    "resolve_loss",
    "serialize",
    "sparse_categorical_crossentropy",
    "squared_hinge",
    "squeeze_or_expand_to_same_rank",
    "tversky",
]
