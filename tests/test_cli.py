"""`lamina run` serves `import keras` from lamina; `lamina info` reports the setup."""

import subprocess
import sys


def _run(args, tmp_path, script=None):
    if script is not None:
        path = tmp_path / "script.py"
        path.write_text(script, encoding="utf-8")
        args = ["run", str(path)] + args
    return subprocess.run([sys.executable, "-m", "lamina"] + args, capture_output=True,
                          text=True, cwd=tmp_path, timeout=300)


def test_run_serves_keras_modules_from_lamina(tmp_path):
    script = (
        "import sys, keras\n"
        "from keras.models import Sequential\n"
        "from keras.layers import Dense\n"
        "from keras.utils import np_utils\n"
        "from keras.layers.core import Dropout\n"
        "from keras import optimizers\n"
        "import lamina\n"
        "from keras import backend as K\n"
        "assert keras.Sequential is lamina.Sequential and Sequential is lamina.Sequential\n"
        "assert K.epsilon() == 1e-07 and K.floatx() == 'float32'\n"
        "assert Dense is lamina.layers.Dense and Dropout is lamina.layers.Dropout\n"
        "print(np_utils.to_categorical([0, 2]).tolist())\n"
        "opt = optimizers.Adam(lr=0.01)\n"
        "print('lr', round(float(opt.learning_rate), 6), sys.argv[1:])\n"
    )
    result = _run(["a", "b"], tmp_path, script)
    assert result.returncode == 0, result.stderr
    assert "[[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]" in result.stdout
    assert "lr 0.01 ['a', 'b']" in result.stdout


def test_run_reports_a_missing_script(tmp_path):
    result = _run(["run", str(tmp_path / "nope.py")], tmp_path)
    assert result.returncode == 2 and "no such script" in result.stderr


def test_info(tmp_path):
    result = _run(["info"], tmp_path)
    assert result.returncode == 0
    assert "backend: torch" in result.stdout and "device: cpu" in result.stdout
    assert "engine: torch 2." in result.stdout and "dense products: " in result.stdout


def test_info_reports_the_dense_product_switch(tmp_path, monkeypatch):
    monkeypatch.setenv("LAMINA_ONEDNN_LINEAR", "0")
    result = _run(["info"], tmp_path)
    assert "dense products: torch.addmm" in result.stdout


def test_unknown_keras_module_fails_like_a_missing_module(tmp_path):
    result = _run([], tmp_path, "import keras.no_such_module\n")
    assert result.returncode != 0 and "ModuleNotFoundError" in result.stderr


def test_convert_legacy_h5_to_keras(tmp_path):
    import numpy as np

    import lamina

    model = lamina.Sequential([lamina.layers.Dense(3, input_shape=(4,)), lamina.layers.Dense(1)])
    model.save(str(tmp_path / "old.h5"))
    result = _run(["convert", str(tmp_path / "old.h5"), str(tmp_path / "new.keras")], tmp_path)
    assert result.returncode == 0, result.stderr
    restored = lamina.models.load_model(str(tmp_path / "new.keras"))
    x = np.ones((2, 4), "float32")
    np.testing.assert_allclose(restored.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-6)
    bad = _run(["convert", str(tmp_path / "missing.h5"), str(tmp_path / "x.keras")], tmp_path)
    assert bad.returncode == 1 and "lamina convert:" in bad.stderr


def test_summary_of_a_saved_model(tmp_path):
    import lamina

    model = lamina.Sequential([lamina.layers.Input(shape=(4,)),
                               lamina.layers.Dense(3, name="hidden"),
                               lamina.layers.Dense(1, name="score")], name="tiny")
    model.save(str(tmp_path / "tiny.keras"))
    result = _run(["summary", str(tmp_path / "tiny.keras")], tmp_path)
    assert result.returncode == 0, result.stderr
    assert 'Model: "tiny"' in result.stdout
    assert "hidden (Dense)" in result.stdout and "Total params: 19" in result.stdout
    bad = _run(["summary", str(tmp_path / "nope.keras")], tmp_path)
    assert bad.returncode == 1 and "lamina summary:" in bad.stderr


def _saved_nested_model(tmp_path):
    import lamina

    inner = lamina.Sequential([lamina.layers.Input(shape=(4,)),
                               lamina.layers.Dense(3, name="hidden")], name="block")
    inputs = lamina.layers.Input(shape=(4,), name="features")
    outputs = lamina.layers.Dense(1, activation="sigmoid", name="score")(inner(inputs))
    model = lamina.Model(inputs, outputs, name="scorer")
    model.get_layer("score").trainable = False
    path = tmp_path / "scorer.keras"
    model.save(str(path))
    return path


def test_summary_options_and_help(tmp_path):
    path = _saved_nested_model(tmp_path)
    plain = _run(["summary", str(path)], tmp_path)
    assert plain.returncode == 0, plain.stderr
    assert "hidden (Dense)" not in plain.stdout and "block (Sequential)" in plain.stdout
    full = _run(["summary", str(path), "--expand-nested", "--show-trainable",
                 "--line-length", "60"], tmp_path)
    assert full.returncode == 0, full.stderr
    assert "hidden (Dense)" in full.stdout and "Trainable" in full.stdout
    assert max(len(line) for line in full.stdout.splitlines()) == 60
    helped = _run(["summary", "--help"], tmp_path)
    assert helped.returncode == 0 and "--expand-nested" in helped.stdout


def test_plot_writes_the_picture_of_a_saved_model(tmp_path):
    import shutil

    import pytest

    helped = _run(["plot", "--help"], tmp_path)
    assert helped.returncode == 0
    assert "--show-shapes" in helped.stdout and "--rankdir" in helped.stdout
    pytest.importorskip("pydot")
    if shutil.which("dot") is None:
        pytest.skip("graphviz's `dot` program is not installed (apt-get install graphviz)")
    path = _saved_nested_model(tmp_path)
    out = tmp_path / "scorer.svg"
    result = _run(["plot", str(path), str(out), "--show-shapes", "--show-layer-names",
                   "--expand-nested", "--rankdir", "LR"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"wrote {out}" in result.stdout
    svg = out.read_text()
    for text in ("features", "hidden", "score", "(None, 3)", "cluster_block"):
        assert text in svg
    dot = tmp_path / "scorer.dot"
    assert _run(["plot", str(path), str(dot)], tmp_path).returncode == 0
    assert dot.read_text().startswith("digraph") and "rankdir=TB" in dot.read_text()
    bad = _run(["plot", str(tmp_path / "nope.keras"), str(out)], tmp_path)
    assert bad.returncode == 1 and "lamina plot:" in bad.stderr
