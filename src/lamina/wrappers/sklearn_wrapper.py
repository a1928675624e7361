"""Keras 3's scikit-learn estimators: ``SKLearnClassifier``, ``SKLearnRegressor``,
``SKLearnTransformer`` (``keras.wrappers``).

Each wraps a compiled model, or a function ``model(X=..., y=..., **model_kwargs)`` that builds
and compiles one, so it can sit in a ``Pipeline``, a ``GridSearchCV`` or ``cross_val_score``.
Every ``fit`` trains a fresh model (a clone of the given one, or a new one from the function)
unless ``warm_start=True``, which keeps training the same model.

This module imports scikit-learn when it is loaded; ``lamina.wrappers`` loads it on first use,
so lamina itself imports without scikit-learn.
"""

from __future__ import annotations

import copy

import numpy as np

from lamina import config
from lamina.models.cloning import clone_model
from lamina.models.model import Model

try:
    import sklearn
    from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, TransformerMixin
except ImportError:  # the classes still exist; making one raises (see _require_sklearn)
    sklearn = None

    class BaseEstimator:
        pass

    class ClassifierMixin:
        pass

    class RegressorMixin:
        pass

    class TransformerMixin:
        pass


def _require_sklearn(owner: str) -> None:
    if sklearn is None:
        raise ImportError(
            f"{owner} needs scikit-learn, which is not installed. Install it with "
            "`pip install scikit-learn` (or `pip install lamina[sklearn]`)."
        )


def _check_compiled(model) -> None:
    if not getattr(model, "compiled", False) or not model.loss or model.optimizer is None:
        raise RuntimeError(
            "The model given to the scikit-learn wrapper must be compiled with a loss and an "
            "optimizer (call `model.compile(optimizer=..., loss=...)`, or compile it inside the "
            f"function that builds it). Got a model of type {type(model).__name__} with "
            f"loss={getattr(model, 'loss', None)!r}."
        )


def _as_float_features(X):
    # the layers compute in floatx; integer or boolean feature arrays are cast once here
    if isinstance(X, np.ndarray) and not np.issubdtype(X.dtype, np.floating):
        return X.astype(config.floatx())
    return X


class SKLBase(BaseEstimator):
    """What the three wrappers share: the parameters, the model per fit, predict.

    Args:
        model: a compiled ``Model`` (cloned before each fit unless ``warm_start``), or a
            callable ``model(X=X, y=y, **model_kwargs)`` returning a compiled model.
        warm_start: keep training the model of the previous fit instead of a new one.
        model_kwargs: keyword arguments for ``model`` when it is a callable.
        fit_kwargs: keyword arguments for ``Model.fit`` (``epochs``, ``batch_size``, ...);
            those given to ``fit`` itself take precedence.

    Attributes (after ``fit``): ``model_`` (the trained model), ``history_`` (the ``History``
    of the last fit), ``n_features_in_``, and ``feature_names_in_`` for a DataFrame ``X``.
    """

    def __init__(self, model, warm_start=False, model_kwargs=None, fit_kwargs=None):
        _require_sklearn(type(self).__name__)
        self.model = model
        self.warm_start = warm_start
        self.model_kwargs = model_kwargs
        self.fit_kwargs = fit_kwargs

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = True  # weights start random and training shuffles
        tags.target_tags.multi_output = self._multi_output
        return tags

    def __sklearn_clone__(self):
        # A model instance is copied whole (a compiled model, so it can be cloned per fit);
        # a function is shared. Unlike Keras 3.15, fit_kwargs is kept, so GridSearchCV's
        # clones train for the epochs asked for.
        model = copy.deepcopy(self.model) if isinstance(self.model, Model) else self.model
        return type(self)(
            model=model,
            warm_start=self.warm_start,
            model_kwargs=copy.deepcopy(self.model_kwargs),
            fit_kwargs=copy.deepcopy(self.fit_kwargs),
        )

    # Regressors and transformers learn any number of target columns; the classifier one.
    _multi_output = True

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "model_")

    @property
    def epoch_(self) -> int:
        """How many epochs the current ``model_`` has been trained for (0 before ``fit``)."""
        return getattr(self, "_epochs_trained", 0)

    def set_fit_request(self, **kwargs):
        """Ask scikit-learn's metadata routing to pass these ``fit`` parameters through.

        Each argument is ``param=alias`` with alias one of ``True``, ``False``, ``None`` or a
        string, as in scikit-learn. Routing must be on:
        ``sklearn.set_config(enable_metadata_routing=True)``.
        """
        if not sklearn.get_config().get("enable_metadata_routing", False):
            raise RuntimeError(
                "set_fit_request is only available when metadata routing is enabled: call "
                "sklearn.set_config(enable_metadata_routing=True) first."
            )
        requests = self._get_metadata_request()
        for param, alias in kwargs.items():
            requests.fit.add_request(param=param, alias=alias)
        self._metadata_request = requests
        return self

    def _new_model(self, X, y):
        if self.warm_start and hasattr(self, "model_"):
            return self.model_
        if isinstance(self.model, Model):
            return self.model if self.warm_start else clone_model(self.model)
        if not callable(self.model):
            raise TypeError(
                f"{type(self).__name__}: `model` must be a compiled Model or a callable "
                f"model(X=..., y=..., **model_kwargs) returning one; got {self.model!r}."
            )
        return self.model(X=X, y=y, **(self.model_kwargs or {}))

    def fit(self, X, y, **kwargs):
        """Train a model on ``X`` (n_samples, n_features) and ``y``; returns ``self``.

        ``kwargs`` go to ``Model.fit`` (over ``fit_kwargs``).
        """
        from sklearn.utils.validation import validate_data

        X, y = validate_data(self, X, y, multi_output=self._multi_output)
        X = _as_float_features(X)
        y = self._encode_target(y, reset=True)
        model = self._new_model(X, y)
        _check_compiled(model)
        fit_kwargs = {**(self.fit_kwargs or {}), **kwargs}
        self.history_ = model.fit(X, y, **fit_kwargs)
        if model is not getattr(self, "model_", None):
            self._epochs_trained = 0
        self._epochs_trained = self.epoch_ + len(self.history_.epoch)
        self.model_ = model
        return self

    def _raw_predict(self, X):
        from sklearn.utils.validation import check_is_fitted, validate_data

        check_is_fitted(self)
        X = _as_float_features(validate_data(self, X, reset=False))
        return np.asarray(self.model_.predict(X, verbose=0))

    def predict(self, X):
        """The model's predictions for ``X``, in the form of the ``y`` given to ``fit``."""
        return self._decode_target(self._raw_predict(X))

    # Regressors and transformers train on y as given (1-D y as one column) and predict in
    # y's shape; the classifier overrides these with one-hot encoding.
    def _encode_target(self, y, reset=False):
        from sklearn.utils.multiclass import type_of_target

        if type_of_target(y) == "unknown":
            raise ValueError(f"Unknown label type for y: {y!r}")
        y = np.asarray(y)
        if reset:
            self._target_ndim = y.ndim
        return y.reshape(-1, 1) if y.ndim == 1 else y

    def _decode_target(self, y):
        if self._target_ndim == 1 and y.ndim == 2 and y.shape[1] == 1:
            return y[:, 0]
        return y


class SKLearnClassifier(ClassifierMixin, SKLBase):
    """A scikit-learn classifier around a Keras model.

    ``y`` holds class labels (any sortable values, binary or multiclass); the model is
    trained on their one-hot encoding (``classes_`` gives the column order), so it should
    end in ``Dense(n_classes, activation="softmax")``, built from ``y.shape[1]`` when
    ``model`` is a function. ``predict`` returns labels, ``decision_function`` the model's
    outputs.

    >>> import numpy as np
    >>> from lamina import Input, Model, layers
    >>> def build(X, y, hidden=8):
    ...     inputs = Input((X.shape[1],))
    ...     h = layers.Dense(hidden, activation="relu")(inputs)
    ...     model = Model(inputs, layers.Dense(y.shape[1], activation="softmax")(h))
    ...     model.compile(optimizer="adam", loss="categorical_crossentropy")
    ...     return model
    >>> X = np.random.default_rng(0).normal(size=(30, 4))
    >>> y = np.array(["cat", "dog", "owl"] * 10)
    >>> clf = SKLearnClassifier(build, model_kwargs={"hidden": 16},
    ...                         fit_kwargs={"epochs": 2, "verbose": 0})
    >>> clf.fit(X, y).classes_
    array(['cat', 'dog', 'owl'], dtype='<U3')
    >>> clf.predict(X[:2]).shape, clf.decision_function(X[:2]).shape
    ((2,), (2, 3))
    """

    _multi_output = False

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.poor_score = True
        return tags

    def _encode_target(self, y, reset=False):
        from sklearn.utils.multiclass import type_of_target

        kind = type_of_target(y)
        if kind == "unknown":
            raise ValueError(f"Unknown label type for y: {y!r}")
        if kind not in ("binary", "multiclass"):
            raise ValueError(
                f"SKLearnClassifier takes binary or multiclass targets (one label per "
                f"sample); got a target of type {kind!r}."
            )
        y = np.asarray(y)
        if reset:
            classes = np.unique(y)
            if len(classes) == 1:
                raise ValueError(
                    f"SKLearnClassifier can't train when only one class is present in y "
                    f"({classes[0]!r}); it needs two or more."
                )
            self._target_ndim = y.ndim
            self.classes_ = classes
        labels = y.reshape(-1)
        index = np.searchsorted(self.classes_, labels)
        index = np.clip(index, 0, len(self.classes_) - 1)
        unseen = self.classes_[index] != labels
        if unseen.any():
            raise ValueError(
                f"y holds labels not seen in fit: {np.unique(labels[unseen])!r}; the classes "
                f"are {self.classes_!r}."
            )
        return np.eye(len(self.classes_), dtype=config.floatx())[index]

    def _decode_target(self, outputs):
        if outputs.ndim == 2 and outputs.shape[1] == 1:  # one sigmoid unit: P(classes_[1])
            index = (outputs[:, 0] > 0.5).astype(int)
        else:
            index = outputs.argmax(axis=-1)
        labels = self.classes_[index]
        return labels if self._target_ndim == 1 else labels.reshape(-1, 1)

    def decision_function(self, X):
        """The model's raw outputs for ``X`` (n_samples, n_outputs)."""
        return self._raw_predict(X)


class SKLearnRegressor(RegressorMixin, SKLBase):
    """A scikit-learn regressor around a Keras model.

    ``y`` is (n_samples,) or (n_samples, n_outputs); ``predict`` returns the same shape.
    ``score`` is scikit-learn's R².

    >>> import numpy as np
    >>> from lamina import Input, Sequential, layers
    >>> def linear(X, y, loss="mse"):
    ...     model = Sequential([Input((X.shape[1],)), layers.Dense(y.shape[1])])
    ...     model.compile(optimizer="sgd", loss=loss)
    ...     return model
    >>> X = np.random.default_rng(0).normal(size=(20, 3))
    >>> reg = SKLearnRegressor(linear, model_kwargs={"loss": "mae"}, fit_kwargs={"verbose": 0})
    >>> reg.fit(X, X.sum(axis=1), epochs=3).predict(X[:4]).shape
    (4,)
    """

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.regressor_tags.poor_score = True
        return tags


class SKLearnTransformer(TransformerMixin, SKLBase):
    """A scikit-learn transformer around a Keras model: ``transform(X)`` is the trained
    model's output (an embedding, an autoencoder's code...), for use as a ``Pipeline`` step.

    ``fit`` trains the model on ``(X, y)`` like the regressor does.

    >>> import numpy as np
    >>> from lamina import Input, Sequential, layers
    >>> def encoder(X, y):
    ...     model = Sequential([Input((X.shape[1],)), layers.Dense(y.shape[1], activation="tanh")])
    ...     model.compile(optimizer="adam", loss="mse")
    ...     return model
    >>> X = np.random.default_rng(0).normal(size=(20, 4))
    >>> step = SKLearnTransformer(encoder, fit_kwargs={"verbose": 0})
    >>> step.fit(X, X[:, :2]).transform(X).shape
    (20, 2)

    In a pipeline, ``make_pipeline(step, LogisticRegression())``, the next step learns from
    the model's outputs.
    """

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = []  # outputs are floatx whatever X was
        return tags

    def transform(self, X):
        """The model's outputs for ``X`` (n_samples, n_outputs)."""
        return self._raw_predict(X)


__all__ = ["SKLearnClassifier", "SKLearnRegressor", "SKLearnTransformer"]
