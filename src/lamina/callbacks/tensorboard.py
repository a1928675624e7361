"""``TensorBoard``: write training curves and weight histograms for TensorBoard.

The event files are written with the ``tensorboard`` package's own writer and protocol
buffers, so no TensorFlow is needed; ``pip install tensorboard`` provides both the writer and
the viewer (``tensorboard --logdir logs``).
"""

from __future__ import annotations

import os
import time
import warnings

import numpy as np

from lamina.backend import core
from lamina.callbacks._lr import current_lr
from lamina.callbacks.callback import Callback

_HISTOGRAM_BUCKETS = 30  # what tf.summary.histogram uses by default


def _tensorboard_modules():
    try:
        from tensorboard.compat.proto import event_pb2, summary_pb2
        from tensorboard.summary.writer.event_file_writer import EventFileWriter
    except ImportError as e:
        raise ImportError(
            "The TensorBoard callback writes its event files with the `tensorboard` package, "
            "which is not installed. Install it with `pip install tensorboard` (TensorFlow is "
            "not needed)."
        ) from e
    return EventFileWriter, event_pb2, summary_pb2


def _to_float(value):
    if core.is_tensor(value):
        value = core.convert_to_numpy(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


class _EventWriter:
    """One run directory's event file: scalars and histograms, as TensorBoard reads them."""

    def __init__(self, logdir, modules):
        writer_cls, self._event_pb2, self._summary_pb2 = modules
        os.makedirs(logdir, exist_ok=True)
        self._writer = writer_cls(logdir)

    def _write(self, value, step):
        summary = self._summary_pb2.Summary(value=[value])
        event = self._event_pb2.Event(wall_time=time.time(), step=int(step), summary=summary)
        self._writer.add_event(event)

    def scalar(self, tag, value, step):
        self._write(self._summary_pb2.Summary.Value(tag=tag, simple_value=float(value)), step)

    def histogram(self, tag, values, step, buckets=_HISTOGRAM_BUCKETS):
        values = np.asarray(values, dtype=np.float64).reshape(-1)
        values = values[np.isfinite(values)]
        proto = self._summary_pb2.HistogramProto()
        if values.size:
            low, high = float(values.min()), float(values.max())
            if low == high:
                counts, edges = np.array([values.size]), np.array([low, high])
            else:
                counts, edges = np.histogram(values, bins=buckets, range=(low, high))
            proto.min, proto.max = low, high
            proto.num = float(values.size)
            proto.sum = float(values.sum())
            proto.sum_squares = float(np.dot(values, values))
            proto.bucket_limit.extend(float(e) for e in edges[1:])
            proto.bucket.extend(float(c) for c in counts)
        self._write(self._summary_pb2.Summary.Value(tag=tag, histo=proto), step)

    def flush(self):
        self._writer.flush()

    def close(self):
        self._writer.close()


class TensorBoard(Callback):
    """Log metrics (per epoch, and per batch with ``update_freq``) and weight histograms.

    Scalars go to ``log_dir/train`` and ``log_dir/validation`` as ``epoch_<metric>`` (the
    validation run drops the ``val_`` prefix), with ``epoch_learning_rate``; with
    ``update_freq=N`` the training logs are also written every N batches as
    ``batch_<metric>``. ``histogram_freq=N`` writes each layer weight's histogram every N
    epochs, tagged ``<weight path>/histogram``. ``evaluate()`` adds
    ``evaluation_<metric>_vs_iterations`` to the validation run.

    Args:
        log_dir: where the runs are written.
        histogram_freq: epochs between weight histograms (0: none).
        write_graph: accepted for compatibility; torch models have no graph to write.
        write_images: not supported (a warning).
        write_steps_per_second: also log ``epoch_steps_per_second`` (and per batch).
        update_freq: ``"epoch"``, ``"batch"`` or an integer number of batches.
        profile_batch: must be 0 (Keras does not profile on torch either).
        embeddings_freq, embeddings_metadata: not supported (a warning if set).

    Needs the ``tensorboard`` package (``pip install tensorboard``), not TensorFlow.

    >>> tb = TensorBoard(log_dir="./logs", histogram_freq=1, update_freq=10)
    >>> model.fit(x, y, epochs=5, callbacks=[tb])   # doctest: +SKIP
    """

    # Batch logs are converted only on the batches that are written.
    _accepts_raw_batch_logs = True

    def __init__(
        self,
        log_dir="logs",
        histogram_freq=0,
        write_graph=True,
        write_images=False,
        write_steps_per_second=False,
        update_freq="epoch",
        profile_batch=0,
        embeddings_freq=0,
        embeddings_metadata=None,
    ):
        super().__init__()
        self._modules = _tensorboard_modules()
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq = histogram_freq
        self.write_graph = write_graph
        self.write_images = write_images
        self.write_steps_per_second = write_steps_per_second
        self.update_freq = 1 if update_freq == "batch" else update_freq
        if self.update_freq != "epoch" and (
            not isinstance(self.update_freq, int) or self.update_freq < 1
        ):
            raise ValueError(
                "`update_freq` must be 'epoch', 'batch' or a positive integer. "
                f"Received: update_freq={update_freq}"
            )
        self.embeddings_freq = embeddings_freq
        self.embeddings_metadata = embeddings_metadata
        if profile_batch:
            raise ValueError(
                "Profiling is not available with the torch backend (as in Keras). Received: "
                f"profile_batch={profile_batch} (must be 0)"
            )
        if write_images or embeddings_freq:
            warnings.warn(
                "TensorBoard: `write_images` and `embeddings_freq` are not supported yet and are "
                "ignored.",
                stacklevel=2,
            )
        self._train_dir = os.path.join(self.log_dir, "train")
        self._val_dir = os.path.join(self.log_dir, "validation")
        self._writers = {}
        self._global_train_batch = 0
        self._global_test_batch = 0
        self._previous_epoch_iterations = 0
        self._epoch_start_time = 0.0
        self._batch_start_time = 0.0

    # -- writers ------------------------------------------------------------------------------

    @property
    def _train_writer(self):
        if "train" not in self._writers:
            self._writers["train"] = _EventWriter(self._train_dir, self._modules)
        return self._writers["train"]

    @property
    def _val_writer(self):
        if "val" not in self._writers:
            self._writers["val"] = _EventWriter(self._val_dir, self._modules)
        return self._writers["val"]

    def _close_writers(self):
        for writer in self._writers.values():
            writer.close()
        self._writers = {}

    # -- hooks --------------------------------------------------------------------------------

    def on_train_begin(self, logs=None):
        self._global_train_batch = 0
        self._previous_epoch_iterations = 0

    def on_train_end(self, logs=None):
        self._close_writers()

    def on_train_batch_begin(self, batch, logs=None):
        self._global_train_batch += 1
        if self.write_steps_per_second:
            self._batch_start_time = time.time()

    def on_train_batch_end(self, batch, logs=None):
        if self.update_freq == "epoch" or self._global_train_batch % self.update_freq:
            return
        step = self._global_train_batch
        writer = self._train_writer
        if self.write_steps_per_second:
            elapsed = time.time() - self._batch_start_time
            if elapsed > 0:
                writer.scalar("batch_steps_per_second", 1.0 / elapsed, step)
        if isinstance(logs, dict):
            for name, value in logs.items():
                value = _to_float(value)
                if value is not None:
                    writer.scalar(f"batch_{name}", value, step)

    def on_test_batch_begin(self, batch, logs=None):
        self._global_test_batch += 1

    def on_test_end(self, logs=None):
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is None or not hasattr(optimizer, "iterations") or not logs:
            return
        step = int(_to_float(optimizer.iterations) or 0)
        for name, value in logs.items():
            value = _to_float(value)
            if value is not None:
                self._val_writer.scalar(f"evaluation_{name}_vs_iterations", value, step)
        self._val_writer.flush()

    def on_epoch_begin(self, epoch, logs=None):
        if self.write_steps_per_second:
            self._previous_epoch_iterations = self._iterations()
            self._epoch_start_time = time.time()

    def on_epoch_end(self, epoch, logs=None):
        self._log_epoch_metrics(epoch, logs)
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._log_weights(epoch)

    # -- what is written ----------------------------------------------------------------------

    def _iterations(self):
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is None:
            return 0
        return _to_float(optimizer.iterations) or 0

    def _collect_learning_rate(self, logs):
        optimizer = getattr(self.model, "optimizer", None)
        optimizer = getattr(optimizer, "inner_optimizer", optimizer)
        inner = getattr(optimizer, "optimizers", None)
        if inner:
            for opt in inner:
                logs[f"learning_rate_{opt.name}"] = current_lr(opt)
        elif optimizer is not None and hasattr(optimizer, "learning_rate"):
            logs["learning_rate"] = current_lr(optimizer)
        return logs

    def _log_epoch_metrics(self, epoch, logs):
        if not logs:
            return
        train_logs = {k: v for k, v in logs.items() if not k.startswith("val_")}
        val_logs = {k: v for k, v in logs.items() if k.startswith("val_")}
        train_logs = self._collect_learning_rate(train_logs)
        if self.write_steps_per_second:
            elapsed = time.time() - self._epoch_start_time
            steps = self._iterations() - self._previous_epoch_iterations
            train_logs["steps_per_second"] = steps / elapsed if elapsed > 0 else 0.0
        for writer, items, strip in (
            (self._train_writer if train_logs else None, train_logs, 0),
            (self._val_writer if val_logs else None, val_logs, 4),
        ):
            if writer is None:
                continue
            for name, value in items.items():
                value = _to_float(value)
                if value is not None:
                    writer.scalar(f"epoch_{name[strip:]}", value, epoch)
            writer.flush()

    def _log_weights(self, epoch):
        writer = self._train_writer
        for layer in getattr(self.model, "layers", []):
            for weight in layer.weights:
                name = str(getattr(weight, "path", None) or weight.name).replace(":", "_")
                writer.histogram(f"{name}/histogram", core.convert_to_numpy(weight), epoch)
        writer.flush()
