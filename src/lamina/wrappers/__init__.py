"""``keras.wrappers``: scikit-learn estimators around Keras models.

``SKLearnClassifier``, ``SKLearnRegressor`` and ``SKLearnTransformer`` are built by their own
issue; until then this module is empty rather than holding look-alikes.
"""

__all__: list[str] = []
