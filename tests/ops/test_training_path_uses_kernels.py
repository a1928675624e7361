"""DESIGN rule 2: code on the training path calls the backend kernels, not the public ops.

``lamina.ops.X`` converts array-like arguments (a type test per argument, then conversion);
layers, losses, metrics, optimizers, regularizers and constraints run per step and get tensors,
so they import ``from lamina.ops import kernels as ops``. Preprocessing layers (which take
NumPy data) and the op layers of loaded files keep the public ops.
"""

import pathlib
import re

import lamina

ROOT = pathlib.Path(lamina.__file__).parent
TRAINING_PATH = ["layers", "losses", "metrics", "optimizers", "training", "activations.py",
                 "regularizers.py", "constraints.py"]
PUBLIC_OPS_ALLOWED = ("layers/preprocessing/", "layers/core/keras_operation.py")
PUBLIC_IMPORT = re.compile(r"^\s*from lamina import [^\n]*\bops\b|^\s*import lamina\.ops\b",
                           re.MULTILINE)


def test_training_path_modules_import_the_kernels():
    offenders = []
    for entry in TRAINING_PATH:
        path = ROOT / entry
        for file in [path] if path.is_file() else sorted(path.rglob("*.py")):
            rel = file.relative_to(ROOT).as_posix()
            if rel.startswith(PUBLIC_OPS_ALLOWED):
                continue
            if PUBLIC_IMPORT.search(file.read_text()):
                offenders.append(rel)
    assert not offenders, (
        "these training-path modules import the public lamina.ops (argument conversion on "
        f"every call): {offenders}; use `from lamina.ops import kernels as ops`")
