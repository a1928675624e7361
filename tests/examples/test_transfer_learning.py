"""examples/transfer_learning.py runs end to end (tiny setting): the image folder, the frozen
base with the new head, then fine-tuning of the top layers, offline (random base weights)."""

import os
import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "transfer_learning.py"


def test_transfer_learning_example_runs_offline(tmp_path):
    env = dict(os.environ, KERAS_HOME=str(tmp_path / "keras"), LAMINA_HOME=str(tmp_path / "l"),
               LAMINA_TL_IMAGES="8", LAMINA_TL_EPOCHS="1")
    env.pop("LAMINA_TL_DOWNLOAD", None)
    result = subprocess.run([sys.executable, str(EXAMPLE)], capture_output=True, text=True,
                            env=env, cwd=tmp_path, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    assert "classes: ['circles', 'squares']" in out
    assert "base weights: random" in out
    assert "trainable weights: 2 (the head)" in out  # Dense kernel and bias only
    assert "fine-tuning the top 30 layers" in out
    # the unfrozen top layers add their weights (BatchNormalization's moving stats excluded)
    trainable = int(out.split("trainable weights now:")[1].split()[0])
    assert trainable > 2
    accuracy = float(out.split("validation accuracy:")[1].split()[0])
    assert 0.0 <= accuracy <= 1.0
