"""ModelCheckpoint under failure: killed mid-save, or a full disk, the previous checkpoint stays."""

import errno
import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

import lamina
from lamina import callbacks, layers

CHILD = textwrap.dedent("""
    import sys
    import numpy as np
    import lamina
    from lamina import callbacks, layers

    class Announce(callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            print(epoch, flush=True)

    model = lamina.Sequential([layers.Input((1024,)), layers.Dense(2048), layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    x = np.ones((4, 1024), "float32"); y = np.ones((4, 1), "float32")
    model.fit(x, y, epochs=10000, verbose=0, callbacks=[
        callbacks.ModelCheckpoint(sys.argv[1]), Announce()])
""")


def test_checkpoint_killed_mid_save_leaves_a_loadable_file(tmp_path):
    path = tmp_path / "ckpt.keras"
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(path)], stdout=subprocess.PIPE,
                             text=True)
    try:
        assert child.stdout.readline().strip() == "0"  # one checkpoint written in full
        time.sleep(0.3)  # inside a later save (each writes ~25 MB of weights and Adam slots)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=60)
    model = lamina.models.load_model(path)
    assert model.get_weights()[0].shape == (1024, 2048)
    assert int(model.optimizer.iterations.numpy()) >= 1
    leftovers = [p for p in os.listdir(tmp_path) if p != "ckpt.keras"]
    assert all(p.endswith(".tmp") for p in leftovers)  # only a killed save's own temp file


def _fit_with_checkpoint(path, epochs):
    model = lamina.Sequential([layers.Input((3,)), layers.Dense(2)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.ones((4, 3), "float32"), np.ones((4, 2), "float32"), epochs=epochs, verbose=0,
              callbacks=[callbacks.ModelCheckpoint(str(path))])
    return model


@pytest.mark.parametrize("suffix", [".keras", ".weights.h5"])
def test_full_disk_raises_clearly_and_keeps_the_old_checkpoint(tmp_path, monkeypatch, suffix):
    path = tmp_path / f"ckpt{suffix}"
    first = _fit_with_checkpoint(path, epochs=1)
    before = path.read_bytes()

    real_replace = os.replace

    def disk_full(src, dst):  # the write itself fails as a full disk makes it fail
        if str(dst) == str(path):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(OSError) as info:
        _fit_with_checkpoint(path, epochs=1)
    monkeypatch.setattr(os, "replace", real_replace)
    message = str(info.value)
    assert info.value.errno == errno.ENOSPC
    assert str(path) in message and "disk is full" in message and "unchanged" in message
    assert path.read_bytes() == before
    assert [p for p in os.listdir(tmp_path) if p.endswith(".tmp")] == []  # no temp left
    if suffix == ".keras":
        loaded = lamina.models.load_model(path)
        for a, b in zip(loaded.get_weights(), first.get_weights()):
            np.testing.assert_array_equal(a, b)
