"""Keras programs as a new user runs them (``import keras`` under ``lamina run``), loading
their data sets from the local server."""

import subprocess
import sys
import textwrap

import numpy as np
from dataset_files import cifar_batch, word_lists, write_tar

from lamina.utils.file_utils import hash_file

SCRIPT = """
import numpy as np
import keras
from keras import layers
from keras.datasets import imdb, cifar10

(x_train, y_train), (x_test, y_test) = imdb.load_data(num_words=30)
x_train = keras.utils.pad_sequences(x_train, maxlen=8)
model = keras.Sequential([keras.Input((8,)), layers.Embedding(30, 4),
                          layers.GlobalAveragePooling1D(), layers.Dense(1, activation="sigmoid")])
model.compile("adam", "binary_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=1, batch_size=4, verbose=0)
print("imdb", len(x_train), len(x_test), x_train.shape)

(cx, cy), _ = cifar10.load_data()
left, right = keras.utils.split_dataset((cx / 255.0, cy), left_size=0.6)
print("cifar", cx.shape, cy.shape, len(left), len(right))
"""


def test_keras_script_under_lamina_run(served, homes, tmp_path, monkeypatch):
    import lamina.datasets.cifar10 as cifar10
    import lamina.datasets.imdb as imdb

    rng = np.random.default_rng(0)
    np.savez(served.path("imdb.npz"), x_train=word_lists(rng, 10), y_train=rng.integers(0, 2, 10),
             x_test=word_lists(rng, 6), y_test=rng.integers(0, 2, 6))
    names = [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]
    write_tar(served.path("cifar-10-python.tar.gz"), "cifar-10-batches-py", {
        n: cifar_batch(rng.integers(0, 256, (2, 3072), dtype=np.uint8), {"labels": [1, 2]})
        for n in names})
    # The test files' hashes are not Keras' published ones: a two-line prelude sets them,
    # then runs the unchanged script; the real download, cache and parsing code runs.
    shim = tmp_path / "shim.py"
    shim.write_text(textwrap.dedent(f"""
        import lamina.datasets.imdb as imdb, lamina.datasets.cifar10 as cifar10
        imdb.FILE_HASH = {hash_file(served.path("imdb.npz"))!r}
        cifar10.FILE_HASH = {hash_file(served.path("cifar-10-python.tar.gz"))!r}
        import runpy
        runpy.run_path({str(tmp_path / "script.py")!r}, run_name="__main__")
    """))
    (tmp_path / "script.py").write_text(SCRIPT)
    assert imdb.ORIGIN_FOLDER and cifar10.ORIGIN  # Keras' real URLs stay the defaults
    result = subprocess.run([sys.executable, "-m", "lamina", "run", str(shim)],
                            capture_output=True, text=True,
                            cwd=tmp_path, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "imdb 10 6 (10, 8)" in result.stdout
    assert "cifar (10, 32, 32, 3) (10, 1) 6 4" in result.stdout
    assert sorted(served.requests) == ["/cifar-10-python.tar.gz", "/imdb.npz"]
