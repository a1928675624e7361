"""Training throughput of the demo's MLP: lamina against Keras 3 and hand-written PyTorch.

The model is the README demo's: Dense(512, relu) -> Dense(10, softmax) on 784 inputs,
categorical crossentropy, Adam, metrics=["accuracy"], batch 128, on random float32 data
(60,000 samples by default). Each contender trains for ``--epochs`` epochs; the first epoch
is a warm-up and is left out of the samples/s figure.

Every measurement runs in its own Python subprocess (so Keras and lamina never share a
process and memory figures are not polluted), pinned to the same 2 CPU threads. Run::

    .venv/bin/python benchmarks/bench_mlp.py            # the full run (a few minutes)
    .venv/bin/python benchmarks/bench_mlp.py --quick    # a smoke run on a small data set

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
N_IN, HIDDEN, N_OUT = 784, 512, 10
HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(os.path.dirname(HERE), "src")


# -- inside a worker subprocess ---------------------------------------------------------------


def _pin_threads():
    """Use THREADS CPUs: affinity for every engine, and torch's own intra-op pool."""
    if hasattr(os, "sched_setaffinity"):
        cpus = sorted(os.sched_getaffinity(0))[:THREADS]
        os.sched_setaffinity(0, cpus)


def _data(samples):
    import numpy as np

    rng = np.random.default_rng(0)
    x = rng.random((samples, N_IN), dtype=np.float32)
    y = np.eye(N_OUT, dtype=np.float32)[rng.integers(0, N_OUT, size=samples)]
    return x, y


def _peak_rss_mb():
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def _keras_like(lib, callback_base, samples, epochs):
    """Train the demo model with a Keras-API library; returns per-epoch wall times."""
    x, y = _data(samples)
    times = []

    class Timer(callback_base):
        def on_epoch_begin(self, epoch, logs=None):
            self._t = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            times.append(time.perf_counter() - self._t)

    model = lib.Sequential([
        lib.layers.Input(shape=(N_IN,)),
        lib.layers.Dense(HIDDEN, activation="relu"),
        lib.layers.Dense(N_OUT, activation="softmax"),
    ])
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    model.fit(x, y, batch_size=BATCH, epochs=epochs, verbose=0, callbacks=[Timer()])
    return times


def _worker_lamina(samples, epochs):
    import torch

    torch.set_num_threads(THREADS)
    import lamina

    return _keras_like(lamina, lamina.callbacks.Callback, samples, epochs)


def _worker_keras(samples, epochs):
    if os.environ["KERAS_BACKEND"] == "torch":
        import torch

        torch.set_num_threads(THREADS)
    import keras

    return _keras_like(keras, keras.callbacks.Callback, samples, epochs)


def _torch_model():
    import torch
    from torch import nn

    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(N_IN, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, N_OUT))


def _worker_torch(samples, epochs, tuned):
    """The loop a PyTorch user writes by hand (``tuned``: fused Adam, contiguous batches).

    Like the Keras loops it also keeps the running loss and accuracy, on the device.
    """
    import torch
    import torch.nn.functional as F

    torch.set_num_threads(THREADS)
    x_np, y_np = _data(samples)
    x, y = torch.from_numpy(x_np), torch.from_numpy(y_np)
    model = _torch_model()
    opt = torch.optim.Adam(model.parameters(), fused=True) if tuned else \
        torch.optim.Adam(model.parameters())
    # Keras' defaults for Adam: lr 1e-3 (same), epsilon 1e-7 (torch: 1e-8) — not worth a knob
    times = []
    for _ in range(epochs):
        t = time.perf_counter()
        perm = torch.randperm(samples)
        if tuned:
            xs, ys = x[perm], y[perm]  # one gather per epoch, then contiguous slices
        total_loss = torch.zeros(())
        correct = torch.zeros((), dtype=torch.int64)
        for start in range(0, samples, BATCH):
            if tuned:
                xb, yb = xs[start:start + BATCH], ys[start:start + BATCH]
            else:
                idx = perm[start:start + BATCH]
                xb, yb = x[idx], y[idx]
            logits = model(xb)
            loss = F.cross_entropy(logits, yb)  # softmax + categorical crossentropy
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            with torch.no_grad():
                total_loss += loss.detach() * len(xb)
                correct += (logits.argmax(1) == yb.argmax(1)).sum()
        float(total_loss), int(correct)  # read once per epoch, as History does
        times.append(time.perf_counter() - t)
    return times


def _worker_import():
    """Seconds ``import lamina`` adds after ``import torch`` (and, for scale, keras'), in order."""
    t0 = time.perf_counter()
    import torch  # noqa: F401

    t1 = time.perf_counter()
    if os.environ.get("BENCH_IMPORT") == "keras":
        import keras  # noqa: F401
    else:
        import lamina  # noqa: F401
    t2 = time.perf_counter()
    return {"torch": t1 - t0, "extra": t2 - t1}


def worker(name, samples, epochs):
    _pin_threads()
    if name == "import":
        result = _worker_import()
    else:
        fn = {
            "lamina": lambda: _worker_lamina(samples, epochs),
            "keras_torch": lambda: _worker_keras(samples, epochs),
            "keras_jax": lambda: _worker_keras(samples, epochs),
            "torch_plain": lambda: _worker_torch(samples, epochs, tuned=False),
            "torch_tuned": lambda: _worker_torch(samples, epochs, tuned=True),
        }[name]
        times = fn()
        result = {"epoch_times": times, "peak_rss_mb": _peak_rss_mb()}
    print("BENCH_RESULT " + json.dumps(result), flush=True)


# -- the driver -------------------------------------------------------------------------------


def _env(**extra):
    env = dict(os.environ)
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        env[var] = str(THREADS)
    env["XLA_FLAGS"] = (env.get("XLA_FLAGS", "") +
                        f" --xla_cpu_multi_thread_eigen=true intra_op_parallelism_threads={THREADS}"
                        ).strip()
    env["PYTHONPATH"] = SRC + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("LAMINA_BACKEND", None)
    env.update(extra)
    return env


def run_worker(name, samples, epochs, **env):
    cmd = [sys.executable, os.path.abspath(__file__), "--worker", name,
           "--samples", str(samples), "--epochs", str(epochs)]
    proc = subprocess.run(cmd, env=_env(**env), capture_output=True, text=True)
    for line in proc.stdout.splitlines():
        if line.startswith("BENCH_RESULT "):
            return json.loads(line[len("BENCH_RESULT "):])
    tail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
    raise RuntimeError(f"{name} failed (exit {proc.returncode}):\n  " + "\n  ".join(tail))


def has_module(module):
    proc = subprocess.run([sys.executable, "-c", f"import {module}"], env=_env(),
                          capture_output=True)
    return proc.returncode == 0


def throughput(result, samples):
    """Samples/s over the timed epochs: the median epoch, so one epoch disturbed by another
    process on a shared machine does not move the figure (the first epoch warms up)."""
    timed = sorted(result["epoch_times"][1:])
    mid = len(timed) // 2
    median = timed[mid] if len(timed) % 2 else (timed[mid - 1] + timed[mid]) / 2
    return samples / median


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=None, help="epochs per run (default 4)")
    parser.add_argument("--samples", type=int, default=None, help="samples (default 60000)")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 6,400 samples, 2 epochs")
    parser.add_argument("--rounds", type=int, default=1,
                        help="run every contender this many times, in turn, and keep each one's "
                             "best round (use 2-3 on a machine shared with other work)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    samples = args.samples or (6400 if args.quick else 60000)
    epochs = args.epochs or (2 if args.quick else 4)
    if args.worker:
        return worker(args.worker, samples, epochs)
    if epochs < 2:
        parser.error("--epochs must be at least 2: the first epoch is a warm-up")

    keras_home = tempfile.mkdtemp(prefix="bench_keras_home_")
    print(f"MLP {N_IN}-{HIDDEN}-{N_OUT}, Adam, batch {BATCH}, {samples} samples, {epochs} epochs "
          f"(first excluded), {THREADS} CPU threads, python {sys.version.split()[0]}")
    if hasattr(os, "getloadavg"):
        load = os.getloadavg()[0]
        print(f"load average at start: {load:.2f}" + (
            "  (other processes compete for the CPUs: figures will be noisy)"
            if load > 0.5 else ""))

    contenders = [
        ("lamina (eager)", "lamina", {}),
        ("Keras 3 on torch", "keras_torch", {"KERAS_BACKEND": "torch", "KERAS_HOME": keras_home}),
        ("Keras 3 on JAX", "keras_jax", {"KERAS_BACKEND": "jax", "KERAS_HOME": keras_home}),
        ("PyTorch loop, plain", "torch_plain", {}),
        ("PyTorch loop, tuned", "torch_tuned", {}),
    ]
    results = {}
    skip = set() if has_module("jax") else {"keras_jax"}
    for _ in range(max(1, args.rounds)):
        for label, name, env in contenders:
            if name in skip:
                results[name] = None
                continue
            t = time.perf_counter()
            try:
                res = run_worker(name, samples, epochs, **env)
            except RuntimeError as err:
                results[name] = None
                skip.add(name)
                print(f"  {label:<22} FAILED: {err}")
                continue
            epochs_s = " ".join(f"{e:.2f}" for e in res["epoch_times"])
            print(f"  {label:<22} done in {time.perf_counter() - t:.1f}s; epochs (s): {epochs_s}")
            best = results.get(name)
            if best is None or throughput(res, samples) > throughput(best, samples):
                results[name] = res

    lamina_rate = results["lamina"] and throughput(results["lamina"], samples)
    print()
    print(f"{'':<22} {'samples/s':>11} {'lamina / this':>14}")
    for label, name, _ in contenders:
        res = results[name]
        if res is None:
            print(f"{label:<22} {'not installed' if name == 'keras_jax' else 'failed':>11}")
            continue
        rate = throughput(res, samples)
        ratio = f"{lamina_rate / rate:.2f}x" if lamina_rate else "-"
        print(f"{label:<22} {rate:>11,.0f} {ratio:>14}")

    print()
    lam, ker = results["lamina"], results["keras_torch"]
    if lam and ker:
        print(f"peak RSS of the fit: lamina {lam['peak_rss_mb']:.0f} MB, Keras 3 on torch "
              f"{ker['peak_rss_mb']:.0f} MB (lamina / Keras = "
              f"{lam['peak_rss_mb'] / ker['peak_rss_mb']:.2f})")

    imports = [run_worker("import", samples, epochs) for _ in range(3)]
    keras_imports = [run_worker("import", samples, epochs, BENCH_IMPORT="keras",
                                KERAS_BACKEND="torch", KERAS_HOME=keras_home) for _ in range(3)]
    print(f"import time, best of 3: torch {min(r['torch'] for r in imports):.2f}s; "
          f"`import lamina` adds {min(r['extra'] for r in imports):.3f}s "
          f"(`import keras` on torch adds {min(r['extra'] for r in keras_imports):.3f}s)")


if __name__ == "__main__":
    main()
