"""Seed 002 (LSTM text generation) runs unchanged under `lamina run`: the loss falls and 400
characters are generated."""

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "tests" / "examples"))
from test_seeds import SCRIPTS, SEEDS, _blocks, _norm, _without_glue, run_script  # noqa: E402

SCRIPT = SCRIPTS / "seed_002_text_generation.py"


def test_script_holds_the_text_generation_block_verbatim():
    files = sorted(SEEDS.glob("002_*.txt")) if SEEDS.exists() else []
    if not files:
        pytest.skip("../shared/seeds is not beside this checkout")
    blocks = _blocks(files[0].read_text(encoding="utf-8"))
    assert _norm(_without_glue(SCRIPT.read_text(encoding="utf-8"))) == _norm(blocks[1])


def test_seed_002_trains_and_generates(tmp_path):
    result = run_script(SCRIPT, tmp_path, {"KERAS_MAX_EPOCHS": "2"})
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    assert "Epoch 2/2" in out and "Epoch 3/" not in out
    epochs = out.split("Epoch ")[1:]
    losses = [float(re.findall(r"loss: ([0-9.]+)", e)[-1]) for e in epochs]
    assert losses[1] < losses[0], losses
    generated = out.rstrip("\n").split("\n")[-1]
    generated = generated[generated.rfind("loss: ") + 1:] if "loss: " in generated else generated
    assert len(generated) >= 400
    generated = generated[-400:]
    text = SCRIPT.read_text(encoding="utf-8")
    corpus = set("".join(re.findall(r'^    "(.*)",$', text, flags=re.MULTILINE)) + " ")
    assert set(generated) <= corpus, set(generated) - corpus
