"""A functional model survives copy.deepcopy and pickle (sklearn's clone, joblib's workers):
the copy computes what the original does, and trains without touching it."""

import copy
import pickle

import numpy as np
import pytest

from lamina import Input, Model, layers


@pytest.mark.parametrize("duplicate", [copy.deepcopy, lambda m: pickle.loads(pickle.dumps(m))],
                         ids=["deepcopy", "pickle"])
def test_a_copied_functional_model_predicts_and_trains_on_its_own(duplicate):
    a, b = Input((3,)), Input((2,))
    h = layers.Dense(4, activation="relu")(a)
    out = layers.Dense(1)(layers.Concatenate()([h, b]))
    model = Model([a, b], out)
    model.compile(optimizer="sgd", loss="mse")
    x = [np.ones((5, 3), "float32"), np.zeros((5, 2), "float32")]
    before = model.predict(x, verbose=0)
    twin = duplicate(model)
    np.testing.assert_array_equal(twin.predict(x, verbose=0), before)
    twin.fit(x, np.ones((5, 1)), epochs=2, verbose=0)
    assert not np.allclose(twin.predict(x, verbose=0), before)
    np.testing.assert_array_equal(model.predict(x, verbose=0), before)
