"""Keras 2's ``keras.wrappers.scikit_learn``: ``KerasClassifier`` and ``KerasRegressor``.

The Keras 2 spelling: ``build_fn`` builds and compiles a model, and every other keyword
argument (the "sk_params") goes to ``build_fn``, to ``fit``, ``predict`` or ``evaluate``,
whichever takes a parameter of that name. New code uses ``keras.wrappers.SKLearnClassifier``.

>>> import numpy as np
>>> from sklearn.model_selection import cross_val_score
>>> from lamina import Input, Sequential, layers
>>> def make_model(hidden=8):
...     model = Sequential([Input((4,)), layers.Dense(hidden, activation="relu"),
...                         layers.Dense(1, activation="sigmoid")])
...     model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
...     return model
>>> X = np.random.default_rng(0).normal(size=(30, 4))
>>> y = (X[:, 0] > 0).astype(int)
>>> clf = KerasClassifier(build_fn=make_model, hidden=16, epochs=2, batch_size=10, verbose=0)
>>> cross_val_score(clf, X, y, cv=3).shape
(3,)
"""

from __future__ import annotations

import copy
import inspect

import numpy as np

from lamina.models.model import Model
from lamina.utils.numerical import to_categorical
from lamina.wrappers.sklearn_wrapper import (
    BaseEstimator,
    ClassifierMixin,
    RegressorMixin,
    _require_sklearn,
)


def _parameters(fn) -> set[str]:
    """The names ``fn`` takes explicitly (a ``**kwargs`` catch-all does not count)."""
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return set()
    return {p.name for p in params if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)}


def _takes_any_keyword(fn) -> bool:
    try:
        return any(p.kind is p.VAR_KEYWORD for p in inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return False


def _is_categorical_crossentropy(loss) -> bool:
    name = loss if isinstance(loss, str) else getattr(loss, "__name__", None)
    if name is None:  # a Loss instance: CategoricalCrossentropy's name
        name = getattr(loss, "name", None)
    return name == "categorical_crossentropy"


class BaseWrapper(BaseEstimator):
    """What ``KerasClassifier`` and ``KerasRegressor`` share (Keras 2's ``BaseWrapper``).

    Args:
        build_fn: a function (or an object with ``__call__``) returning a compiled model; if
            None, the subclass's own ``__call__`` builds it.
        **sk_params: the parameters of ``build_fn`` and of ``Model.fit`` / ``predict`` /
            ``evaluate`` (``epochs``, ``batch_size``, ``verbose``...). Keras 2's ``nb_epoch``
            is accepted for ``epochs``.
    """

    def __init__(self, build_fn=None, **sk_params):
        _require_sklearn(type(self).__name__)
        self.build_fn = build_fn
        self.sk_params = sk_params
        self.check_params(sk_params)

    def _build_callable(self):
        if self.build_fn is None:
            return self.__call__
        return self.build_fn

    def check_params(self, params) -> None:
        """Refuse a parameter that neither ``build_fn`` nor fit/predict/evaluate takes."""
        build = self._build_callable()
        if _takes_any_keyword(build):
            return
        legal = (_parameters(build) | _parameters(Model.fit) | _parameters(Model.predict)
                 | _parameters(Model.evaluate) | {"nb_epoch"}) - {"self", "x", "y"}
        for name in params:
            if name not in legal:
                raise ValueError(
                    f"{name!r} is not a legal parameter of {type(self).__name__}: it is not an "
                    f"argument of build_fn ({sorted(_parameters(build))}) nor of Model.fit, "
                    "predict or evaluate."
                )

    def get_params(self, deep=True):
        """``build_fn`` and the sk_params, as scikit-learn's ``clone`` needs them."""
        return {**self.sk_params, "build_fn": self.build_fn}

    def set_params(self, **params):
        """Update sk_params (``GridSearchCV`` sets them this way); returns ``self``."""
        if "build_fn" in params:
            self.build_fn = params.pop("build_fn")
        self.check_params(params)
        self.sk_params.update(params)
        return self

    def filter_sk_params(self, fn, override=None) -> dict:
        """The sk_params that ``fn`` takes, updated with ``override``."""
        names = _parameters(fn)
        taken = {name: value for name, value in self.sk_params.items() if name in names}
        if fn is Model.fit and "nb_epoch" in self.sk_params and "epochs" not in taken:
            taken["epochs"] = self.sk_params["nb_epoch"]  # Keras 2's name for epochs
        taken.update(override or {})
        return taken

    def fit(self, x, y, **kwargs):
        """Build a new model with ``build_fn`` and train it; returns the ``History``.

        ``kwargs`` go to ``Model.fit`` over the sk_params.
        """
        build = self._build_callable()
        self.model = build(**self.filter_sk_params(build))
        y = np.asarray(y)
        if _is_categorical_crossentropy(getattr(self.model, "loss", None)) and y.ndim != 2:
            y = to_categorical(y)
        fit_args = copy.deepcopy(self.filter_sk_params(Model.fit))
        fit_args.update(kwargs)
        return self.model.fit(np.asarray(x), y, **fit_args)

    def _check_fitted(self) -> None:
        if not isinstance(getattr(self, "model", None), Model):
            from sklearn.exceptions import NotFittedError

            raise NotFittedError(
                f"This {type(self).__name__} is not fitted yet: call fit(x, y) first."
            )


class KerasClassifier(ClassifierMixin, BaseWrapper):
    """Keras 2's scikit-learn classifier: ``build_fn`` returns a compiled classifier.

    ``y`` holds class labels (or one-hot rows); the model is trained on their indices into
    ``classes_`` (one-hot when the loss is ``categorical_crossentropy``). ``predict`` returns
    labels, ``predict_proba`` one column per class, ``score`` the model's accuracy (compile it
    with ``metrics=["accuracy"]``).
    """

    def fit(self, x, y, sample_weight=None, **kwargs):
        """Train on ``x`` and the labels ``y``; returns the ``History``."""
        y = np.asarray(y)
        if y.ndim == 2 and y.shape[1] > 1:  # one-hot rows
            self.classes_ = np.arange(y.shape[1])
        elif y.ndim == 1 or (y.ndim == 2 and y.shape[1] == 1):
            self.classes_ = np.unique(y)
            y = np.searchsorted(self.classes_, y)
        else:
            raise ValueError(f"KerasClassifier: invalid shape for y: {y.shape}")
        self.n_classes_ = len(self.classes_)
        if sample_weight is not None:
            kwargs["sample_weight"] = sample_weight
        return super().fit(x, y, **kwargs)

    def predict(self, x, **kwargs):
        """The predicted labels (n_samples,)."""
        proba = self._probabilities(x, **kwargs)
        if proba.shape[-1] > 1:
            index = proba.argmax(axis=-1)
        else:  # one sigmoid unit
            index = (proba[..., 0] > 0.5).astype("int32")
        return self.classes_[index]

    def predict_proba(self, x, **kwargs):
        """Class probabilities (n_samples, n_classes); a single sigmoid output ``p`` gives
        the two columns ``1 - p, p``."""
        probs = self._probabilities(x, **kwargs)
        if probs.shape[1] == 1:
            probs = np.hstack([1 - probs, probs])
        return probs

    def _probabilities(self, x, **kwargs):
        self._check_fitted()
        kwargs = self.filter_sk_params(Model.predict, kwargs)
        return np.asarray(self.model.predict(np.asarray(x), **kwargs))

    def score(self, x, y, **kwargs):
        """The model's accuracy on ``x, y`` (from ``evaluate``)."""
        self._check_fitted()
        y = np.searchsorted(self.classes_, np.asarray(y))
        kwargs = self.filter_sk_params(Model.evaluate, kwargs)
        if _is_categorical_crossentropy(self.model.loss) and y.ndim != 2:
            y = to_categorical(y, num_classes=self.n_classes_)
        outputs = self.model.evaluate(np.asarray(x), y, **kwargs)
        outputs = outputs if isinstance(outputs, list) else [outputs]
        for name, value in zip(self.model.metrics_names, outputs):
            if name in ("accuracy", "acc"):
                return value
        raise ValueError(
            "KerasClassifier.score needs the model's accuracy: compile it with "
            'metrics=["accuracy"].'
        )


class KerasRegressor(RegressorMixin, BaseWrapper):
    """Keras 2's scikit-learn regressor: ``build_fn`` returns a compiled regression model.

    ``predict`` drops a trailing axis of size one; ``score`` is minus the model's loss (so
    that greater is better, as scikit-learn's searches expect).
    """

    def fit(self, x, y, sample_weight=None, **kwargs):
        """Train on ``x, y``; returns the ``History``."""
        if sample_weight is not None:
            kwargs["sample_weight"] = sample_weight
        return super().fit(x, y, **kwargs)

    def predict(self, x, **kwargs):
        """The model's predictions, (n_samples,) for a single output."""
        self._check_fitted()
        kwargs = self.filter_sk_params(Model.predict, kwargs)
        out = np.asarray(self.model.predict(np.asarray(x), **kwargs))
        return out[..., 0] if out.ndim > 1 and out.shape[-1] == 1 else out

    def score(self, x, y, **kwargs):
        """Minus the model's loss on ``x, y``."""
        self._check_fitted()
        kwargs = self.filter_sk_params(Model.evaluate, kwargs)
        loss = self.model.evaluate(np.asarray(x), np.asarray(y), **kwargs)
        return -loss[0] if isinstance(loss, list) else -loss


__all__ = ["BaseWrapper", "KerasClassifier", "KerasRegressor"]
