"""Compiled steps: lamina eager vs ``jit_compile=True`` on the seeds' MLP and convnet.

For each model it prints the steady samples/s of eager and compiled training (fastest epoch
after the first; the two models' epochs alternate in one process), the first epoch's time
(which holds the compile, with an empty and with a warm compiler cache), the number of graph
breaks torch.compile reports for the compiled part of the step (forward, loss and metric
updates; torch derives the compiled backward from it), and,
when JAX is installed, Keras 3 on JAX for the first-epoch comparison. Each run is its own
subprocess pinned to 2 CPU threads. Run::

    .venv/bin/python benchmarks/bench_compile.py          # 12,800 samples, 5 epochs
    .venv/bin/python benchmarks/bench_compile.py --quick  # 2,560 samples, 2 epochs

This is a script, not a test: speed is never judged in the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

THREADS = 2
BATCH = 128
HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(os.path.dirname(HERE), "src")


def _build(lib, model_name):
    L = lib.layers
    if model_name == "mlp":
        return lib.Sequential([L.Input(shape=(784,)), L.Dense(512, activation="relu"),
                               L.Dense(10, activation="softmax")]), (784,)
    return lib.Sequential([
        L.Input(shape=(28, 28, 1)), L.Conv2D(32, (3, 3), activation="relu"),
        L.Conv2D(64, (3, 3), activation="relu"), L.MaxPooling2D((2, 2)), L.Dropout(0.25),
        L.Flatten(), L.Dense(128, activation="relu"), L.Dropout(0.5),
        L.Dense(10, activation="softmax"),
    ]), (28, 28, 1)


def _worker(spec):
    """One library's runs. For lamina, an eager and a compiled model in the same process
    whose epochs alternate, so both see the same machine (shared CPUs drift by 30%)."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, sorted(os.sched_getaffinity(0))[:THREADS])
    import numpy as np

    if spec["lib"] == "lamina":
        import torch

        torch.set_num_threads(THREADS)
        import lamina as lib

        variants = {"eager": {"jit_compile": False}, "jit": {"jit_compile": True}}
        if spec.get("only"):
            variants = {spec["only"]: variants[spec["only"]]}
    else:
        import keras as lib

        variants = {"keras": {}}
    rng = np.random.default_rng(0)
    models = {}
    for name, kwargs in variants.items():
        model, shape = _build(lib, spec["model"])
        model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"],
                      **kwargs)
        models[name] = model
    x = rng.random((spec["samples"],) + shape, dtype=np.float32)
    y = np.eye(10, dtype=np.float32)[rng.integers(0, 10, size=spec["samples"])]
    times = {name: [] for name in models}
    for _ in range(spec["epochs"]):
        for name, model in models.items():
            start = time.perf_counter()
            model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0)
            times[name].append(time.perf_counter() - start)
    breaks = None
    if "jit" in models:
        import torch

        xb = torch.from_numpy(x[:BATCH])
        yb = torch.from_numpy(y[:BATCH])
        explanation = torch._dynamo.explain(models["jit"]._forward_and_loss)(xb, yb, None)
        breaks = explanation.graph_break_count
    print(json.dumps({"times": times, "breaks": breaks}))


def _run(spec):
    env = dict(os.environ, OMP_NUM_THREADS=str(THREADS), PYTHONPATH=SRC)
    if spec.get("cache"):
        env["TORCHINDUCTOR_CACHE_DIR"] = spec["cache"]
    if spec["lib"] == "keras":
        env.update(KERAS_BACKEND=spec["backend"], KERAS_HOME=tempfile.mkdtemp())
    proc = subprocess.run([sys.executable, __file__, "--worker", json.dumps(spec)],
                          capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        return None, proc.stderr.strip().splitlines()[-1:] or ["failed"]
    return json.loads(proc.stdout.strip().splitlines()[-1]), None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=12800)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        _worker(json.loads(args.worker))
        return
    samples, epochs = (2560, 2) if args.quick else (args.samples, args.epochs)
    print(f"load average: {os.getloadavg()}")
    for model in ("mlp", "convnet"):
        base = {"model": model, "samples": samples, "epochs": epochs}
        # The compiler's on-disk cache: empty for the first compiled run (a user's very first
        # compile: the kernels are built with the C++ compiler), then warm (a later run).
        cache = tempfile.mkdtemp()
        cold, cold_err = _run(base | {"lib": "lamina", "only": "jit", "cache": cache, "epochs": 1})
        pair, pair_err = _run(base | {"lib": "lamina", "cache": cache})
        jax, jax_err = _run(base | {"lib": "keras", "backend": "jax"})
        print(f"\n{model}: {samples} samples, batch {BATCH}, {epochs} epochs")
        print(f"{'':26s} {'samples/s':>10s} {'first epoch s':>14s} {'graph breaks':>13s}")
        rows = [
            ("lamina eager", pair and pair["times"]["eager"], "-", pair_err),
            ("lamina jit, empty cache", cold and cold["times"]["jit"][:1], cold and cold["breaks"],
             cold_err),
            ("lamina jit_compile=True", pair and pair["times"]["jit"], pair and pair["breaks"],
             pair_err),
            ("Keras 3 on JAX", jax and jax["times"]["keras"], "-", jax_err),
        ]
        for name, times, breaks, err in rows:
            if not times:
                print(f"{name:26s} {'-':>10s}  ({(err or ['failed'])[0][:60]})")
                continue
            steady = f"{samples / min(times[1:]):10.0f}" if len(times) > 1 else f"{'-':>10s}"
            print(f"{name:26s} {steady} {times[0]:14.2f} {str(breaks):>13s}")
        if pair:
            ratio = min(pair["times"]["eager"][1:]) / min(pair["times"]["jit"][1:])
            print(f"compiled / eager steady speed (fastest epoch after the first, epochs "
                  f"alternating in one process): {ratio:.2f}x")


if __name__ == "__main__":
    main()
