"""keras.wrappers.SKLearnClassifier / SKLearnRegressor / SKLearnTransformer, as a user drives
them: labels in and out, a fresh model per fit, warm starts, pipelines, searches, pickling."""

import pickle
import subprocess
import sys
import textwrap

import numpy as np
import pytest

sklearn = pytest.importorskip("sklearn")

from sklearn.base import clone
from sklearn.datasets import make_classification, make_regression
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

import lamina
from lamina import Input, Model, Sequential, layers
from lamina.wrappers import SKLearnClassifier, SKLearnRegressor, SKLearnTransformer


def mlp(X, y, loss="categorical_crossentropy", out_activation="softmax", hidden=8):
    inputs = Input((X.shape[1],))
    h = layers.Dense(hidden, activation="relu")(inputs)
    outputs = layers.Dense(y.shape[1] if y.ndim > 1 else 1, activation=out_activation)(h)
    model = Model(inputs, outputs)
    model.compile(loss=loss, optimizer="adam")
    return model


@pytest.fixture
def blobs():
    X, y = make_classification(n_samples=60, n_features=5, n_informative=3, n_classes=3,
                               random_state=0)
    return X.astype("float32"), y


def test_classifier_trains_on_one_hot_labels_and_predicts_labels(blobs):
    X, y = blobs
    names = np.array(["cat", "dog", "owl"])[y]
    seen = {}

    def build(X, y):
        seen["y"] = y
        return mlp(X, y)

    clf = SKLearnClassifier(build, fit_kwargs={"epochs": 2, "verbose": 0}).fit(X, names)
    np.testing.assert_array_equal(clf.classes_, ["cat", "dog", "owl"])
    np.testing.assert_array_equal(seen["y"], np.eye(3)[y])  # columns in classes_ order
    assert clf.n_features_in_ == 5
    pred = clf.predict(X[:7])
    assert pred.shape == (7,) and set(pred) <= {"cat", "dog", "owl"}
    raw = clf.decision_function(X[:7])
    assert raw.shape == (7, 3)
    np.testing.assert_array_equal(pred, clf.classes_[raw.argmax(axis=1)])
    assert 0.0 <= clf.score(X, names) <= 1.0


def test_classifier_refuses_what_it_cannot_learn(blobs):
    X, y = blobs
    clf = SKLearnClassifier(mlp, fit_kwargs={"verbose": 0})
    with pytest.raises(ValueError, match="only one class"):
        clf.fit(X, np.zeros(len(X)))
    with pytest.raises(ValueError, match="binary or multiclass"):
        clf.fit(X, np.random.default_rng(0).normal(size=len(X)))  # continuous
    with pytest.raises(sklearn.exceptions.NotFittedError):
        clf.predict(X)
    clf.fit(X, y)
    with pytest.raises(ValueError, match="5 features"):
        clf.predict(X[:, :4])


def test_an_uncompiled_model_is_refused(blobs):
    X, y = blobs
    model = Sequential([Input((5,)), layers.Dense(3, activation="softmax")])
    with pytest.raises(RuntimeError, match="must be compiled"):
        SKLearnClassifier(model).fit(X, y)


def test_a_model_instance_is_cloned_per_fit_unless_warm_start(blobs):
    X, y = blobs
    model = mlp(X, np.eye(3)[y])
    before = [w.copy() for w in model.get_weights()]
    clf = SKLearnClassifier(model, fit_kwargs={"epochs": 1, "verbose": 0})
    clf.fit(X, y)
    first = clf.model_
    assert first is not model
    for w, b in zip(model.get_weights(), before):  # the given model is left as it was
        np.testing.assert_array_equal(w, b)
    clf.fit(X, y)
    assert clf.model_ is not first and clf.epoch_ == 1

    warm = SKLearnClassifier(model, warm_start=True, fit_kwargs={"epochs": 2, "verbose": 0})
    warm.fit(X, y)
    assert warm.model_ is model  # not cloned: the given model is trained
    warm.fit(X, y)
    assert warm.model_ is model and warm.epoch_ == 4  # training went on


def test_warm_start_with_a_builder_keeps_training_the_same_model(blobs):
    X, y = blobs
    reg = SKLearnRegressor(mlp, warm_start=True,
                           model_kwargs={"loss": "mse", "out_activation": "linear"},
                           fit_kwargs={"verbose": 0})
    reg.fit(X, y.astype("float32"))
    model = reg.model_
    weights = [w.copy() for w in model.get_weights()]
    reg.fit(X, y.astype("float32"), epochs=3)
    assert reg.model_ is model and reg.epoch_ == 4
    assert any(not np.array_equal(a, b) for a, b in zip(weights, model.get_weights()))


def test_fit_arguments_override_fit_kwargs_and_model_kwargs_reach_the_builder(blobs):
    X, y = blobs
    clf = SKLearnClassifier(mlp, model_kwargs={"hidden": 5},
                            fit_kwargs={"epochs": 3, "verbose": 0})
    clf.fit(X, y, epochs=2)
    assert len(clf.history_.history["loss"]) == 2
    assert clf.fit_kwargs == {"epochs": 3, "verbose": 0}  # not changed by fit
    assert clf.model_.layers[1].units == 5


def test_regressor_gives_predictions_in_the_shape_of_y():
    X, y = make_regression(n_samples=40, n_features=3, n_targets=2, random_state=0)
    reg = SKLearnRegressor(mlp, model_kwargs={"loss": "mse", "out_activation": "linear"},
                           fit_kwargs={"verbose": 0})
    assert reg.fit(X, y[:, 0]).predict(X[:4]).shape == (4,)
    assert reg.fit(X, y[:, :1]).predict(X[:4]).shape == (4, 1)
    assert reg.fit(X, y).predict(X[:4]).shape == (4, 2)
    assert np.isfinite(reg.score(X, y))


def test_transformer_is_a_pipeline_step(blobs):
    X, y = blobs

    def encoder(X, y):
        model = Sequential([Input((X.shape[1],)), layers.Dense(2, activation="tanh")])
        model.compile(loss="mse", optimizer="adam")
        return model

    step = SKLearnTransformer(encoder, fit_kwargs={"verbose": 0})
    codes = step.fit(X, X[:, :2]).transform(X)
    assert codes.shape == (60, 2) and np.all(np.abs(codes) <= 1)
    np.testing.assert_allclose(codes, step.model_.predict(X, verbose=0), rtol=1e-6)
    pipe = make_pipeline(StandardScaler(), SKLearnTransformer(encoder, fit_kwargs={"verbose": 0}),
                         LogisticRegression())
    pipe.fit(X, y)
    assert pipe.predict(X).shape == (60,)


def test_pipeline_grid_search_and_cross_validation(blobs):
    X, y = blobs
    clf = SKLearnClassifier(mlp, fit_kwargs={"epochs": 1, "verbose": 0})
    pipe = Pipeline([("scale", StandardScaler()), ("net", clf)]).fit(X, y)
    assert pipe.predict(X[:3]).shape == (3,)

    scores = cross_val_score(clf, X, y, cv=KFold(3))
    assert scores.shape == (3,) and np.all((scores >= 0) & (scores <= 1))

    search = GridSearchCV(pipe, {"net__model_kwargs": [{"hidden": 2}, {"hidden": 6}]}, cv=2)
    search.fit(X, y)
    assert search.best_params_["net__model_kwargs"]["hidden"] in (2, 6)
    assert search.best_estimator_.named_steps["net"].model_.layers[1].units == \
        search.best_params_["net__model_kwargs"]["hidden"]
    # fit_kwargs survive sklearn's clone (Keras 3.15's clone drops them)
    assert clone(clf).fit_kwargs == {"epochs": 1, "verbose": 0}


def test_a_fitted_wrapper_pickles_with_its_model(blobs):
    X, y = blobs
    clf = SKLearnClassifier(mlp, fit_kwargs={"epochs": 2, "verbose": 0}).fit(X, y)
    copy = pickle.loads(pickle.dumps(clf))
    np.testing.assert_allclose(copy.decision_function(X), clf.decision_function(X), rtol=1e-6)
    np.testing.assert_array_equal(copy.classes_, clf.classes_)


def test_set_fit_request_routes_sample_weight_through_a_pipeline(blobs):
    X, y = blobs
    weights = np.ones(len(y))
    with sklearn.config_context(enable_metadata_routing=True):
        clf = SKLearnClassifier(mlp, fit_kwargs={"verbose": 0}).set_fit_request(
            sample_weight=True)
        pipe = Pipeline([("net", clf)])
        pipe.fit(X, y, sample_weight=weights)
        assert pipe.named_steps["net"].epoch_ == 1
    with pytest.raises(RuntimeError, match="enable_metadata_routing"):
        SKLearnClassifier(mlp).set_fit_request(sample_weight=True)


def test_keras_wrappers_under_lamina_run_and_without_sklearn(tmp_path):
    script = tmp_path / "uses_keras.py"
    script.write_text(textwrap.dedent("""
        import keras
        from keras.wrappers import SKLearnRegressor
        import lamina.wrappers.sklearn_wrapper as impl
        assert SKLearnRegressor is impl.SKLearnRegressor and keras.wrappers.SKLearnClassifier
        print("ok")
    """))
    done = subprocess.run([sys.executable, "-m", "lamina", "run", str(script)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("ok")

    no_sklearn = textwrap.dedent("""
        import sys
        sys.modules["sklearn"] = None  # as if scikit-learn were not installed
        import lamina
        from lamina.wrappers import SKLearnClassifier
        try:
            SKLearnClassifier(model=None)
        except ImportError as e:
            print(e)
    """)
    done = subprocess.run([sys.executable, "-c", no_sklearn], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert "scikit-learn" in done.stdout and "pip install scikit-learn" in done.stdout


def test_import_lamina_does_not_import_sklearn():
    code = "import sys, lamina, lamina.wrappers; print('sklearn' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.stdout.strip() == "False", done.stderr
    assert lamina.wrappers.__all__ == ["SKLearnClassifier", "SKLearnRegressor",
                                       "SKLearnTransformer"]
