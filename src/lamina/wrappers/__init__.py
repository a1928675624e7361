"""``keras.wrappers``: scikit-learn estimators around Keras models.

``SKLearnClassifier``, ``SKLearnRegressor`` and ``SKLearnTransformer`` (Keras 3), and Keras 2's
``KerasClassifier`` / ``KerasRegressor`` in ``lamina.wrappers.scikit_learn``. scikit-learn is
imported when one of them is first looked up, so ``import lamina`` does not need it; making a
wrapper without scikit-learn raises an ``ImportError`` that says what to install.

>>> from lamina.wrappers import SKLearnClassifier   # doctest: +SKIP
"""

_LAZY = {
    "SKLearnClassifier": "lamina.wrappers.sklearn_wrapper",
    "SKLearnRegressor": "lamina.wrappers.sklearn_wrapper",
    "SKLearnTransformer": "lamina.wrappers.sklearn_wrapper",
}


def __getattr__(name):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    if name == "scikit_learn":  # tf.keras scripts reach it as keras.wrappers.scikit_learn
        import importlib

        return importlib.import_module("lamina.wrappers.scikit_learn")
    raise AttributeError(f"module 'lamina.wrappers' has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), *_LAZY])


__all__ = list(_LAZY)
