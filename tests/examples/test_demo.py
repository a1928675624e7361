"""The README's demo (`make demo`) trains the seeds' MLP to >= 0.9 on the bundled sample."""

import os
import subprocess
import sys
from pathlib import Path

DEMO = Path(__file__).resolve().parents[2] / "examples" / "mnist_mlp.py"


def test_demo_reaches_90_percent_offline(tmp_path):
    env = dict(os.environ, LAMINA_HOME=str(tmp_path / "home"), LAMINA_OFFLINE="1",
               KERAS_HOME=str(tmp_path / "keras"))
    result = subprocess.run([sys.executable, str(DEMO)], capture_output=True, text=True,
                            env=env, cwd=tmp_path, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Epoch 5/5" in result.stdout and "train: 2000 digits" in result.stdout
    accuracy = float(result.stdout.split("Test accuracy:")[1].split()[0])
    assert accuracy >= 0.9
