"""Metrics (``lamina.metrics``, served as ``keras.metrics``): classes, functions and names.

>>> from lamina import metrics
>>> metrics.get("mae").name
'mean_absolute_error'
>>> metrics.resolve_metric("acc", (32,), (32, 10)).name    # what compile(metrics=["acc"]) logs
'acc'
"""

from __future__ import annotations

from lamina.losses import is_binary_or_sparse_categorical
from lamina.losses.divergence import kl_divergence, poisson
from lamina.losses.focal import binary_focal_crossentropy, categorical_focal_crossentropy
from lamina.losses.hinge import categorical_hinge, hinge, squared_hinge
from lamina.losses.probabilistic import (
    binary_crossentropy,
    categorical_crossentropy,
    sparse_categorical_crossentropy,
)
from lamina.losses.regression import (
    huber,
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
)
from lamina.losses.wrapper import deserialize_function, get_object, serialize_function
from lamina.metrics.accuracy import (
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
    TopKCategoricalAccuracy,
    accuracy,
    binary_accuracy,
    categorical_accuracy,
    sparse_categorical_accuracy,
    sparse_top_k_categorical_accuracy,
    top_k_categorical_accuracy,
)
from lamina.metrics.auc import AUC
from lamina.metrics.confusion import (
    FalseNegatives,
    FalsePositives,
    Precision,
    PrecisionAtRecall,
    Recall,
    RecallAtPrecision,
    SensitivityAtSpecificity,
    SpecificityAtSensitivity,
    TrueNegatives,
    TruePositives,
)
from lamina.metrics.correlation import (
    ConcordanceCorrelation,
    PearsonCorrelation,
    concordance_correlation,
    pearson_correlation,
)
from lamina.metrics.f_score import F1Score, FBetaScore
from lamina.metrics.hinge import CategoricalHinge, Hinge, SquaredHinge
from lamina.metrics.iou import BinaryIoU, IoU, MeanIoU, OneHotIoU, OneHotMeanIoU
from lamina.metrics.metric import Metric
from lamina.metrics.probabilistic import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    KLDivergence,
    Poisson,
    SparseCategoricalCrossentropy,
)
from lamina.metrics.reduction import Mean, MeanMetricWrapper, Sum
from lamina.metrics.regression import (
    CosineSimilarity,
    LogCoshError,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    R2Score,
    RootMeanSquaredError,
)
from lamina.utils import registry

ALL_OBJECTS = (
    Metric,
    Mean,
    Sum,
    MeanMetricWrapper,
    # regression
    MeanSquaredError,
    RootMeanSquaredError,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError,
    CosineSimilarity,
    LogCoshError,
    R2Score,
    # classification
    AUC,
    FalseNegatives,
    FalsePositives,
    Precision,
    PrecisionAtRecall,
    Recall,
    RecallAtPrecision,
    SensitivityAtSpecificity,
    SpecificityAtSensitivity,
    TrueNegatives,
    TruePositives,
    # correlation
    ConcordanceCorrelation,
    PearsonCorrelation,
    # hinge
    Hinge,
    SquaredHinge,
    CategoricalHinge,
    # probabilistic
    KLDivergence,
    Poisson,
    BinaryCrossentropy,
    CategoricalCrossentropy,
    SparseCategoricalCrossentropy,
    # accuracy
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    TopKCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
    # F-score, IoU
    F1Score,
    FBetaScore,
    IoU,
    BinaryIoU,
    MeanIoU,
    OneHotIoU,
    OneHotMeanIoU,
)
# As in Keras, both "BinaryAccuracy" and "binary_accuracy" name the class, and loss-style
# short names ("mse") name the metric classes too.
ALL_OBJECTS_DICT = {cls.__name__: cls for cls in ALL_OBJECTS}
ALL_OBJECTS_DICT.update({registry.snake_case(cls.__name__): cls for cls in ALL_OBJECTS})
ALL_OBJECTS_DICT.update(
    {
        "bce": BinaryCrossentropy,
        "BCE": BinaryCrossentropy,
        "mse": MeanSquaredError,
        "MSE": MeanSquaredError,
        "mae": MeanAbsoluteError,
        "MAE": MeanAbsoluteError,
        "mape": MeanAbsolutePercentageError,
        "MAPE": MeanAbsolutePercentageError,
        "msle": MeanSquaredLogarithmicError,
        "MSLE": MeanSquaredLogarithmicError,
    }
)

# plain functions a MeanMetricWrapper config may name
FUNCTIONS_DICT = {
    fn.__name__: fn
    for fn in (
        accuracy,
        binary_accuracy,
        categorical_accuracy,
        sparse_categorical_accuracy,
        mean_squared_error,
        mean_absolute_error,
        binary_crossentropy,
        categorical_crossentropy,
        sparse_categorical_crossentropy,
        top_k_categorical_accuracy,
        sparse_top_k_categorical_accuracy,
        mean_absolute_percentage_error,
        mean_squared_logarithmic_error,
        binary_focal_crossentropy,
        categorical_focal_crossentropy,
        categorical_hinge,
        hinge,
        squared_hinge,
        huber,
        kl_divergence,
        log_cosh,
        poisson,
        pearson_correlation,
        concordance_correlation,
    )
}


def serialize(metric) -> dict:
    """Keras' config dict of a ``Metric`` object or a metric function."""
    if isinstance(metric, Metric):
        return registry.serialize_object(metric, "keras.metrics")
    return serialize_function(metric)


def deserialize(config, custom_objects=None):
    """Rebuild a metric from ``serialize``'s dict (or a name)."""
    if isinstance(config, dict) and config.get("class_name") == "function":
        return deserialize_function(config, FUNCTIONS_DICT, custom_objects)
    return registry.deserialize_object(config, ALL_OBJECTS_DICT, custom_objects, kind="metric")


def get(identifier):
    """A ``Metric`` object (or function) from a name, config dict, class, object or function.

    Names give new metric objects with their default names (``get("mse").name`` is
    ``"mean_squared_error"``). ``"accuracy"`` here is exact-match ``Accuracy``; the trainer's
    choice between binary / categorical accuracy is ``resolve_metric``.

    >>> type(get("binary_accuracy")).__name__
    'BinaryAccuracy'
    """
    return get_object(
        identifier,
        ALL_OBJECTS_DICT,
        deserialize,
        "metric",
        "metrics",
        note=", and 'accuracy'/'acc' in compile()",
    )


def _shape(x):
    return tuple(x.shape) if hasattr(x, "shape") else tuple(x)


def _object_name(obj) -> str:
    if hasattr(obj, "name"):
        return obj.name
    return registry.snake_case(getattr(obj, "__name__", type(obj).__name__))


def resolve_metric(identifier, y_true_shape, y_pred_shape, loss=None) -> Metric:
    """The ``Metric`` object ``compile(metrics=[identifier])`` tracks, named as Keras 3 logs it.

    - ``"accuracy"``/``"acc"`` (any case) become ``BinaryAccuracy`` when predictions end in 1,
      ``SparseCategoricalAccuracy`` when labels have lower rank (or end in 1 while predictions
      end in more), else ``CategoricalAccuracy``.
    - ``"crossentropy"``/``"ce"`` pick the cross-entropy metric by the same rule (Keras 3
      refuses these names as metrics; lamina accepts them, as it does for losses).
    - other strings go through ``get``; functions are wrapped in ``MeanMetricWrapper``.

    A string keeps its own spelling as the name (``"acc"`` logs ``acc``, ``"mae"`` logs
    ``mae``); a function gives its snake-case name; a metric object keeps its name. Shapes
    may be tuples or tensors. ``loss`` is accepted for the trainer's convenience but not used:
    Keras 3 decides by shapes only.

    >>> type(resolve_metric("accuracy", (8, 1), (8, 1))).__name__
    'BinaryAccuracy'
    """
    del loss
    if identifier is None:
        raise ValueError("Expected metric, received `None`")
    key = str(identifier).lower() if isinstance(identifier, str) else None
    if key in ("accuracy", "acc", "crossentropy", "ce"):
        is_binary, is_sparse = is_binary_or_sparse_categorical(
            _shape(y_true_shape), _shape(y_pred_shape)
        )
        if key in ("accuracy", "acc"):
            choices = (BinaryAccuracy, SparseCategoricalAccuracy, CategoricalAccuracy)
        else:
            choices = (BinaryCrossentropy, SparseCategoricalCrossentropy, CategoricalCrossentropy)
        cls = choices[0] if is_binary else choices[1] if is_sparse else choices[2]
        metric = cls(name=identifier)
    else:
        metric = get(identifier)
    name = identifier if isinstance(identifier, str) else _object_name(metric)
    if not isinstance(metric, Metric):
        metric = MeanMetricWrapper(metric)
    metric.name = name
    return metric


__all__ = [
    "ALL_OBJECTS",
    "ALL_OBJECTS_DICT",
    "AUC",
    "Accuracy",
    "BinaryAccuracy",
    "BinaryCrossentropy",
    "BinaryIoU",
    "CategoricalAccuracy",
    "CategoricalCrossentropy",
    "CategoricalHinge",
    "ConcordanceCorrelation",
    "CosineSimilarity",
    "F1Score",
    "FBetaScore",
    "FUNCTIONS_DICT",
    "FalseNegatives",
    "FalsePositives",
    "Hinge",
    "IoU",
    "KLDivergence",
    "LogCoshError",
    "Mean",
    "MeanAbsoluteError",
    "MeanAbsolutePercentageError",
    "MeanIoU",
    "MeanMetricWrapper",
    "MeanSquaredError",
    "MeanSquaredLogarithmicError",
    "Metric",
    "OneHotIoU",
    "OneHotMeanIoU",
    "PearsonCorrelation",
    "Poisson",
    "Precision",
    "PrecisionAtRecall",
    "R2Score",
    "Recall",
    "RecallAtPrecision",
    "RootMeanSquaredError",
    "SensitivityAtSpecificity",
    "SparseCategoricalAccuracy",
    "SparseCategoricalCrossentropy",
    "SparseTopKCategoricalAccuracy",
    "SpecificityAtSensitivity",
    "SquaredHinge",
    "Sum",
    "TopKCategoricalAccuracy",
    "TrueNegatives",
    "TruePositives",
    "accuracy",
    "binary_accuracy",
    "binary_crossentropy",
    "binary_focal_crossentropy",
    "categorical_accuracy",
    "categorical_crossentropy",
    "categorical_focal_crossentropy",
    "categorical_hinge",
    "concordance_correlation",
    "deserialize",
    "get",
    "hinge",
    "huber",
    "kl_divergence",
    "log_cosh",
    "mean_absolute_error",
    "mean_absolute_percentage_error",
    "mean_squared_error",
    "mean_squared_logarithmic_error",
    "pearson_correlation",
    "poisson",
    "resolve_metric",
    "serialize",
    "sparse_categorical_accuracy",
    "sparse_categorical_crossentropy",
    "sparse_top_k_categorical_accuracy",
    "squared_hinge",
    "top_k_categorical_accuracy",
]
