"""A save killed midway (SIGKILL, no cleanup) leaves the previous file loadable."""

import os
import signal
import subprocess
import sys
import textwrap
import time


import lamina

CHILD = textwrap.dedent("""
    import sys
    import numpy as np
    import lamina
    model = lamina.Sequential([lamina.layers.Dense(2048, input_shape=(2048,)),
                               lamina.layers.Dense(1)])
    path = sys.argv[1]
    for i in range(1000):
        model.set_weights([np.full(w.shape, float(i), dtype="float32") for w in model.get_weights()])
        model.save(path)
        print(i, flush=True)
""")


def test_sigkill_during_save_keeps_previous_file(tmp_path):
    path = str(tmp_path / "model.keras")
    child = subprocess.Popen([sys.executable, "-c", CHILD, path], stdout=subprocess.PIPE, text=True)
    try:
        first = child.stdout.readline()  # one complete save
        assert first.strip() == "0"
        time.sleep(0.25)  # well inside a later save (each writes ~16 MB)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=60)
    model = lamina.models.load_model(path)
    kernel = model.get_weights()[0]
    value = kernel.flat[0]
    assert value == int(value) and (kernel == value).all()  # one whole save, not a mix
