import json
import zipfile

import numpy as np
import pytest

import lamina
from lamina import layers, saving


def test_zip_contents(tmp_path, seq_model):
    seq_model.compile("adam", "mse", metrics=["mae"])
    path = tmp_path / "m.keras"
    seq_model.save(path)
    with zipfile.ZipFile(path) as zf:
        assert zf.namelist() == ["metadata.json", "config.json", "model.weights.h5"]
        meta = json.loads(zf.read("metadata.json"))
        config = json.loads(zf.read("config.json"))
    assert set(meta) >= {"keras_version", "date_saved"}
    assert config["class_name"] == "Sequential" and config["module"] == "keras"
    assert config["build_config"] == {"input_shape": [None, 4]}
    assert config["compile_config"]["optimizer"]["class_name"] == "Adam"
    assert config["compile_config"]["loss"] == "mse"


def test_round_trip_predictions(tmp_path, seq_model, data):
    path = tmp_path / "m.keras"
    seq_model.save(path)
    restored = saving.load_model(path)
    np.testing.assert_array_equal(restored.predict(data[0], verbose=0),
                                  seq_model.predict(data[0], verbose=0))
    assert restored.name == "seq" and not restored.compiled


def test_training_resumes_identically(tmp_path, seq_model, data):
    seq_model.compile(lamina.optimizers.Adam(0.01), "mse", metrics=["mae"])
    seq_model.fit(*data, epochs=2, batch_size=8, verbose=0)
    path = tmp_path / "m.keras"
    seq_model.save(path)
    restored = saving.load_model(path)
    assert restored.compiled
    assert int(restored.optimizer.iterations.numpy()) == 4
    for a, b in zip(seq_model.optimizer.variables, restored.optimizer.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    seq_model.fit(*data, epochs=1, batch_size=8, shuffle=False, verbose=0)
    restored.fit(*data, epochs=1, batch_size=8, shuffle=False, verbose=0)
    np.testing.assert_allclose(restored.predict(data[0], verbose=0),
                               seq_model.predict(data[0], verbose=0), rtol=1e-6, atol=1e-7)


def test_compile_false(tmp_path, seq_model):
    seq_model.compile("adam", "mse")
    seq_model.save(tmp_path / "m.keras")
    assert not saving.load_model(tmp_path / "m.keras", compile=False).compiled


def test_functional_multi_io_round_trip(tmp_path):
    a, b = lamina.Input((4,), name="a"), lamina.Input((2,), name="b")
    h = layers.Dense(3, activation="tanh")(a)
    out1 = layers.Dense(1, name="out1")(h)
    out2 = layers.Dense(2, name="out2")(h)
    model = lamina.Model([a, b], [out1, out2])
    model.save(tmp_path / "f.keras")
    restored = saving.load_model(tmp_path / "f.keras")
    x = [np.ones((3, 4), np.float32), np.ones((3, 2), np.float32)]
    for got, want in zip(restored.predict(x, verbose=0), model.predict(x, verbose=0)):
        np.testing.assert_array_equal(got, want)


def test_crash_mid_save_keeps_old_file(tmp_path, seq_model, monkeypatch):
    path = tmp_path / "m.keras"
    seq_model.save(path)
    before = path.read_bytes()

    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(zipfile.ZipFile, "writestr", boom)
    with pytest.raises(RuntimeError, match="disk on fire"):
        seq_model.save(path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["m.keras"]  # no temp file left


def test_overwrite_false(tmp_path, seq_model):
    seq_model.save(tmp_path / "m.keras")
    with pytest.raises(FileExistsError):
        seq_model.save(tmp_path / "m.keras", overwrite=False)


def test_bad_extension(tmp_path, seq_model):
    with pytest.raises(ValueError, match="Invalid filepath extension"):
        seq_model.save(tmp_path / "m.txt")


def test_not_a_zip(tmp_path):
    path = tmp_path / "m.keras"
    path.write_bytes(b"hello, I am not a model")
    with pytest.raises(ValueError, match=r"m\.keras.*not a zip") as info:
        saving.load_model(path)
    assert info.value.__cause__ is None
    assert info.value.__context__ is None or info.value.__suppress_context__


def test_missing_config(tmp_path):
    path = tmp_path / "m.keras"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("metadata.json", "{}")
    with pytest.raises(ValueError, match="no config.json"):
        saving.load_model(path)


def test_garbage_weights(tmp_path, seq_model):
    good = tmp_path / "good.keras"
    seq_model.save(good)
    bad = tmp_path / "bad.keras"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        dst.writestr("metadata.json", src.read("metadata.json"))
        dst.writestr("config.json", src.read("config.json"))
        dst.writestr("model.weights.h5", b"\x00" * 64)
    with pytest.raises(ValueError, match=r"model\.weights\.h5 inside .*bad\.keras.*not a valid HDF5"):
        saving.load_model(bad)


def test_load_weights_from_keras_file(tmp_path, seq_model, fresh_seq, data):
    seq_model.save(tmp_path / "m.keras")
    other = fresh_seq()
    other.load_weights(tmp_path / "m.keras")
    np.testing.assert_array_equal(other.predict(data[0], verbose=0),
                                  seq_model.predict(data[0], verbose=0))


def test_lambda_needs_safe_mode_off(tmp_path):
    model = lamina.Sequential([lamina.Input((2,)), layers.Lambda(lambda x: x * 2.0)])
    model.save(tmp_path / "l.keras")
    with pytest.raises(Exception, match="safe_mode"):
        saving.load_model(tmp_path / "l.keras")
    restored = saving.load_model(tmp_path / "l.keras", safe_mode=False)
    np.testing.assert_allclose(restored.predict(np.ones((1, 2), np.float32), verbose=0), [[2, 2]])


def test_custom_layer_round_trip(tmp_path):
    @saving.register_keras_serializable(package="tests")
    class Scale(layers.Layer):
        def __init__(self, factor=1.0, **kwargs):
            super().__init__(**kwargs)
            self.factor = factor

        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="w")

        def call(self, x):
            return x * self.w * self.factor

        def get_config(self):
            return {**super().get_config(), "factor": self.factor}

    model = lamina.Sequential([lamina.Input((3,)), Scale(2.0)])
    model.layers[0].w.assign(np.array([1.0, 2.0, 3.0], np.float32))
    model.save(tmp_path / "c.keras")
    restored = saving.load_model(tmp_path / "c.keras")
    np.testing.assert_allclose(restored.predict(np.ones((1, 3), np.float32), verbose=0),
                               [[2.0, 4.0, 6.0]])
