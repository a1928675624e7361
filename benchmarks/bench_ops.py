"""Per-call cost of public ops: ``lamina.ops`` next to bare torch and Keras 3's ``keras.ops``.

Small tensors (4x4 float32), so the figure is the call's overhead, not the arithmetic. For
each op it prints microseconds per call for the bare torch function, lamina's kernel
(``lamina.ops.kernels``, what layers call), lamina's public op (``lamina.ops``, which also
takes NumPy arrays and lists) and Keras 3's op on torch, then lamina's overhead over torch
the public wrapper's own cost (lamina - kernel) and Keras' time divided by lamina's (above 1:
lamina is faster). A last block does the same
with a NumPy array as input, where both libraries convert. Run::

    .venv/bin/python benchmarks/bench_ops.py            # ~30 s
    .venv/bin/python benchmarks/bench_ops.py --quick    # ~5 s

The contenders of one op are timed in turn, round after round, and the best round is kept:
on a shared machine the noise only ever adds time.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import timeit

os.environ.setdefault("KERAS_BACKEND", "torch")
os.environ.setdefault("KERAS_HOME", tempfile.mkdtemp(prefix="bench_ops_keras_"))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "src"))

import numpy as np  # noqa: E402
import torch  # noqa: E402

import lamina  # noqa: E402
from lamina import ops  # noqa: E402
from lamina.ops import kernels  # noqa: E402


def _cases(keras):
    k = keras.ops
    a, b = torch.rand(4, 4), torch.rand(4, 4)
    n = np.random.default_rng(0).random((4, 4), dtype=np.float32)
    tensor_cases = [
        ("add(x, y)", lambda: torch.add(a, b), lambda: kernels.add(a, b),
         lambda: ops.add(a, b), lambda: k.add(a, b)),
        ("multiply(x, 2.0)", lambda: torch.mul(a, 2.0), lambda: kernels.multiply(a, 2.0),
         lambda: ops.multiply(a, 2.0), lambda: k.multiply(a, 2.0)),
        ("mean(x)", lambda: torch.mean(a), lambda: kernels.mean(a),
         lambda: ops.mean(a), lambda: k.mean(a)),
        ("mean(x, axis=1)", lambda: torch.mean(a, 1), lambda: kernels.mean(a, axis=1),
         lambda: ops.mean(a, axis=1), lambda: k.mean(a, axis=1)),
        ("concatenate([x, y])", lambda: torch.cat([a, b]), lambda: kernels.concatenate([a, b]),
         lambda: ops.concatenate([a, b]), lambda: k.concatenate([a, b])),
        ("matmul(x, y)", lambda: torch.matmul(a, b), lambda: kernels.matmul(a, b),
         lambda: ops.matmul(a, b), lambda: k.matmul(a, b)),
        ("relu(x)", lambda: torch.relu(a), lambda: kernels.relu(a),
         lambda: ops.relu(a), lambda: k.relu(a)),
        ("softmax(x)", lambda: torch.softmax(a, -1), lambda: kernels.softmax(a),
         lambda: ops.softmax(a), lambda: k.softmax(a)),
        ("reshape(x, (16,))", lambda: torch.reshape(a, (16,)), lambda: kernels.reshape(a, (16,)),
         lambda: ops.reshape(a, (16,)), lambda: k.reshape(a, (16,))),
        ("where(x > 0.5, x, y)", lambda: torch.where(a > 0.5, a, b),
         lambda: kernels.where(a > 0.5, a, b), lambda: ops.where(a > 0.5, a, b),
         lambda: k.where(a > 0.5, a, b)),
    ]
    numpy_cases = [
        ("mean(ndarray)", lambda: torch.mean(torch.from_numpy(n)), None,
         lambda: ops.mean(n), lambda: k.mean(n)),
        ("add(ndarray, ndarray)", lambda: torch.add(torch.from_numpy(n), torch.from_numpy(n)),
         None, lambda: ops.add(n, n), lambda: k.add(n, n)),
        ("exp(list)", lambda: torch.exp(torch.tensor([0.5, 1.5])), None,
         lambda: ops.exp([0.5, 1.5]), lambda: k.exp([0.5, 1.5])),
    ]
    return tensor_cases, numpy_cases


def _best_us(fns, number, rounds):
    best = [float("inf")] * len(fns)
    for _ in range(rounds):
        for i, fn in enumerate(fns):
            if fn is not None:
                best[i] = min(best[i], timeit.timeit(fn, number=number) / number * 1e6)
    return best


def _table(title, cases, number, rounds):
    print(f"\n{title}")
    print(f"{'op':24s} {'torch':>8s} {'kernel':>8s} {'lamina':>8s} {'Keras 3':>8s} "
          f"{'lamina-torch':>13s} {'wrapper':>8s} {'Keras/lamina':>13s}")
    for name, *fns in cases:
        for fn in fns:  # warm up (first calls allocate, Keras traces nothing on torch)
            if fn is not None:
                fn()
        t_torch, t_kernel, t_lamina, t_keras = _best_us(fns, number, rounds)
        measured = t_kernel != float("inf")
        kernel = f"{t_kernel:8.2f}" if measured else f"{'-':>8s}"
        wrapper = f"{t_lamina - t_kernel:+8.2f}" if measured else f"{'-':>8s}"
        print(f"{name:24s} {t_torch:8.2f} {kernel} {t_lamina:8.2f} {t_keras:8.2f} "
              f"{t_lamina - t_torch:+13.2f} {wrapper} {t_keras / t_lamina:13.1f}x")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer calls and rounds")
    args = parser.parse_args()
    number, rounds = (2000, 3) if args.quick else (2000, 15)
    torch.set_num_threads(1)  # the ops are tiny: threads only add noise
    import keras

    print(f"torch {torch.__version__}, keras {keras.__version__}, lamina "
          f"{getattr(lamina, '__version__', '?')}; 4x4 float32 on CPU, 1 thread; "
          f"load average {os.getloadavg()[0]:.2f}")
    print("microseconds per call (best of rounds); lamina-torch is the public op's overhead")
    tensor_cases, numpy_cases = _cases(keras)
    _table("tensors in", tensor_cases, number, rounds)
    _table("NumPy arrays and lists in (torch column: from_numpy/tensor + the op)",
           numpy_cases, number, rounds)


if __name__ == "__main__":
    main()
