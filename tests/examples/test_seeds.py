"""The seed tutorials' examples run unchanged under `lamina run` (see examples/seeds/README.md)."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT.parent / "shared" / "seeds"
SCRIPTS = ROOT / "examples" / "seeds"


def run_script(path, tmp_path, extra_env=None):
    env = dict(os.environ)
    env.update({"LAMINA_HOME": str(tmp_path / "home"), "LAMINA_OFFLINE": "1",
                "KERAS_HOME": str(tmp_path / "keras_home")})
    env.update(extra_env or {})
    return subprocess.run(
        [sys.executable, "-m", "lamina", "run", str(path)], capture_output=True, text=True,
        env=env, cwd=tmp_path, timeout=600,
    )


def _blocks(text):
    return re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)


def _without_glue(script_text):
    out, skipping = [], False
    for line in script_text.splitlines():
        if line.startswith("# --- glue"):
            skipping = True
            continue
        if line.startswith("# --- end glue"):
            skipping = False
            continue
        if not skipping and not line.startswith("# Seed "):
            out.append(line)
    return "\n".join(out)


def _norm(code):
    return [line.rstrip() for line in code.splitlines() if line.strip()]


@pytest.mark.parametrize("seed, script", [
    ("000", "seed_000_mnist_mlp.py"),
    ("001", "seed_001_binary_mlp.py"),
])
def test_scripts_hold_the_tutorial_blocks_verbatim(seed, script):
    files = sorted(SEEDS.glob(f"{seed}_*.txt")) if SEEDS.exists() else []
    if not files:
        pytest.skip("../shared/seeds is not beside this checkout")
    tutorial = [line for b in _blocks(files[0].read_text(encoding="utf-8")) for line in _norm(b)]
    script_lines = _norm(_without_glue((SCRIPTS / script).read_text(encoding="utf-8")))
    assert script_lines == tutorial


def test_seed_003_dense_dropout_block_is_verbatim():
    files = sorted(SEEDS.glob("003_*.txt")) if SEEDS.exists() else []
    if not files:
        pytest.skip("../shared/seeds is not beside this checkout")
    blocks = [_norm(b) for b in _blocks(files[0].read_text(encoding="utf-8"))]
    dense_blocks = [line for b in blocks[:3] for line in b]
    script_lines = _norm(_without_glue((SCRIPTS / "seed_003_dense_dropout.py").read_text("utf-8")))
    assert script_lines == dense_blocks


def _accuracy(stdout):
    match = re.search(r"Test accuracy: ([0-9.]+)", stdout)
    assert match, stdout[-2000:]
    return float(match.group(1))


def test_seed_000_mnist_mlp_trains(tmp_path):
    result = run_script(SCRIPTS / "seed_000_mnist_mlp.py", tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Epoch 5/5" in result.stdout
    assert _accuracy(result.stdout) >= 0.85
    assert "bundled" in result.stderr  # offline: it says it fell back to the sample


def test_seed_001_binary_mlp_trains(tmp_path):
    result = run_script(SCRIPTS / "seed_001_binary_mlp.py", tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Epoch 10/10" in result.stdout
    assert _accuracy(result.stdout) >= 0.8


def test_seed_003_dense_dropout_predicts(tmp_path):
    result = run_script(SCRIPTS / "seed_003_dense_dropout.py", tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert _accuracy(result.stdout) >= 0.75
    assert "predictions shape: (5, 1)" in result.stdout


def test_seed_000_as_printed_fails_with_a_clear_message(tmp_path):
    """Without the glue, Keras 3 refuses 28x28 images for a 784-input model; so does lamina."""
    script = tmp_path / "raw.py"
    text = (SCRIPTS / "seed_000_mnist_mlp.py").read_text(encoding="utf-8")
    script.write_text(_without_glue(text), encoding="utf-8")
    result = run_script(script, tmp_path)
    assert result.returncode != 0
    assert "dense" in result.stderr
    assert "(None, 784)" in result.stderr and "(None, 28, 28)" in result.stderr


def test_keras_max_epochs_is_honoured(tmp_path):
    result = run_script(SCRIPTS / "seed_001_binary_mlp.py", tmp_path, {"KERAS_MAX_EPOCHS": "2"})
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Epoch 2/2" in result.stdout and "Epoch 3/" not in result.stdout


def test_seed_002_convnet_block_is_verbatim():
    files = sorted(SEEDS.glob("002_*.txt")) if SEEDS.exists() else []
    if not files:
        pytest.skip("../shared/seeds is not beside this checkout")
    block = _norm(_blocks(files[0].read_text(encoding="utf-8"))[0])
    script = _norm(_without_glue((SCRIPTS / "seed_002_convnet.py").read_text("utf-8")))
    assert script == block


def test_seed_003_convnet_is_verbatim():
    files = sorted(SEEDS.glob("003_*.txt")) if SEEDS.exists() else []
    if not files:
        pytest.skip("../shared/seeds is not beside this checkout")
    block = _norm(_blocks(files[0].read_text(encoding="utf-8"))[3])
    script = _norm(_without_glue((SCRIPTS / "seed_003_convnet.py").read_text("utf-8")))
    assert script == block


@pytest.mark.parametrize("script, epochs", [("seed_002_convnet.py", 5),
                                            ("seed_003_convnet.py", 10)])
def test_seed_convnets_reach_90_percent_on_the_sample(tmp_path, script, epochs):
    result = run_script(SCRIPTS / script, tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"Epoch {epochs}/{epochs}" in result.stdout
    assert _accuracy(result.stdout) >= 0.9
