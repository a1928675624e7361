"""KerasFileEditor on lamina's side and Keras' side see the same tree for the same file."""

import numpy as np

import lamina


def _tree(d):
    return {k: _tree(v) if isinstance(v, dict) else tuple(v.shape) for k, v in d.items()}


def test_same_weights_tree_and_compare_as_keras(keras, tmp_path):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4), keras.layers.Dense(2)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(np.ones((4, 3)), np.ones((4, 2)), verbose=0)
    model.save(tmp_path / "k.keras")
    theirs = keras.saving.KerasFileEditor(str(tmp_path / "k.keras"))
    ours = lamina.saving.KerasFileEditor(tmp_path / "k.keras")
    assert _tree(ours.weights_dict) == _tree(theirs.weights_dict)
    ref = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4), keras.layers.Dense(5)])
    ours_ref = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(4),
                                  lamina.layers.Dense(5)])
    our_result, their_result = ours.compare(ours_ref), theirs.compare(ref)
    # Keras 3.15 adds the running count to itself when it recurses, so its match_count (and,
    # with errors in several objects, error_count) overcounts; lamina counts each weight once.
    assert our_result["status"] == their_result["status"] == "error"
    assert our_result["error_count"] == their_result["error_count"] == 3
    assert our_result["match_count"] == 2  # layers/dense/0 and layers/dense/1
    # an edited file written by lamina loads into Keras
    ours.delete_object("optimizer")
    ours.save(tmp_path / "edited.weights.h5")
    fresh = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4), keras.layers.Dense(2)])
    fresh.load_weights(tmp_path / "edited.weights.h5")
    np.testing.assert_allclose(fresh.layers[1].get_weights()[0], model.layers[1].get_weights()[0])
