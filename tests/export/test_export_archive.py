"""lamina.export.ExportArchive: several endpoints and variable collections, written as files."""

import numpy as np
import pytest

import lamina
from lamina import layers
from lamina.export import ExportArchive

ort = pytest.importorskip("onnxruntime", reason="onnxruntime is not installed (lamina[export])")
pytest.importorskip("onnxscript", reason="torch's ONNX exporter needs onnxscript (lamina[export])")

SPEC = lamina.InputSpec(shape=(None, 3), dtype="float32")


@pytest.fixture
def model():
    m = lamina.Sequential([lamina.Input((3,)), layers.Dense(4, activation="relu"),
                           layers.Dropout(0.5), layers.Dense(2)])
    m.compile(optimizer="adam", loss="mse")
    m.fit(np.ones((4, 3)), np.ones((4, 2)), epochs=1, verbose=0)
    return m


def test_two_endpoints_to_an_onnx_directory(model, tmp_path):
    archive = ExportArchive()
    archive.track(model)
    archive.add_endpoint("serve", model.call, input_signature=[SPEC])
    archive.add_endpoint("scores", lambda x: lamina.ops.softmax(model(x, training=False)),
                         input_signature=[SPEC])
    archive.add_variable_collection("optimizer_variables", model.optimizer.variables)
    archive.write_out(tmp_path / "served", format="onnx", verbose=False)
    assert sorted(p.name for p in (tmp_path / "served").iterdir()) == [
        "optimizer_variables.npz", "scores.onnx", "serve.onnx"]
    x = np.random.default_rng(0).normal(size=(6, 3)).astype("float32")
    expected = model.predict(x, verbose=0)
    serve = ort.InferenceSession(str(tmp_path / "served" / "serve.onnx"))
    (y,) = serve.run(None, {serve.get_inputs()[0].name: x})
    np.testing.assert_allclose(y, expected, atol=1e-5)
    scores = ort.InferenceSession(str(tmp_path / "served" / "scores.onnx"))
    (p,) = scores.run(None, {scores.get_inputs()[0].name: x})
    e = np.exp(expected - expected.max(-1, keepdims=True))
    np.testing.assert_allclose(p, e / e.sum(-1, keepdims=True), atol=1e-5)
    with np.load(tmp_path / "served" / "optimizer_variables.npz") as saved:
        assert len(saved.files) == len(model.optimizer.variables)
        for v, key in zip(model.optimizer.variables, saved.files):
            assert key == v.path
            np.testing.assert_array_equal(saved[key], v.numpy())


def test_one_endpoint_to_a_pt2_file_two_inputs(tmp_path):
    import torch  # checks the artifact with torch's loader

    a, b = lamina.Input((3,), name="a"), lamina.Input((2,), name="b")
    model = lamina.Model([a, b], layers.Dense(1)(layers.Concatenate()([a, b])))
    archive = ExportArchive()
    archive.track_and_add_endpoint(
        "serve", model,
        input_signature=[[SPEC, lamina.InputSpec(shape=(None, 2), dtype="float32")]])
    archive.write_out(tmp_path / "m.pt2", verbose=False)
    xa, xb = np.ones((5, 3), "float32"), np.full((5, 2), 2.0, "float32")
    (y,) = torch.export.load(str(tmp_path / "m.pt2")).module()(
        torch.from_numpy(xa), torch.from_numpy(xb))
    np.testing.assert_allclose(y.numpy(), model.predict([xa, xb], verbose=0), atol=1e-5)


def test_archive_refusals_name_the_problem(model, tmp_path):
    archive = ExportArchive()
    with pytest.raises(ValueError, match="input_signature"):
        archive.add_endpoint("serve", model.call)
    with pytest.raises(ValueError, match="no endpoint"):
        archive.write_out(tmp_path / "x.onnx")
    with pytest.raises(TypeError, match="lamina layer or model"):
        archive.track("not a model")
    with pytest.raises(ValueError, match="track"):
        archive.add_endpoint("serve", lambda x: x * 2, input_signature=[SPEC])
    archive.track(model)
    archive.add_endpoint("serve", model.call, input_signature=[SPEC])
    with pytest.raises(ValueError, match="already exists"):
        archive.add_endpoint("serve", model.call, input_signature=[SPEC])
    with pytest.raises(TypeError, match="InputSpec"):
        archive.add_endpoint("other", model.call, input_signature=["float32"])
    with pytest.raises(ValueError, match="shape and dtype"):
        archive.add_endpoint("other", model.call, input_signature=[lamina.InputSpec(ndim=2)])
    with pytest.raises(ValueError, match="format='onnx' or format='torch'"):
        archive.write_out(tmp_path / "somewhere")
    with pytest.raises(ValueError, match="TensorFlow"):
        archive.write_out(tmp_path / "somewhere", format="tf_saved_model")
    with pytest.raises(ValueError, match="SaveOptions"):
        archive.write_out(tmp_path / "x.onnx", options=object())
    archive.add_endpoint("twice", lambda x: model(x) * 2, input_signature=[SPEC])
    with pytest.raises(ValueError, match="one endpoint"):
        archive.write_out(tmp_path / "x.onnx")
    with pytest.raises(ValueError, match="variables must be"):
        archive.add_variable_collection("numbers", [1, 2])
    with pytest.raises(ValueError, match="Unsupported|lamina exports"):
        ExportArchive(format="neptune_model")
