"""LSTM text-model throughput: lamina against a hand-written torch ``nn.LSTM`` loop and Keras 3.

The model is seed 002's: LSTM(128, return_sequences=True) -> LSTM(128) -> Dense(57, softmax),
on 40 steps of 57 one-hot characters, batch 128, Adam, categorical crossentropy. Each
contender trains ``--epochs`` epochs (the first is a warm-up, left out) and predicts the data
set once after a warm-up batch. Every measurement runs in its own subprocess pinned to 2 CPU
threads; Keras runs with KERAS_BACKEND=torch and a temporary KERAS_HOME. Run::

    .venv/bin/python benchmarks/bench_lstm.py            # 2,560 samples, 3 epochs
    .venv/bin/python benchmarks/bench_lstm.py --quick    # a smoke run

On a shared machine the numbers are noisy: compare ratios from the same run only.
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
STEPS, CHARS, UNITS = 40, 57, 128
HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(os.path.dirname(HERE), "src")


def _pin():
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, sorted(os.sched_getaffinity(0))[:THREADS])
    import torch

    torch.set_num_threads(THREADS)


def _data(samples):
    import numpy as np

    rng = np.random.default_rng(0)
    x = np.eye(CHARS, dtype=np.float32)[rng.integers(0, CHARS, size=(samples, STEPS))]
    y = np.eye(CHARS, dtype=np.float32)[rng.integers(0, CHARS, size=samples)]
    return x, y


def _keras_like(lib, samples, epochs):
    x, y = _data(samples)
    times = []

    class Timer(lib.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self._t = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            times.append(time.perf_counter() - self._t)

    model = lib.Sequential([
        lib.layers.Input(shape=(STEPS, CHARS)),
        lib.layers.LSTM(UNITS, return_sequences=True),
        lib.layers.LSTM(UNITS),
        lib.layers.Dense(CHARS, activation="softmax"),
    ])
    model.compile(loss="categorical_crossentropy", optimizer="adam")
    model.fit(x, y, batch_size=BATCH, epochs=epochs, verbose=0, callbacks=[Timer()])
    model.predict(x[:BATCH], batch_size=BATCH, verbose=0)
    t = time.perf_counter()
    model.predict(x, batch_size=BATCH, verbose=0)
    return times, time.perf_counter() - t


def _torch_loop(samples, epochs):
    import torch
    import torch.nn.functional as F
    from torch import nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.l1 = nn.LSTM(CHARS, UNITS, batch_first=True)
            self.l2 = nn.LSTM(UNITS, UNITS, batch_first=True)
            self.out = nn.Linear(UNITS, CHARS)

        def forward(self, x):
            h, _ = self.l1(x)
            _, (h, _) = self.l2(h)
            return self.out(h[0])

    torch.manual_seed(0)
    x_np, y_np = _data(samples)
    x, y = torch.from_numpy(x_np), torch.from_numpy(y_np)
    model = Net()
    opt = torch.optim.Adam(model.parameters())
    times = []
    for _ in range(epochs):
        t = time.perf_counter()
        perm = torch.randperm(samples)
        total = torch.zeros(())
        for start in range(0, samples, BATCH):
            idx = perm[start:start + BATCH]
            logits = model(x[idx])
            loss = F.cross_entropy(logits, y[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            total += loss.detach() * len(idx)
        float(total)
        times.append(time.perf_counter() - t)
    with torch.no_grad():
        model(x[:BATCH])
        t = time.perf_counter()
        for start in range(0, samples, BATCH):
            torch.softmax(model(x[start:start + BATCH]), -1).numpy()
        predict = time.perf_counter() - t
    return times, predict


def worker(name, samples, epochs):
    _pin()
    if name == "lamina":
        import lamina as lib
    elif name == "keras":
        import keras as lib
    else:
        lib = None
    times, predict = _torch_loop(samples, epochs) if lib is None else \
        _keras_like(lib, samples, epochs)
    print("BENCH_RESULT " + json.dumps({"times": times, "predict": predict}), flush=True)


def run_worker(name, samples, epochs):
    env = dict(os.environ)
    env["PYTHONPATH"] = SRC + os.pathsep + env.get("PYTHONPATH", "")
    env.update({"OMP_NUM_THREADS": str(THREADS), "KERAS_BACKEND": "torch",
                "KERAS_HOME": tempfile.mkdtemp(prefix="bench_keras_home_")})
    cmd = [sys.executable, os.path.abspath(__file__), "--worker", name,
           "--samples", str(samples), "--epochs", str(epochs)]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    for line in proc.stdout.splitlines():
        if line.startswith("BENCH_RESULT "):
            return json.loads(line[len("BENCH_RESULT "):])
    print(f"[{name}] failed:\n{proc.stderr[-2000:]}", file=sys.stderr)
    return None


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--samples", type=int, default=2560)
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--worker")
    args = p.parse_args(argv)
    if args.quick:
        args.samples, args.epochs = 512, 2
    if args.worker:
        worker(args.worker, args.samples, args.epochs)
        return
    rates = {}
    for name in ("torch", "lamina", "keras"):
        r = run_worker(name, args.samples, args.epochs)
        if r is None:
            continue
        fit = args.samples * (len(r["times"]) - 1) / sum(r["times"][1:])
        pred = args.samples / r["predict"]
        rates[name] = (fit, pred)
        print(f"{name:>7}: fit {fit:8.0f} samples/s   predict {pred:8.0f} samples/s", flush=True)
    if "lamina" in rates:
        for other in ("torch", "keras"):
            if other in rates:
                print(f"lamina / {other}: fit {rates['lamina'][0] / rates[other][0]:.2f}x   "
                      f"predict {rates['lamina'][1] / rates[other][1]:.2f}x")


if __name__ == "__main__":
    main()
