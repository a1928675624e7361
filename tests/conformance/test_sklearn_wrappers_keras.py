"""The scikit-learn wrappers against Keras 3's (keras.wrappers) on the same data: the same
classes_, attributes, output shapes, and with the same weights the same outputs."""

import numpy as np
import pytest

pytest.importorskip("sklearn")

from sklearn.datasets import make_classification

import lamina
from lamina import wrappers as lamina_wrappers


def _builder(lib):
    def build(X, y, loss, out_activation="softmax"):
        inputs = lib.Input((X.shape[1],))
        h = lib.layers.Dense(6, activation="relu")(inputs)
        outputs = lib.layers.Dense(y.shape[1] if y.ndim > 1 else 1, activation=out_activation)(h)
        model = lib.Model(inputs, outputs)
        model.compile(loss=loss, optimizer="rmsprop")
        return model

    return build


@pytest.mark.parametrize("kind, labels", [
    ("SKLearnClassifier", "ints"), ("SKLearnClassifier", "strings"),
    ("SKLearnRegressor", "floats"), ("SKLearnTransformer", "floats"),
])
def test_same_attributes_shapes_and_outputs_as_keras(keras, kind, labels):
    X, y = make_classification(n_samples=40, n_features=5, n_informative=3, n_classes=3,
                               random_state=1)
    if kind == "SKLearnClassifier":
        kwargs = {"loss": "categorical_crossentropy"}
        target = np.array(["x", "y", "z"])[y] if labels == "strings" else y
    else:
        kwargs = {"loss": "mse", "out_activation": "linear"}
        target = y.astype("float32")
    ours = getattr(lamina_wrappers, kind)(_builder(lamina), model_kwargs=kwargs,
                                          fit_kwargs={"verbose": 0})
    theirs = getattr(keras.wrappers, kind)(_builder(keras), model_kwargs=kwargs,
                                           fit_kwargs={"verbose": 0})
    ours.fit(X, target)
    theirs.fit(X, target)
    assert ours.n_features_in_ == theirs.n_features_in_
    if kind == "SKLearnClassifier":
        np.testing.assert_array_equal(ours.classes_, theirs.classes_)
    ours.model_.set_weights(theirs.model_.get_weights())
    method = "transform" if kind == "SKLearnTransformer" else "predict"
    a, b = getattr(ours, method)(X), np.asarray(getattr(theirs, method)(X))
    assert a.shape == b.shape and a.dtype.kind == b.dtype.kind
    if a.dtype.kind == "f":
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    else:
        np.testing.assert_array_equal(a, b)
    if kind == "SKLearnClassifier":
        np.testing.assert_allclose(ours.decision_function(X), theirs.decision_function(X),
                                   rtol=1e-5, atol=1e-6)


def test_same_refusals_as_keras(keras):
    X, y = make_classification(n_samples=20, n_features=4, random_state=0)
    for lib, wrappers in ((lamina, lamina_wrappers), (keras, keras.wrappers)):
        with pytest.raises(ValueError, match="one class"):
            wrappers.SKLearnClassifier(_builder(lib), model_kwargs={"loss": "mse"}).fit(
                X, np.zeros(20))
        with pytest.raises(ValueError):
            wrappers.SKLearnClassifier(_builder(lib), model_kwargs={"loss": "mse"}).fit(
                X, np.linspace(0, 1, 20))
        model = lib.Sequential([lib.Input((4,)), lib.layers.Dense(2)])
        with pytest.raises(RuntimeError, match="compiled"):
            wrappers.SKLearnClassifier(model).fit(X, y)
