"""Seed tutorial 004 (Dense basics, then ImageDataGenerator.flow_from_directory feeding a CNN
through fit_generator) runs unchanged under `lamina run`."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT.parent / "shared" / "seeds"
SCRIPT = ROOT / "examples" / "seeds" / "seed_004_image_generator.py"


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


def test_script_holds_the_tutorial_blocks_verbatim():
    files = sorted(SEEDS.glob("004_*.txt")) if SEEDS.exists() else []
    if not files:
        pytest.skip("../shared/seeds is not beside this checkout")
    tutorial = [line for b in _blocks(files[0].read_text(encoding="utf-8")) for line in _norm(b)]
    assert _norm(_without_glue(SCRIPT.read_text(encoding="utf-8"))) == tutorial


def test_seed_004_runs(tmp_path):
    import lamina
    import lamina.layers

    if not (hasattr(lamina.layers, "Conv2D") and hasattr(lamina.layers, "MaxPooling2D")):
        pytest.skip("lamina.layers has no Conv2D/MaxPooling2D yet")
    if not hasattr(lamina.Model, "fit_generator"):
        pytest.skip("lamina.Model has no fit_generator yet")
    env = dict(os.environ)
    env.update({"LAMINA_HOME": str(tmp_path / "home"), "LAMINA_OFFLINE": "1",
                "KERAS_HOME": str(tmp_path / "keras_home"), "KERAS_MAX_EPOCHS": "1",
                "KERAS_MAX_STEPS_PER_EPOCH": "2"})
    result = subprocess.run([sys.executable, "-m", "lamina", "run", str(SCRIPT)],
                            capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    assert "Found 30 images belonging to 10 classes." in out
    assert "Found 20 images belonging to 10 classes." in out
    assert "Epoch 2/" not in out  # KERAS_MAX_EPOCHS=1 caps both fits
    assert "val_loss" in out
    assert "CNN trained on 30 images in 10 classes" in out
