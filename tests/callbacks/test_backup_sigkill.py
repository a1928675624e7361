"""A fit killed with SIGKILL mid-epoch and rerun with BackupAndRestore ends with the weights of
an uninterrupted run (shuffled data, dropout, Adam), for save_freq="epoch" and an integer."""

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

CHILD = textwrap.dedent("""
    import os, signal, sys
    import numpy as np
    import lamina
    from lamina import callbacks, layers

    backup, save_freq, kill_epoch, kill_batch, out = sys.argv[1:6]
    save_freq = save_freq if save_freq == "epoch" else int(save_freq)
    kill_epoch, kill_batch = int(kill_epoch), int(kill_batch)
    lamina.utils.set_random_seed(7)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 5)).astype("float32")
    y = (x[:, :1] * 2 - x[:, 1:2]).astype("float32")
    model = lamina.Sequential([layers.Input((5,)), layers.Dense(16, activation="relu"),
                               layers.Dropout(0.3), layers.Dense(1)])
    model.compile(optimizer=lamina.optimizers.Adam(0.01), loss="mse")

    class Kill(callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.epoch = epoch
        def on_train_batch_end(self, batch, logs=None):
            if (self.epoch, batch) == (kill_epoch, kill_batch):
                os.kill(os.getpid(), signal.SIGKILL)

    cbs = [callbacks.BackupAndRestore(backup, save_freq=save_freq), Kill()] if backup != "-" \\
        else []
    model.fit(x, y, batch_size=8, epochs=4, verbose=0, shuffle=True, callbacks=cbs)
    np.savez(out, *model.get_weights(), iterations=int(model.optimizer.iterations.numpy()))
""")


def _run(tmp_path, *args):
    env = dict(os.environ, PYTHONHASHSEED="0")
    return subprocess.run([sys.executable, "-c", CHILD, *map(str, args)], env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("save_freq, kill_at", [("epoch", (2, 3)), (3, (1, 4)), (5, (2, 1))])
def test_killed_fit_resumes_to_the_uninterrupted_weights(tmp_path, save_freq, kill_at):
    reference = tmp_path / "reference.npz"
    done = _run(tmp_path, "-", "epoch", -1, -1, reference)
    assert done.returncode == 0, done.stderr

    backup = tmp_path / "backup"
    resumed = tmp_path / "resumed.npz"
    killed = _run(tmp_path, backup, save_freq, *kill_at, resumed)
    assert killed.returncode == -9, killed.stderr  # died by SIGKILL, mid-epoch
    assert not resumed.exists() and (backup / "latest.weights.h5").exists()
    again = _run(tmp_path, backup, save_freq, -1, -1, resumed)
    assert again.returncode == 0, again.stderr

    want, got = np.load(reference), np.load(resumed)
    assert int(got["iterations"]) == int(want["iterations"]) == 32
    for key in want.files:
        np.testing.assert_array_equal(got[key], want[key], err_msg=key)
    assert not backup.exists()  # deleted once training ended normally


def test_weights_renamed_but_metadata_not_resumes_from_the_new_weights(tmp_path):
    """A kill between the two renames of a save: the weights' hash picks the pending metadata."""
    import json

    import lamina
    from lamina import callbacks, layers

    model = lamina.Sequential([layers.Input((3,)), layers.Dense(2)])
    model.compile(optimizer="adam", loss="mse")
    cb = callbacks.BackupAndRestore(tmp_path / "b", delete_checkpoint=False)
    x, y = np.ones((8, 3), "float32"), np.ones((8, 2), "float32")
    model.fit(x, y, epochs=2, verbose=0, callbacks=[cb])
    meta = json.loads((tmp_path / "b" / "training_metadata.json").read_text())
    assert meta["epoch"] == 2 and meta["batch"] == 0
    # simulate the crash: the metadata of epoch 3 is still pending beside the new weights
    stale = dict(meta, epoch=1, weights_sha256="0" * 64)
    (tmp_path / "b" / "training_metadata.json.next").write_text(json.dumps(meta))
    (tmp_path / "b" / "training_metadata.json").write_text(json.dumps(stale))
    fresh = lamina.Sequential([layers.Input((3,)), layers.Dense(2)])
    fresh.compile(optimizer="adam", loss="mse")
    cb2 = callbacks.BackupAndRestore(tmp_path / "b", delete_checkpoint=False)
    cb2.set_model(fresh)
    cb2.on_train_begin()
    assert fresh._initial_epoch == 2
    for a, b in zip(fresh.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)
