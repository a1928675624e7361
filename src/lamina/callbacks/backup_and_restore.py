"""``BackupAndRestore``: resume an interrupted ``fit`` where it stopped."""

from __future__ import annotations

import json
import os
import hashlib
import shutil

from lamina.backend import random as backend_random
from lamina.callbacks.callback import Callback


class BackupAndRestore(Callback):
    """Back up the model and optimizer state each epoch; restore it when ``fit`` starts again.

    If a run dies (crash, preemption, Ctrl-C), running the same ``fit`` with the same
    ``backup_dir`` reloads the last backup and continues with the next epoch. The backup is
    deleted when training ends normally (unless ``delete_checkpoint=False``).

    Args:
        backup_dir: a directory used only by this callback.
        save_freq: ``"epoch"``, or an integer: back up every that many batches.
        double_checkpoint: also keep the previous backup, used if the latest cannot be read.
        delete_checkpoint: remove ``backup_dir`` at the end of a completed ``fit``.

    The files are Keras' (``latest.weights.h5`` with the optimizer state, and
    ``training_metadata.json``). On ``on_train_begin`` it sets ``model._initial_epoch``,
    which ``fit`` reads to know where to start. Unlike Keras, a run killed at any moment
    (SIGKILL included) resumes to the weights an uninterrupted run reaches: a backup taken
    inside an epoch (integer ``save_freq``) resumes at the next batch rather than repeating
    the epoch, the random generators' states are restored (same shuffles and dropout masks),
    and the weights and metadata are committed together (each file is written beside the old
    one and renamed into place; the metadata holds the weights' hash).

    >>> backup = BackupAndRestore(backup_dir="/tmp/backup")
    >>> model.fit(x, y, epochs=10, callbacks=[backup])   # doctest: +SKIP
    """

    _accepts_raw_batch_logs = True  # it never reads batch logs

    def __init__(
        self, backup_dir, save_freq="epoch", double_checkpoint=False, delete_checkpoint=True
    ):
        super().__init__()
        self.save_freq = save_freq
        self.double_checkpoint = double_checkpoint
        self.delete_checkpoint = delete_checkpoint
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen = 0
        self._current_epoch = 0
        self._resume = None
        self._epoch_rng = None
        if not backup_dir:
            raise ValueError("Empty `backup_dir` argument passed")
        self.backup_dir = os.fspath(backup_dir)
        self._weights_path = os.path.join(self.backup_dir, "latest.weights.h5")
        self._training_metadata_path = os.path.join(self.backup_dir, "training_metadata.json")
        self._prev_weights_path = f"{self._weights_path}.bkp"
        self._prev_training_metadata_path = f"{self._training_metadata_path}.bkp"
        if save_freq != "epoch" and (not isinstance(save_freq, int) or isinstance(save_freq, bool)):
            raise ValueError(
                f"Invalid value for argument `save_freq`. Received: save_freq={save_freq}. "
                "Expected either 'epoch' or an integer value."
            )

    def on_train_begin(self, logs=None):
        try:
            self._load_model()
        except OSError:
            if not os.path.exists(self._prev_weights_path):
                raise
            shutil.copyfile(self._prev_weights_path, self._weights_path)
            if os.path.exists(self._prev_training_metadata_path):
                shutil.copyfile(self._prev_training_metadata_path, self._training_metadata_path)
            elif os.path.exists(self._training_metadata_path):
                os.remove(self._training_metadata_path)
            self._load_model()

    def _load_model(self):
        model = self.model
        if not getattr(model, "built", True):
            raise ValueError(
                "To use the BackupAndRestore callback, your model must be built before you call "
                f"`fit()`. Model {model} is unbuilt. You can build it beforehand by calling it "
                "on a batch of data."
            )
        self._resume = None
        if not os.path.exists(self._weights_path):
            return
        optimizer = getattr(model, "optimizer", None)
        if optimizer is not None and not optimizer.built:
            optimizer.build(model.trainable_weights)
        model.load_weights(self._weights_path)
        metadata = self._matching_metadata()
        if metadata is None:
            return
        model._initial_epoch = metadata["epoch"]
        # lamina's own keys (Keras writes only epoch and batch): where inside the epoch the
        # backup was taken, and the random generators' states, so the resumed run draws the
        # same shuffles and dropout masks as an uninterrupted one.
        step = int(metadata.get("step", 0))
        model._initial_step = step
        self._resume = metadata
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen = max(step - 1, 0)
        if "rng" in metadata and not step:
            backend_random.set_global_state(metadata["rng"])

    def _matching_metadata(self):
        """The metadata written with the weights file now in place.

        A save writes the metadata as ``<name>.next`` first, renames the weights file into
        place, then renames the metadata: a process killed between the two renames leaves new
        weights beside old metadata, and the weights' hash says which metadata is theirs.
        """
        digest = _sha256(self._weights_path)
        found = None
        for path in (self._training_metadata_path + ".next", self._training_metadata_path):
            if not os.path.exists(path):
                continue
            try:
                with open(path) as f:
                    metadata = json.load(f)
            except (OSError, ValueError):
                continue
            if not isinstance(metadata, dict) or not isinstance(metadata.get("epoch"), int):
                continue
            if metadata.get("weights_sha256", digest) == digest:
                found = metadata
                break
        return found

    def on_epoch_begin(self, epoch, logs=None):
        resume = self._resume
        if resume is not None and resume.get("step"):
            # a backup taken inside this epoch: draw the epoch's shuffle as the first run did
            self._epoch_rng = resume["epoch_rng"]
            backend_random.set_global_state(self._epoch_rng)
        elif self.save_freq != "epoch":
            self._epoch_rng = backend_random.get_global_state()

    def on_train_batch_begin(self, batch, logs=None):
        resume, self._resume = self._resume, None
        if resume is not None and resume.get("step"):
            # the resumed epoch's order is drawn and its finished batches skipped: go on with
            # the generators as they were when the backup was taken
            backend_random.set_global_state(resume["rng"])

    def on_epoch_end(self, epoch, logs=None):
        self._current_epoch = epoch + 1
        self._last_batch_seen = 0
        if self.save_freq == "epoch":
            self._save_model()

    def on_train_batch_end(self, batch, logs=None):
        if self._should_save_on_batch(batch):
            self._save_model(step=batch + 1)

    def _save_model(self, step=0):
        os.makedirs(self.backup_dir, exist_ok=True)
        if self.double_checkpoint and os.path.exists(self._weights_path):
            shutil.copyfile(self._weights_path, self._prev_weights_path)
        if self.double_checkpoint and os.path.exists(self._training_metadata_path):
            shutil.copyfile(self._training_metadata_path, self._prev_training_metadata_path)
        # Keras' keys: the epoch to start from and the batch; a backup inside an epoch keeps
        # that epoch (Keras repeats it from the start; lamina skips the batches already done).
        metadata = {"epoch": self._current_epoch, "batch": self._last_batch_seen}
        if step:
            metadata["step"] = step
            metadata["epoch_rng"] = self._epoch_rng or backend_random.get_global_state()
        metadata["rng"] = backend_random.get_global_state()
        staged = self._weights_path + ".next.weights.h5"
        self.model.save_weights(staged, overwrite=True)
        metadata["weights_sha256"] = _sha256(staged)
        pending = self._training_metadata_path + ".next"
        _write_atomically(pending, json.dumps(metadata))
        os.replace(staged, self._weights_path)
        os.replace(pending, self._training_metadata_path)

    def _should_save_on_batch(self, batch):
        if self.save_freq == "epoch":
            return False
        if batch <= self._last_batch_seen:  # a new epoch
            add_batches = batch + 1
        else:
            add_batches = batch - self._last_batch_seen
        self._batches_seen_since_last_saving += add_batches
        self._last_batch_seen = batch
        if self._batches_seen_since_last_saving >= self.save_freq:
            self._batches_seen_since_last_saving = 0
            return True
        return False

    def on_train_end(self, logs=None):
        if self.delete_checkpoint and os.path.exists(self.backup_dir):
            shutil.rmtree(self.backup_dir)


def _sha256(path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _write_atomically(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
