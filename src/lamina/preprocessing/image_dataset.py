"""``image_dataset_from_directory``: batches of ``(images, labels)`` from a folder of class
sub-folders, as NumPy arrays (lamina has no ``tf.data``; the result is a ``lamina.utils.Dataset``,
also readable by index like a ``PyDataset``, that ``fit`` takes directly and a ``for`` loop
iterates).

>>> # ds = image_dataset_from_directory("photos", image_size=(64, 64), batch_size=8)
>>> # ds.class_names -> ['cat', 'dog'];  for images, labels in ds: ...
"""

from __future__ import annotations

import os

import numpy as np

from lamina import config
from lamina.preprocessing import directory_index
from lamina.preprocessing.resize import resize_images
from lamina.utils.dataset import Dataset
from lamina.utils.py_dataset import PyDataset

ALLOWLIST_FORMATS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")
INTERPOLATIONS = ("bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5", "gaussian",
                  "mitchellcubic")


class ImageDataset(Dataset, PyDataset):
    """Batches of images (float32, ``(batch, height, width, channels)``) and labels read from
    files; reshuffled each epoch when ``shuffle=True``. Has ``class_names`` and ``file_paths``.

    A ``utils.Dataset`` (``.map``, ``.prefetch``, ``.cache``, ``.unbatch``, ...) whose batches
    can also be read by index, as a ``PyDataset``.
    """

    def __init__(self, file_paths, labels, class_names, label_mode, image_size, num_channels,
                 batch_size, shuffle, seed, interpolation, crop_to_aspect_ratio,
                 pad_to_aspect_ratio, data_format):
        PyDataset.__init__(self)
        self.file_paths = list(file_paths)
        self.labels = labels
        self.class_names = class_names
        self.label_mode = label_mode
        self.image_size = tuple(int(s) for s in image_size)
        self.num_channels = num_channels
        self.batch_size = batch_size
        if batch_size is not None:
            self._batch_size = batch_size  # batched: split_dataset re-batches its parts
        self._shuffle = shuffle
        self._rng = np.random.RandomState(seed)
        self.interpolation = interpolation
        self.crop_to_aspect_ratio = crop_to_aspect_ratio
        self.pad_to_aspect_ratio = pad_to_aspect_ratio
        self.data_format = data_format
        self._order = np.arange(len(self.file_paths))
        if shuffle:
            self._rng.shuffle(self._order)

    def __len__(self):
        if self.batch_size is None:
            return len(self.file_paths)
        return (len(self.file_paths) + self.batch_size - 1) // self.batch_size

    def on_epoch_end(self):
        if self._shuffle:
            self._rng.shuffle(self._order)

    def _load(self, path):
        from PIL import Image

        with Image.open(path) as img:
            img.load()
            mode = {1: "L", 3: "RGB", 4: "RGBA"}[self.num_channels]
            x = np.asarray(img.convert(mode) if img.mode != mode else img, dtype="float32")
        if x.ndim == 2:
            x = x[:, :, None]
        th, tw = self.image_size
        h, w = x.shape[:2]
        if self.crop_to_aspect_ratio:
            ch = max(min(h, int(float(w * th) / tw)), 1)
            cw = max(min(w, int(float(h * tw) / th)), 1)
            top, left = int((h - ch) / 2), int((w - cw) / 2)
            x = x[top: top + ch, left: left + cw]
        elif self.pad_to_aspect_ratio:
            ph = max(h, int(float(w * th) / tw))
            pw = max(w, int(float(h * tw) / th))
            padded = np.zeros((ph, pw, x.shape[2]), dtype="float32")
            top, left = (ph - h) // 2, (pw - w) // 2
            padded[top: top + h, left: left + w] = x
            x = padded
        x = resize_images(x, self.image_size, self.interpolation)
        if self.data_format == "channels_first":
            x = x.transpose(2, 0, 1)
        return x

    def _labels_for(self, idx):
        y = self.labels[idx]
        if self.label_mode == "int":
            return y.astype("int32")
        if self.label_mode == "binary":
            return y.astype("float32").reshape(-1, 1) if y.ndim else np.float32(y).reshape(1)
        if self.label_mode == "categorical":
            n = len(self.class_names)
            return np.eye(n, dtype="float32")[y]
        return y

    def __getitem__(self, index):
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(f"batch {index} is out of range for {len(self)} batches")
        if self.batch_size is None:
            idx = self._order[index]
            x = self._load(self.file_paths[idx])
        else:
            idx = self._order[index * self.batch_size:(index + 1) * self.batch_size]
            x = np.stack([self._load(self.file_paths[i]) for i in idx])
        if self.labels is None:
            return x
        return x, self._labels_for(idx)

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]
        self.on_epoch_end()

    def cardinality(self):
        return len(self)

    def __repr__(self):
        return (f"<ImageDataset: {len(self.file_paths)} files, {len(self)} batches, "
                f"class_names={self.class_names}>")


def image_dataset_from_directory(directory, labels="inferred", label_mode="int",
                                 class_names=None, color_mode: str = "rgb",
                                 batch_size: int | None = 32, image_size=(256, 256),
                                 shuffle: bool = True, seed: int | None = None,
                                 validation_split: float | None = None, subset=None,
                                 interpolation: str = "bilinear", follow_links: bool = False,
                                 crop_to_aspect_ratio: bool = False,
                                 pad_to_aspect_ratio: bool = False, data_format=None,
                                 verbose: bool = True, **kwargs):
    """Batches of ``(images, labels)`` from ``directory/<class name>/<image files>``.

    ``label_mode``: ``'int'`` (int32 class indices), ``'categorical'`` (one-hot float32),
    ``'binary'`` (float32, shape ``(batch, 1)``, exactly two classes) or None (images only).
    With ``validation_split`` and ``subset`` (``'training'``, ``'validation'`` or ``'both'``,
    which returns both), the files are split after one seeded shuffle, so two calls with the
    same ``seed`` give disjoint parts.
    """
    kwargs.pop("format", None)
    if kwargs:
        raise TypeError(f"image_dataset_from_directory: unexpected arguments {sorted(kwargs)}")
    directory_index.check_arguments(labels, label_mode, validation_split, subset, shuffle, seed)
    if labels is None or label_mode is None:
        labels, label_mode = None, None
    channels = {"rgb": 3, "rgba": 4, "grayscale": 1}
    if color_mode not in channels:
        raise ValueError(
            f'`color_mode` must be one of "rgb", "rgba", "grayscale"; got {color_mode!r}'
        )
    if isinstance(image_size, int):
        image_size = (image_size, image_size)
    elif not isinstance(image_size, (list, tuple)) or len(image_size) != 2:
        raise ValueError(f"`image_size` should be a tuple of 2 integers; got {image_size!r}")
    interpolation = interpolation.lower()
    if interpolation not in INTERPOLATIONS:
        raise ValueError(f"`interpolation` should be one of {INTERPOLATIONS}; got "
                         f"{interpolation!r}")
    if seed is None:
        seed = np.random.randint(1_000_000)
    paths, found, class_names = directory_index.list_files(
        directory, labels, label_mode, class_names, ALLOWLIST_FORMATS, shuffle, seed,
        follow_links, verbose)
    directory = os.fspath(directory)
    data_format = config.standardize_data_format(data_format)

    def make(subset_name, shuffle_part):
        part_paths, part_labels = directory_index.split(paths, found, validation_split,
                                                       subset_name)
        if not part_paths:
            raise ValueError(
                f"No images found in directory {directory}. Allowed formats: "
                f"{ALLOWLIST_FORMATS}"
            )
        return ImageDataset(part_paths, part_labels, class_names, label_mode, image_size,
                            channels[color_mode], batch_size, shuffle_part, seed, interpolation,
                            crop_to_aspect_ratio, pad_to_aspect_ratio, data_format)

    if subset == "both":
        return [make("training", shuffle), make("validation", False)]
    return make(subset, shuffle)
