"""Long runs keep memory bounded: 300 short epochs with callbacks, 10,000 predict calls.

Run in a fresh subprocess so other tests' allocations do not blur the numbers; memory is the
resident set read from /proc after a warm-up and at the end.
"""

import json
import subprocess
import sys
import textwrap

import pytest

CHILD = textwrap.dedent("""
    import gc, json, os, sys, tempfile
    import numpy as np
    import lamina
    from lamina import callbacks, layers

    def rss_mb():
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20

    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 8)).astype("float32")
    y = (x.sum(1) > 0).astype("float32")
    model = lamina.Sequential([layers.Input((8,)), layers.Dense(16, activation="relu"),
                               layers.Dropout(0.1), layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    folder = tempfile.mkdtemp()
    cbs = [callbacks.EarlyStopping(monitor="loss", patience=10**6),
           callbacks.ReduceLROnPlateau(monitor="loss", patience=10**6),
           callbacks.CSVLogger(os.path.join(folder, "log.csv")),
           callbacks.ModelCheckpoint(os.path.join(folder, "best.weights.h5"),
                                     save_weights_only=True, save_best_only=True,
                                     monitor="loss"),
           callbacks.TerminateOnNaN(), callbacks.History()]
    which = sys.argv[1]
    marks = []
    if which == "fit":
        for rounds in range(6):  # 6 x 50 epochs
            model.fit(x, y, batch_size=16, epochs=50, verbose=0, callbacks=cbs,
                      validation_split=0.25)
            gc.collect()
            marks.append(rss_mb())
    else:
        for rounds in range(10):  # 10 x 1,000 predict calls
            for _ in range(1000):
                model.predict(x[:8], verbose=0)
            gc.collect()
            marks.append(rss_mb())
    print(json.dumps(marks))
""")


@pytest.mark.parametrize("which, limit_mb", [("fit", 10), ("predict", 10)])
def test_memory_stays_bounded(which, limit_mb):
    done = subprocess.run([sys.executable, "-c", CHILD, which], capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    marks = json.loads(done.stdout.strip().splitlines()[-1])
    growth = marks[-1] - marks[1]  # after the first round, caches and allocator pools are warm
    assert growth < limit_mb, f"RSS grew by {growth:.1f} MB over the run: {marks}"
