"""`lamina export MODEL.keras OUT.onnx|OUT.pt2`."""

import numpy as np
import pytest

import lamina
from lamina import layers
from lamina.cli import main


@pytest.fixture
def saved(tmp_path):
    model = lamina.Sequential([lamina.Input((4,)), layers.Dense(3, activation="relu"),
                               layers.Dense(2)])
    path = tmp_path / "m.keras"
    model.save(path)
    return model, path


def test_export_to_onnx_from_the_extension(saved, tmp_path, capsys):
    ort = pytest.importorskip("onnxruntime", reason="onnxruntime is not installed")
    pytest.importorskip("onnxscript", reason="torch's ONNX exporter needs onnxscript")
    model, path = saved
    out = tmp_path / "m.onnx"
    assert main(["export", str(path), str(out), "--opset", "18"]) == 0
    assert f"wrote {out}" in capsys.readouterr().out
    x = np.random.default_rng(0).normal(size=(7, 4)).astype("float32")
    session = ort.InferenceSession(str(out))
    (y,) = session.run(None, {session.get_inputs()[0].name: x})
    np.testing.assert_allclose(y, model.predict(x, verbose=0), atol=1e-5)


def test_export_to_pt2(saved, tmp_path):
    import torch  # checks the artifact with torch's loader

    model, path = saved
    out = tmp_path / "m.pt2"
    assert main(["export", str(path), str(out)]) == 0
    x = np.ones((3, 4), "float32")
    (y,) = torch.export.load(str(out)).module()(torch.from_numpy(x))
    np.testing.assert_allclose(y.numpy(), model.predict(x, verbose=0), atol=1e-5)


def test_export_refusals(saved, tmp_path, capsys):
    _, path = saved
    assert main(["export", str(path), str(tmp_path / "m.pb")]) == 2
    assert ".onnx or .pt2" in capsys.readouterr().err
    assert main(["export", str(path), str(tmp_path / "m.pt2"), "--opset", "17"]) == 2
    assert "--opset" in capsys.readouterr().err
    assert main(["export", str(tmp_path / "missing.keras"), str(tmp_path / "m.pt2")]) == 1
    assert "lamina export:" in capsys.readouterr().err
    assert not (tmp_path / "m.pt2").exists()


def test_export_help(capsys):
    with pytest.raises(SystemExit) as done:
        main(["export", "--help"])
    assert done.value.code == 0
    text = capsys.readouterr().out
    assert ".onnx" in text and ".pt2" in text and "--opset" in text
