"""Input-pipeline throughput: augmented images per second from a folder of JPEGs.

The script writes a folder of 150x150 RGB JPEGs (2 classes, ``--images`` in all) to a tmp
folder, then measures, each contender in its own subprocess pinned to 2 CPUs:

* ``ImageDataGenerator(...).flow_from_directory`` with augmentation (rotation, shifts, shear,
  zoom, horizontal flip, rescale), batch 32, target 150x150: lamina's and Keras 3's
  (``keras.src.legacy.preprocessing.image.ImageDataGenerator``, KERAS_BACKEND=torch), read
  batch by batch (no workers) and through each library's own worker pool (2 threads,
  ``workers=2``, as ``fit`` reads a PyDataset);
* ``image_dataset_from_directory(...)`` (batch 32, 150x150) ``.map(augment)`` (random flip
  and brightness, in NumPy), plain and with ``num_parallel_calls=AUTOTUNE`` +
  ``prefetch``. Keras' version of this pipeline needs TensorFlow, which is not installed, so
  it has no Keras figure.

Each figure is the best of ``--rounds`` full passes over the folder (the first pass also
warms the file cache). Run::

    .venv/bin/python benchmarks/bench_input.py --images 400 --rounds 2

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
BATCH = 32
SIZE = (150, 150)
HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(os.path.dirname(HERE), "src")
AUGMENT = dict(rotation_range=40, width_shift_range=0.2, height_shift_range=0.2,
               shear_range=0.2, zoom_range=0.2, horizontal_flip=True, rescale=1.0 / 255)


def make_folder(root: str, images: int) -> None:
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(0)
    for i in range(images):
        cls = os.path.join(root, ("cats", "dogs")[i % 2])
        os.makedirs(cls, exist_ok=True)
        # Smooth gradients plus noise: JPEG-sized like photos, not like white noise.
        base = np.linspace(0, 255, SIZE[0] * SIZE[1] * 3).reshape(SIZE[0], SIZE[1], 3)
        pixels = (base + rng.normal(0, 20, base.shape)).clip(0, 255).astype("uint8")
        Image.fromarray(pixels).save(os.path.join(cls, f"{i}.jpg"), quality=90)


def _pin():
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, sorted(os.sched_getaffinity(0))[:THREADS])
    os.environ["OMP_NUM_THREADS"] = str(THREADS)


def _best(run, rounds: int) -> float:
    """Samples per second of the fastest of ``rounds`` passes (``run`` returns a count)."""
    best = 0.0
    for _ in range(rounds):
        start = time.perf_counter()
        n = run()
        best = max(best, n / (time.perf_counter() - start))
    return best


def child(name: str, folder: str, rounds: int) -> float:
    _pin()
    if name.startswith("keras"):
        os.environ["KERAS_BACKEND"] = "torch"
        from keras.src.legacy.preprocessing.image import ImageDataGenerator
        from keras.src.trainers.data_adapters.py_dataset_adapter import PyDatasetAdapter

        it = ImageDataGenerator(**AUGMENT).flow_from_directory(
            folder, target_size=SIZE, batch_size=BATCH, seed=0)
        if name == "keras_workers":
            it._workers = THREADS

            def run():
                adapter = PyDatasetAdapter(it, shuffle=False)
                n = sum(len(x) for x, _ in adapter.get_numpy_iterator())
                adapter.on_epoch_end()
                return n
        else:
            def run():
                return sum(len(it[i][0]) for i in range(len(it)))
        return _best(run, rounds)

    sys.path.insert(0, SRC)
    import numpy as np

    import lamina
    from lamina.utils.dataset import AUTOTUNE
    from lamina.utils.py_dataset import iterate_batches

    if name.startswith("lamina_idg"):
        it = lamina.preprocessing.image.ImageDataGenerator(**AUGMENT).flow_from_directory(
            folder, target_size=SIZE, batch_size=BATCH, seed=0)
        if name == "lamina_idg_workers":
            it._workers = THREADS

        def run():
            return sum(len(x) for x, _ in iterate_batches(it, range(len(it))))
        return _best(run, rounds)

    ds = lamina.utils.image_dataset_from_directory(folder, image_size=SIZE, batch_size=BATCH,
                                                   seed=0, verbose=False)
    rng = np.random.default_rng(0)

    def augment(x, y):
        flip = rng.random(len(x)) < 0.5
        x = np.where(flip[:, None, None, None], x[:, :, ::-1], x)
        return np.clip(x * rng.uniform(0.8, 1.2, (len(x), 1, 1, 1)), 0, 255) / 255.0, y

    if name == "lamina_ds_parallel":
        pipeline = ds.map(augment, num_parallel_calls=AUTOTUNE).prefetch(AUTOTUNE)
    else:
        pipeline = ds.map(augment)
    return _best(lambda: sum(len(x) for x, _ in pipeline), rounds)


CONTENDERS = [
    ("lamina_idg", "lamina ImageDataGenerator.flow_from_directory, no workers"),
    ("keras_idg", "Keras 3 ImageDataGenerator.flow_from_directory, no workers"),
    ("lamina_idg_workers", "lamina flow_from_directory, workers=2"),
    ("keras_workers", "Keras 3 flow_from_directory, workers=2"),
    ("lamina_ds", "lamina image_dataset_from_directory.map(augment)"),
    ("lamina_ds_parallel", "... .map(augment, num_parallel_calls=AUTOTUNE).prefetch()"),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--images", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps({"rate": child(args.child, args.folder, args.rounds)}))
        return
    print(f"load average: {os.getloadavg()[0]:.2f}; {args.images} JPEGs of {SIZE}, batch {BATCH}")
    with tempfile.TemporaryDirectory() as folder:
        make_folder(folder, args.images)
        rates = {}
        for name, label in CONTENDERS:
            proc = subprocess.run(
                [sys.executable, __file__, "--child", name, "--folder", folder,
                 "--rounds", str(args.rounds)], capture_output=True, text=True)
            lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
            if proc.returncode or not lines:
                reason = (proc.stderr.strip().splitlines() or ["failed"])[-1]
                print(f"{label:62s}  did not run: {reason}")
                continue
            rates[name] = json.loads(lines[-1])["rate"]
            print(f"{label:62s} {rates[name]:8.1f} images/s")
    for mine, theirs in (("lamina_idg", "keras_idg"), ("lamina_idg_workers", "keras_workers")):
        if mine in rates and theirs in rates:
            print(f"ratio {mine} / {theirs}: {rates[mine] / rates[theirs]:.2f}x")
    if "lamina_ds" in rates and "lamina_ds_parallel" in rates:
        print(f"ratio parallel map + prefetch / plain map: "
              f"{rates['lamina_ds_parallel'] / rates['lamina_ds']:.2f}x")


if __name__ == "__main__":
    main()
