"""``tf.summary`` for the stand-in: scalars and histograms in TensorBoard event files.

The files are written with the ``tensorboard`` package (as the ``TensorBoard`` callback
writes them), so ``tensorboard --logdir`` shows them.

>>> import lamina.compat.tensorflow as tf
>>> writer = tf.summary.create_file_writer("my_logs/run")   # doctest: +SKIP
>>> with writer.as_default():                                # doctest: +SKIP
...     tf.summary.scalar("my_scalar", 0.5, step=1)
"""

from __future__ import annotations

import contextlib
import threading

from lamina.backend import core
from lamina.callbacks.tensorboard import _EventWriter, _tensorboard_modules

_DEFAULT = threading.local()


def _values(data):
    return core.convert_to_numpy(data) if core.is_tensor(data) else data


class SummaryWriter:
    """What ``create_file_writer`` returns: ``as_default()``, ``flush()``, ``close()``."""

    def __init__(self, logdir):
        self._writer = _EventWriter(str(logdir), _tensorboard_modules())

    @contextlib.contextmanager
    def as_default(self, step=None):
        outer = getattr(_DEFAULT, "writer", None), getattr(_DEFAULT, "step", None)
        _DEFAULT.writer = self
        if step is not None:
            _DEFAULT.step = step
        try:
            yield self
        finally:
            _DEFAULT.writer, _DEFAULT.step = outer
            self.flush()

    def set_as_default(self, step=None):
        _DEFAULT.writer = self
        if step is not None:
            _DEFAULT.step = step

    def flush(self):
        self._writer.flush()

    def close(self):
        self._writer.close()


def create_file_writer(logdir, max_queue=None, flush_millis=None, filename_suffix=None,
                       name=None, experimental_trackable=False):
    """A writer of event files in ``logdir``."""
    return SummaryWriter(logdir)


def _target(step):
    writer = getattr(_DEFAULT, "writer", None)
    step = step if step is not None else getattr(_DEFAULT, "step", None)
    if writer is None:
        return None, None  # TensorFlow writes nothing (and returns False) without a writer
    if step is None:
        raise ValueError("tf.summary: no step given and no default step set "
                         "(pass step=, or tf.summary.experimental.set_step).")
    return writer, int(_values(step))


def scalar(name, data, step=None, description=None):
    """Write a scalar under ``name`` at ``step``; False when no writer is the default."""
    writer, step = _target(step)
    if writer is None:
        return False
    writer._writer.scalar(name, float(_values(data)), step)
    return True


def histogram(name, data, step=None, buckets=None, description=None):
    """Write a histogram of ``data`` (``buckets`` bins, 30 by default as TensorFlow)."""
    writer, step = _target(step)
    if writer is None:
        return False
    writer._writer.histogram(name, _values(data), step, buckets=buckets or 30)
    return True


def flush(writer=None, name=None):
    writer = writer or getattr(_DEFAULT, "writer", None)
    if writer is not None:
        writer.flush()
