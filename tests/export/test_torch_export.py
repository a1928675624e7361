"""model.export(format="torch"): a torch.export program that torch alone reloads and runs."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest
from export_models import inputs_for

import lamina
from lamina import layers

# Runs in a fresh interpreter with torch only: loads the program, runs it on the saved inputs,
# saves the outputs, and reports whether anything imported lamina.
_RELOAD = """
import json, sys, numpy as np, torch
program = torch.export.load(sys.argv[1])
inputs = [torch.from_numpy(np.load(p)) for p in sys.argv[3:]]
out = program.module()(*inputs)
out = out if isinstance(out, (tuple, list)) else (out,)
np.savez(sys.argv[2], *[o.detach().numpy() for o in out])
print(json.dumps({"lamina_loaded": any(m.split(".")[0] == "lamina" for m in sys.modules)}))
"""


def _reload_with_torch_only(program_path, inputs, tmp_path):
    paths = []
    for i, x in enumerate(inputs):
        paths.append(str(tmp_path / f"in{i}.npy"))
        np.save(paths[-1], x)
    out = tmp_path / "out.npz"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run([sys.executable, "-c", _RELOAD, str(program_path), str(out), *paths],
                          capture_output=True, text=True, cwd=str(tmp_path), env=env,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    with np.load(out) as f:
        return [f[k] for k in f.files], report


@pytest.mark.parametrize("name", ["conv_sequential", "two_in_two_out"])
def test_torch_program_reloads_without_lamina(name, request, tmp_path):
    model = request.getfixturevalue(name)
    path = tmp_path / "model.pt2"
    model.export(path, format="torch", verbose=False)
    data = inputs_for(model, batch=5)
    flat = data if isinstance(data, list) else [data]
    got, report = _reload_with_torch_only(path, flat, tmp_path)
    assert report == {"lamina_loaded": False}
    expected = model.predict(data, verbose=0)
    expected = expected if isinstance(expected, list) else [expected]
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g, e, atol=1e-5, rtol=1e-5)


def test_torch_program_in_process_at_two_batch_sizes(subclassed, tmp_path):
    import torch  # the test checks the artifact with torch's own loader

    path = tmp_path / "sub.pt2"
    subclassed.export(path, format="torch", verbose=False)
    program = torch.export.load(str(path))
    # each weight is stored once, as a parameter of the program (none as a second copy)
    assert len(program.state_dict) == len(subclassed.weights) and not program.constants
    module = program.module()
    for batch in (1, 9):
        x = inputs_for(subclassed, batch=batch)
        (y,) = module(torch.from_numpy(x))
        np.testing.assert_allclose(y.detach().numpy(), subclassed.predict(x, verbose=0),
                                   atol=1e-5, rtol=1e-5)


def test_torch_format_needs_pt2_and_known_arguments(tmp_path):
    model = lamina.Sequential([lamina.Input((3,)), layers.Dense(2)])
    with pytest.raises(ValueError, match=r"\.pt2"):
        model.export(tmp_path / "m.onnx", format="torch")
    with pytest.raises(TypeError, match="not_an_option"):
        model.export(tmp_path / "m.pt2", format="torch", not_an_option=1)
    with pytest.raises(TypeError, match="opset_version"):
        model.export(tmp_path / "m.pt2", format="torch", opset_version=17)
    assert not (tmp_path / "m.pt2").exists()


@pytest.mark.parametrize("fmt, needs", [("tf_saved_model", "TensorFlow"),
                                        ("litert", "TensorFlow Lite"), ("openvino", "OpenVINO")])
def test_formats_lamina_lacks_say_what_they_need(fmt, needs, tmp_path):
    model = lamina.Sequential([lamina.Input((3,)), layers.Dense(2)])
    with pytest.raises(ValueError, match=needs) as info:
        model.export(tmp_path / "m", format=fmt)
    assert "format='onnx'" in str(info.value) and "format='torch'" in str(info.value)


def test_default_format_is_keras_saved_model_and_is_refused(tmp_path):
    model = lamina.Sequential([lamina.Input((3,)), layers.Dense(2)])
    with pytest.raises(ValueError, match="tf_saved_model.*TensorFlow"):
        model.export(tmp_path / "m")
    with pytest.raises(ValueError, match="Unrecognized format='pb'"):
        model.export(tmp_path / "m", format="pb")


def test_unbuilt_model_asks_for_a_call_or_a_signature(tmp_path):
    model = lamina.Sequential([layers.Dense(2)])
    with pytest.raises(ValueError, match="input_signature"):
        model.export(tmp_path / "m.pt2", format="torch")
    model.export(tmp_path / "m.pt2", format="torch", verbose=False,
                 input_signature=[lamina.InputSpec(shape=(None, 4), dtype="float32")])
    assert (tmp_path / "m.pt2").exists()


def test_programs_hold_only_torch_ops_whatever_the_kernels(tmp_path):
    """A Dense big enough for lamina's oneDNN kernel, and max pooling (a lamina op under the
    compiler), still export as ATen ops that any torch (and ONNX) can run, at any batch size."""
    import torch  # inspects the artifact with torch's loader

    model = lamina.Sequential([lamina.Input((8, 8, 32)), layers.MaxPooling2D(), layers.Flatten(),
                               layers.Dense(4096)])
    path = tmp_path / "big.pt2"
    model.export(path, format="torch", verbose=False)
    program = torch.export.load(str(path))
    targets = {str(n.target) for n in program.graph.nodes if n.op == "call_function"}
    assert not [t for t in targets if t.startswith("lamina.")], targets
    for batch in (1, 64):
        x = np.random.default_rng(0).normal(size=(batch, 8, 8, 32)).astype("float32")
        (y,) = program.module()(torch.from_numpy(x))
        np.testing.assert_allclose(y.numpy(), model.predict(x, verbose=0), atol=1e-4, rtol=1e-4)


def test_export_leaves_the_model_as_it_was(conv_sequential, tmp_path):
    model = conv_sequential
    before = [type(v) for v in model.weights]
    model.compile(optimizer="sgd", loss="mse")
    model.train()
    model.export(tmp_path / "m.pt2", format="torch", verbose=False)
    assert [type(v) for v in model.weights] == before
    assert all(isinstance(v, lamina.Variable) for v in model.weights)
    assert model.training and "call" not in vars(model.layers[0])
    x = np.ones((4, 8, 8, 2), "float32")
    history = model.fit(x, np.zeros((4, 3)), epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])


def test_an_unknown_axis_the_model_fixes_is_reported(tmp_path):
    import torch  # checks the artifact with torch's loader

    model = lamina.Sequential([lamina.Input((None, 4)), layers.LSTM(3)])
    with pytest.raises(ValueError, match="axis 1 of input 'input_layer[^']*'.*input_signature"):
        model.export(tmp_path / "m.pt2", format="torch", verbose=False)
    model.export(tmp_path / "m.pt2", format="torch", verbose=False,
                 input_signature=[lamina.InputSpec(shape=(None, 9, 4), dtype="float32")])
    x = np.random.default_rng(0).normal(size=(5, 9, 4)).astype("float32")
    (y,) = torch.export.load(str(tmp_path / "m.pt2")).module()(torch.from_numpy(x))
    np.testing.assert_allclose(y.numpy(), model.predict(x, verbose=0), atol=1e-5)


def test_dynamic_shapes_in_keras_spelling(tmp_path):
    import torch  # builds the Dim the argument takes, and checks the artifact

    model = lamina.Sequential([lamina.Input((3,)), layers.Dense(2)])
    path = tmp_path / "m.pt2"
    model.export(path, format="torch", verbose=False,
                 dynamic_shapes={0: torch.export.Dim("batch", min=1, max=64)})
    program = torch.export.load(str(path))
    assert [(int(r.lower), int(r.upper)) for r in program.range_constraints.values()] == [(1, 64)]
    x = np.ones((7, 3), "float32")
    (y,) = program.module()(torch.from_numpy(x))
    np.testing.assert_allclose(y.numpy(), model.predict(x, verbose=0), atol=1e-5)
