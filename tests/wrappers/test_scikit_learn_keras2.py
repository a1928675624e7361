"""Keras 2's ``keras.wrappers.scikit_learn.KerasClassifier`` / ``KerasRegressor``: build_fn,
sk_params routed to build_fn or fit, predict_proba, score, classes_, in sklearn's tools."""

import subprocess
import sys
import textwrap

import numpy as np
import pytest

sklearn = pytest.importorskip("sklearn")

from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from lamina import Sequential, layers
from lamina.wrappers.scikit_learn import KerasClassifier, KerasRegressor


def binary_net(units=4, optimizer="adam"):
    model = Sequential([layers.Dense(units, input_dim=4, activation="relu"),
                        layers.Dense(1, activation="sigmoid")])
    model.compile(loss="binary_crossentropy", optimizer=optimizer, metrics=["accuracy"])
    return model


def softmax_net(units=4):
    model = Sequential([layers.Dense(units, input_dim=4, activation="relu"),
                        layers.Dense(3, activation="softmax")])
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    return model


@pytest.fixture
def data():
    X, y = make_classification(n_samples=60, n_features=4, n_informative=3, n_redundant=0,
                               n_classes=3, random_state=0)
    return X.astype("float32"), y


def test_sk_params_go_to_build_fn_and_to_fit(data):
    X, y = data
    clf = KerasClassifier(build_fn=softmax_net, units=7, epochs=3, batch_size=20, verbose=0)
    history = clf.fit(X, y)
    assert history.params["epochs"] == 3 and history.params["steps"] == 3  # 60 / 20
    assert clf.model.layers[0].units == 7
    assert clf.get_params() == {"build_fn": softmax_net, "units": 7, "epochs": 3,
                                "batch_size": 20, "verbose": 0}
    assert len(clf.fit(X, y, epochs=1).history["loss"]) == 1  # fit's own arguments win


def test_nb_epoch_is_keras2s_epochs(data):
    X, y = data
    clf = KerasClassifier(build_fn=softmax_net, nb_epoch=2, verbose=0)
    assert len(clf.fit(X, y).epoch) == 2


def test_an_unknown_parameter_is_refused_when_given():
    with pytest.raises(ValueError, match="'unit' is not a legal parameter"):
        KerasClassifier(build_fn=softmax_net, unit=3)
    clf = KerasClassifier(build_fn=softmax_net)
    with pytest.raises(ValueError, match="'epoch' is not a legal parameter"):
        clf.set_params(epoch=3)


def test_labels_probabilities_and_accuracy(data):
    X, y = data
    names = np.array(["a", "b", "c"])[y]
    clf = KerasClassifier(build_fn=softmax_net, epochs=2, verbose=0)
    clf.fit(X, names)  # labels, one-hot encoded for categorical_crossentropy
    np.testing.assert_array_equal(clf.classes_, ["a", "b", "c"])
    assert clf.n_classes_ == 3
    proba = clf.predict_proba(X)
    assert proba.shape == (60, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[proba.argmax(axis=1)])
    accuracy = clf.score(X, names)
    assert accuracy == pytest.approx(np.mean(clf.predict(X) == names), abs=1e-6)


def test_one_sigmoid_unit_gives_two_probability_columns(data):
    X, y = data
    y = (y > 0).astype(int)
    clf = KerasClassifier(build_fn=binary_net, epochs=1, verbose=0)
    clf.fit(X, y)
    proba = clf.predict_proba(X)
    p = clf.model.predict(X, verbose=0)
    np.testing.assert_allclose(proba, np.hstack([1 - p, p]), rtol=1e-6)
    np.testing.assert_array_equal(clf.predict(X), (p[:, 0] > 0.5).astype(int))


def test_score_without_accuracy_says_what_to_compile(data):
    X, y = data

    def no_metrics():
        model = softmax_net()
        model.compile(loss="categorical_crossentropy", optimizer="adam")
        return model

    clf = KerasClassifier(build_fn=no_metrics, verbose=0)
    clf.fit(X, y)
    with pytest.raises(ValueError, match='metrics=\\["accuracy"\\]'):
        clf.score(X, y)


def test_regressor_predicts_one_dimension_and_scores_minus_the_loss(data):
    X, y = data
    target = X.sum(axis=1)

    def linear():
        model = Sequential([layers.Dense(1, input_dim=4)])
        model.compile(loss="mse", optimizer="sgd")
        return model

    reg = KerasRegressor(build_fn=linear, epochs=2, verbose=0)
    reg.fit(X, target)
    pred = reg.predict(X)
    assert pred.shape == (60,)
    assert reg.score(X, target) == pytest.approx(-np.mean((pred - target) ** 2), rel=1e-4)


def test_in_a_pipeline_a_grid_search_and_cross_validation(data):
    X, y = data
    clf = KerasClassifier(build_fn=softmax_net, epochs=1, verbose=0)
    scores = cross_val_score(clf, X, y, cv=KFold(3))
    assert scores.shape == (3,) and np.all((scores >= 0) & (scores <= 1))

    pipe = Pipeline([("scale", StandardScaler()), ("net", clf)])
    search = GridSearchCV(pipe, {"net__units": [2, 5], "net__epochs": [1, 2]}, cv=2)
    search.fit(X, y)
    best = search.best_estimator_.named_steps["net"]
    assert best.model.layers[0].units == search.best_params_["net__units"]
    copy = clone(clf)
    assert copy is not clf and copy.get_params() == clf.get_params()


def test_a_subclass_builds_in_its_own_call(data):
    X, y = data

    class Mine(KerasClassifier):
        def __call__(self, units=3):
            return softmax_net(units)

    clf = Mine(units=6, verbose=0)
    clf.fit(X, y)
    assert clf.model.layers[0].units == 6


def test_keras2_import_path_under_lamina_run(tmp_path):
    script = tmp_path / "keras2_sklearn.py"
    script.write_text(textwrap.dedent("""
        import numpy as np
        from keras.models import Sequential
        from keras.layers import Dense
        from keras.wrappers.scikit_learn import KerasClassifier
        from sklearn.model_selection import cross_val_score

        def create_model():
            model = Sequential()
            model.add(Dense(4, input_dim=3, activation="relu"))
            model.add(Dense(1, activation="sigmoid"))
            model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
            return model

        X = np.random.default_rng(0).normal(size=(30, 3))
        y = (X[:, 0] > 0).astype(int)
        model = KerasClassifier(build_fn=create_model, epochs=1, batch_size=10, verbose=0)
        print("scores", len(cross_val_score(model, X, y, cv=3)))
    """))
    done = subprocess.run([sys.executable, "-m", "lamina", "run", str(script)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "scores 3" in done.stdout


def test_reached_as_an_attribute_of_keras_wrappers():
    # Géron ch. 10: keras.wrappers.scikit_learn.KerasRegressor(build_model), no import of it
    import lamina

    assert lamina.wrappers.scikit_learn.KerasRegressor.__name__ == "KerasRegressor"
