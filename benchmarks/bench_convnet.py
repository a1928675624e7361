"""Throughput of the seeds' MNIST convnet: lamina against Keras 3 on torch and plain PyTorch.

The model is Keras' classic MNIST convnet: Conv2D(32, 3, relu) -> Conv2D(64, 3, relu) ->
MaxPooling2D(2) -> Dropout(0.25) -> Flatten -> Dense(128, relu) -> Dropout(0.5) ->
Dense(10, softmax), on 28x28x1 inputs (channels_last for the Keras APIs), Adam, categorical
crossentropy, batch 128, random float32 data. The PyTorch contender is the loop a PyTorch user
writes by hand on channels-first (NCHW) tensors.

Each contender runs in its own subprocess pinned to the same 2 CPU threads; training speed is
the fastest epoch after the first (a warm-up), and prediction speed the best of three
``predict`` passes: on a shared machine other work only ever slows a run down, so the best
figure is the least noisy one. Run::

    .venv/bin/python benchmarks/bench_convnet.py --quick   # a smoke run (1,280 samples)
    .venv/bin/python benchmarks/bench_convnet.py           # 12,800 samples, 3 epochs

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


def _pin_threads():
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, sorted(os.sched_getaffinity(0))[:THREADS])
    import torch

    torch.set_num_threads(THREADS)


def _data(samples):
    import numpy as np

    rng = np.random.default_rng(0)
    x = rng.random((samples, 28, 28, 1), dtype=np.float32)
    y = np.eye(10, dtype=np.float32)[rng.integers(0, 10, size=samples)]
    return x, y


def _keras_like(lib, samples, epochs):
    x, y = _data(samples)
    L = lib.layers
    model = lib.Sequential([
        L.Input(shape=(28, 28, 1)),
        L.Conv2D(32, kernel_size=(3, 3), activation="relu"),
        L.Conv2D(64, (3, 3), activation="relu"),
        L.MaxPooling2D(pool_size=(2, 2)),
        L.Dropout(0.25),
        L.Flatten(),
        L.Dense(128, activation="relu"),
        L.Dropout(0.5),
        L.Dense(10, activation="softmax"),
    ])
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    times = []

    class Timer(lib.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self._t = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            times.append(time.perf_counter() - self._t)

    model.fit(x, y, batch_size=BATCH, epochs=epochs, verbose=0, callbacks=[Timer()])
    predict = []
    for _ in range(3):
        t = time.perf_counter()
        model.predict(x, batch_size=BATCH, verbose=0)
        predict.append(time.perf_counter() - t)
    return {"train": samples / min(times[1:]), "predict": samples / min(predict)}


def _torch_loop(samples, epochs):
    import torch
    import torch.nn.functional as F
    from torch import nn

    x_np, y_np = _data(samples)
    x = torch.from_numpy(x_np).permute(0, 3, 1, 2).contiguous()  # NCHW, once
    y = torch.from_numpy(y_np)
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Dropout(0.25), nn.Flatten(), nn.Linear(64 * 12 * 12, 128), nn.ReLU(),
        nn.Dropout(0.5), nn.Linear(128, 10),
    )
    opt = torch.optim.Adam(model.parameters())
    times = []
    for _ in range(epochs):
        t = time.perf_counter()
        model.train()
        perm = torch.randperm(samples)
        total_loss = torch.zeros(())
        correct = torch.zeros((), dtype=torch.int64)
        for start in range(0, samples, BATCH):
            idx = perm[start:start + BATCH]
            xb, yb = x[idx], y[idx]
            logits = model(xb)
            loss = F.cross_entropy(logits, yb)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            with torch.no_grad():
                total_loss += loss.detach() * len(xb)
                correct += (logits.argmax(1) == yb.argmax(1)).sum()
        float(total_loss), int(correct)
        times.append(time.perf_counter() - t)
    model.eval()
    predict = []
    for _ in range(3):
        t = time.perf_counter()
        with torch.no_grad():
            for start in range(0, samples, BATCH):
                F.softmax(model(x[start:start + BATCH]), dim=1).numpy()
        predict.append(time.perf_counter() - t)
    return {"train": samples / min(times[1:]), "predict": samples / min(predict)}


def worker(name, samples, epochs):
    _pin_threads()
    if name == "lamina":
        import lamina

        result = _keras_like(lamina, samples, epochs)
    elif name == "keras_torch":
        import keras

        result = _keras_like(keras, samples, epochs)
    else:
        result = _torch_loop(samples, epochs)
    print("BENCH_RESULT " + json.dumps(result), flush=True)


def run_worker(name, samples, epochs, **extra):
    env = dict(os.environ)
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        env[var] = str(THREADS)
    env["PYTHONPATH"] = SRC + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("LAMINA_BACKEND", None)
    env.update(extra)
    cmd = [sys.executable, os.path.abspath(__file__), "--worker", name,
           "--samples", str(samples), "--epochs", str(epochs)]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    for line in proc.stdout.splitlines():
        if line.startswith("BENCH_RESULT "):
            return json.loads(line[len("BENCH_RESULT "):])
    tail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
    raise RuntimeError(f"{name} failed (exit {proc.returncode}):\n  " + "\n  ".join(tail))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=None)
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--quick", action="store_true", help="1,280 samples, 3 epochs")
    parser.add_argument("--rounds", type=int, default=1,
                        help="run each contender this many times, keep its best round")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    samples = args.samples or (1280 if args.quick else 12800)
    epochs = args.epochs or 3
    if args.worker:
        return worker(args.worker, samples, epochs)

    keras_home = tempfile.mkdtemp(prefix="bench_keras_home_")
    print(f"MNIST convnet, Adam, batch {BATCH}, {samples} samples, {epochs} epochs (first "
          f"excluded), {THREADS} CPU threads")
    if hasattr(os, "getloadavg"):
        load = os.getloadavg()[0]
        print(f"load average at start: {load:.2f}" +
              ("  (the CPUs are shared: figures will be noisy)" if load > 0.5 else ""))
    contenders = [
        ("lamina", "lamina", {}),
        ("PyTorch NCHW loop", "torch_loop", {}),
        ("Keras 3 on torch", "keras_torch", {"KERAS_BACKEND": "torch", "KERAS_HOME": keras_home}),
    ]
    results = {}
    for _ in range(max(1, args.rounds)):
        for label, name, env in contenders:
            try:
                res = run_worker(name, samples, epochs, **env)
            except RuntimeError as err:
                print(f"  {label:<20} FAILED: {err}")
                continue
            best = results.get(name)
            if best is None:
                results[name] = res
            else:
                results[name] = {k: max(best[k], res[k]) for k in res}
    ours = results.get("lamina")
    print()
    print(f"{'':<20} {'fit samples/s':>14} {'lamina/this':>12} {'predict samples/s':>18} "
          f"{'lamina/this':>12}")
    for label, name, _ in contenders:
        res = results.get(name)
        if res is None:
            print(f"{label:<20} {'failed':>14}")
            continue
        ratio_fit = f"{ours['train'] / res['train']:.2f}x" if ours else "-"
        ratio_pred = f"{ours['predict'] / res['predict']:.2f}x" if ours else "-"
        print(f"{label:<20} {res['train']:>14.0f} {ratio_fit:>12} {res['predict']:>18.0f} "
              f"{ratio_pred:>12}")


if __name__ == "__main__":
    main()
