"""model.export(format="onnx"): ONNX files that onnxruntime runs with predict's outputs."""

import numpy as np
import pytest
from export_models import inputs_for

import lamina
from lamina import layers

ort = pytest.importorskip("onnxruntime", reason="onnxruntime is not installed (lamina[export])")
pytest.importorskip("onnxscript", reason="torch's ONNX exporter needs onnxscript (lamina[export])")


def _run(path, feeds):
    session = ort.InferenceSession(str(path))
    return session, session.run(None, feeds)


@pytest.mark.parametrize("name", ["conv_sequential", "two_in_two_out", "subclassed"])
def test_onnx_outputs_match_predict_at_another_batch_size(name, request, tmp_path):
    model = request.getfixturevalue(name)
    path = tmp_path / "model.onnx"
    model.export(path, format="onnx", verbose=False)
    data = inputs_for(model, batch=5)
    expected = model.predict(data, verbose=0)
    session = ort.InferenceSession(str(path))
    names = [i.name for i in session.get_inputs()]
    feeds = dict(zip(names, data if isinstance(data, list) else [data]))
    got = session.run(None, feeds)
    expected = expected if isinstance(expected, list) else [expected]
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g, e, atol=1e-5, rtol=1e-5)
    # the batch axis is dynamic and named
    assert all(i.shape[0] == "batch" for i in session.get_inputs())
    if name == "two_in_two_out":
        assert names == ["tokens", "numbers"]
        assert [o.name for o in session.get_outputs()] == ["scores", "gated"]


def test_export_prints_where_it_saved(tmp_path, capsys):
    model = lamina.Sequential([lamina.Input((3,)), layers.Dense(2)])
    model.export(tmp_path / "m.onnx", format="onnx")
    assert f"Saved artifact at '{tmp_path / 'm.onnx'}'." in capsys.readouterr().out
    model.export(tmp_path / "q.onnx", format="onnx", verbose=False)
    assert capsys.readouterr().out == ""


def test_input_signature_and_opset_version(tmp_path):
    model = lamina.Sequential([lamina.Input((3,)), layers.Dense(2)])
    path = tmp_path / "m.onnx"
    model.export(path, format="onnx", verbose=False, opset_version=18,
                 input_signature=[lamina.InputSpec(shape=(None, 3), dtype="float32", name="x")])
    import onnx

    proto = onnx.load(str(path))
    assert [o.version for o in proto.opset_import if o.domain in ("", "ai.onnx")] == [18]
    x = np.arange(12, dtype="float32").reshape(4, 3)
    _, (y,) = _run(path, {"x": x})
    np.testing.assert_allclose(y, model.predict(x, verbose=0), atol=1e-5)


def test_unknown_onnx_argument_is_named(tmp_path):
    model = lamina.Sequential([lamina.Input((3,)), layers.Dense(2)])
    with pytest.raises(TypeError, match="dynamic_axes"):
        model.export(tmp_path / "m.onnx", format="onnx", dynamic_axes={})


class NumpyInside(layers.Layer):
    """Runs eagerly (it reads its input's values on the host), so it cannot be traced."""

    def call(self, x):
        return x * float(lamina.ops.convert_to_numpy(x).max())

    def compute_output_shape(self, input_shape):
        return input_shape


def test_a_layer_that_cannot_be_traced_is_named(tmp_path):
    model = lamina.Sequential([lamina.Input((3,)), layers.Dense(2), NumpyInside(name="host_sync")])
    with pytest.raises(ValueError, match="host_sync"):
        model.export(tmp_path / "m.onnx", format="onnx", verbose=False)
    assert not (tmp_path / "m.onnx").exists()


class InverseErf(layers.Layer):
    def call(self, x):
        return lamina.ops.erfinv(lamina.ops.sigmoid(x) * 0.5)


def test_a_layer_whose_op_has_no_onnx_form_is_named(tmp_path):
    model = lamina.Sequential([lamina.Input((3,)), layers.Dense(3), InverseErf(name="probit")])
    with pytest.raises(ValueError, match=r"used by layer\(s\) 'probit' \(op aten\.erfinv"):
        model.export(tmp_path / "m.onnx", format="onnx", verbose=False)
    assert not (tmp_path / "m.onnx").exists()
    model.export(tmp_path / "m.pt2", format="torch", verbose=False)  # torch keeps the op
    assert (tmp_path / "m.pt2").exists()


@pytest.mark.slow
@pytest.mark.parametrize("stack", [
    lambda: [lamina.Input((6, 4)), layers.SimpleRNN(3, return_sequences=True), layers.LSTM(2)],
    lambda: [lamina.Input((6, 4)), layers.Bidirectional(layers.GRU(3))],
    lambda: [lamina.Input((10, 3)), layers.Conv1D(4, 3), layers.MaxPooling1D(),
             layers.AveragePooling1D(2), layers.GlobalMaxPooling1D()],
    lambda: [lamina.Input((8, 8, 3)), layers.Conv2D(4, 3, strides=2), layers.AveragePooling2D(2),
             layers.GlobalAveragePooling2D()],
    lambda: [lamina.Input((6,)), layers.Embedding(20, 4), layers.Reshape((3, 8)),
             layers.LayerNormalization(), layers.Flatten()],
])
def test_layer_families(stack, tmp_path):
    model = lamina.Sequential(stack())
    path = tmp_path / "m.onnx"
    model.export(path, format="onnx", verbose=False)
    x = np.abs(inputs_for(model, batch=4)).astype("float32")
    if isinstance(model.layers[0], layers.Embedding):
        x = np.floor(x * 5) % 20
    session, (y,) = _run(path, {ort.InferenceSession(str(path)).get_inputs()[0].name: x})
    np.testing.assert_allclose(y, model.predict(x, verbose=0), atol=1e-5, rtol=1e-5)
