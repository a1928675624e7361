"""KerasFileEditor: inspect a saved file, edit its weights, and load the result."""

import os

import h5py
import numpy as np
import pytest

import lamina
from lamina import layers
from lamina.saving import KerasFileEditor


def _model(head_units=1, head_name="head"):
    return lamina.Sequential([lamina.Input((4,)), layers.Dense(8, name="body"),
                              layers.Dense(head_units, name=head_name)])


def test_reads_a_keras_file_and_prints_its_tree(tmp_path, capsys):
    model = _model()
    model.save(tmp_path / "m.keras")
    editor = KerasFileEditor(str(tmp_path / "m.keras"))
    out = capsys.readouterr().out
    assert f"Keras model file '{tmp_path / 'm.keras'}'" in out and "Saved with Keras" in out
    assert editor.config["class_name"] == "Sequential"
    assert set(editor.metadata) >= {"keras_version", "date_saved"}
    np.testing.assert_array_equal(editor.weights_dict["layers"]["dense"]["0"],
                                  model.layers[0].get_weights()[0])
    editor.summary()
    out = capsys.readouterr().out
    assert "dense ('body')" in out and "dense_1 ('head')" in out
    assert "0: shape=(4, 8), dtype=float32" in out


def test_compare_counts_matches_and_errors(tmp_path, capsys):
    model = _model()
    model.save_weights(tmp_path / "m.weights.h5")
    editor = KerasFileEditor(tmp_path / "m.weights.h5")
    assert editor.compare(_model()) == {"status": "success", "error_count": 0, "match_count": 4}
    result = editor.compare(_model(head_units=3))
    assert result["status"] == "error" and result["error_count"] == 2
    assert "Weight shape mismatch for /layers/dense_1/0" in capsys.readouterr().out


def test_edit_then_load_into_a_changed_model(tmp_path):
    old = _model()
    old.save(tmp_path / "old.keras")
    new = _model(head_units=3)  # a new head: keep the body's weights, give the head new ones
    editor = KerasFileEditor(tmp_path / "old.keras")
    editor.delete_object("layers/dense_1")
    kernel, bias = np.full((8, 3), 0.5, "float32"), np.arange(3, dtype="float32")
    editor.add_object("layers/dense_1", {"0": kernel, "1": bias})
    assert editor.compare(new)["status"] == "success"
    editor.save(tmp_path / "new.weights.h5")
    new.load_weights(tmp_path / "new.weights.h5")
    np.testing.assert_array_equal(new.layers[0].get_weights()[0], old.layers[0].get_weights()[0])
    np.testing.assert_array_equal(new.layers[1].get_weights()[1], bias)


def test_rename_delete_weight_and_add_weights(tmp_path):
    model = _model()
    model.save_weights(tmp_path / "m.weights.h5")
    editor = KerasFileEditor(tmp_path / "m.weights.h5")
    editor.rename_object("dense_1", "dense_9")
    assert "dense_9" in editor.weights_dict["layers"] and "dense_1" not in editor.weights_dict["layers"]
    editor.rename_object("layers/dense_9", "dense_1")
    editor.delete_weight("dense_1", "1")
    assert list(editor.weights_dict["layers"]["dense_1"]) == ["0"]
    editor.add_weights("dense_1", {"1": np.ones(1, "float32")})
    editor.save(tmp_path / "edited.weights.h5")
    fresh = _model()
    fresh.load_weights(tmp_path / "edited.weights.h5")
    np.testing.assert_array_equal(fresh.layers[1].get_weights()[1], [1.0])


def test_bad_arguments_are_refused_with_the_reason(tmp_path):
    model = lamina.Sequential([lamina.Input((2,)), layers.Dense(2),
                               lamina.Sequential([layers.Dense(2)], name="inner")])
    model.save_weights(tmp_path / "m.weights.h5")
    editor = KerasFileEditor(tmp_path / "m.weights.h5")
    with pytest.raises(ValueError, match="occurs more than once"):
        editor.delete_object("dense")  # layers/dense and layers/sequential/layers/dense
    with pytest.raises(ValueError, match="does not appear"):
        editor.delete_object("conv2d")
    with pytest.raises(ValueError, match="not found in model"):
        editor.delete_object("layers/conv2d")
    with pytest.raises(ValueError, match="leaf name"):
        editor.rename_object("layers/dense", "layers/x")
    with pytest.raises(ValueError, match="should be a dict"):
        editor.add_object("layers/x", [np.ones(2)])
    with pytest.raises(ValueError, match=r"\.weights\.h5"):
        editor.save(tmp_path / "out.keras")
    with pytest.raises(ValueError, match=r"\.keras"):
        KerasFileEditor(tmp_path / "model.h5")


def test_refuses_external_links(tmp_path):
    with h5py.File(tmp_path / "other.h5", "w") as f:
        f["x"] = np.ones(2)
    with h5py.File(tmp_path / "evil.weights.h5", "w") as f:
        f["layers/dense/vars/0"] = h5py.ExternalLink(os.fspath(tmp_path / "other.h5"), "x")
    with pytest.raises(ValueError, match="Not allowed"):
        KerasFileEditor(tmp_path / "evil.weights.h5")


def test_custom_objects_dict_is_the_registry(tmp_path):
    class Doubler(layers.Layer):
        def call(self, x):
            return x * 2

    lamina.saving.get_custom_objects()["Doubler"] = Doubler
    try:
        model = lamina.Sequential([lamina.Input((2,)), Doubler()])
        model.save(tmp_path / "d.keras")
        loaded = lamina.saving.load_model(tmp_path / "d.keras")
        assert type(loaded.layers[0]) is Doubler
    finally:
        del lamina.saving.get_custom_objects()["Doubler"]

    @lamina.saving.register_keras_serializable(package="editor_test")
    class Halver(layers.Layer):
        def call(self, x):
            return x / 2

    assert lamina.saving.get_custom_objects()["editor_test>Halver"] is Halver
    assert lamina.utils.get_custom_objects() is lamina.saving.get_custom_objects()
