"""The iterators behind ``ImageDataGenerator.flow*``: batches by index (``Sequence``) or by
``next()`` (Keras 2 generators), augmented and standardized by the generator.

Random draws use NumPy's global generator, seeded with ``seed + batches seen`` before each
batch when a ``seed`` is given, exactly as Keras does, so seeded runs repeat.
"""

from __future__ import annotations

import os
import threading
import warnings

import numpy as np

from lamina import config
from lamina.preprocessing.image_utils import array_to_img, img_to_array, load_img
from lamina.utils.py_dataset import PyDataset

WHITE_LIST_FORMATS = ("png", "jpg", "jpeg", "bmp", "ppm", "tif", "tiff")


class BatchIndexError(IndexError, ValueError):
    """A batch index past the end (an IndexError; Keras raised ValueError, so it is one too)."""


class Iterator(PyDataset):
    """Base class: ``n`` samples served ``batch_size`` at a time, shuffled each epoch if asked.

    Subclasses define ``_get_batches_of_transformed_samples(index_array)``.
    """

    white_list_formats = WHITE_LIST_FORMATS

    def __init__(self, n, batch_size, shuffle, seed, **kwargs):
        super().__init__(**kwargs)
        if batch_size is None or int(batch_size) < 1:
            raise ValueError(f"batch_size must be a positive integer; got {batch_size!r}")
        self.n = n
        self.batch_size = int(batch_size)
        self.seed = seed
        self.shuffle = shuffle
        self.batch_index = 0
        self.total_batches_seen = 0
        self.lock = threading.Lock()
        self.index_array = None
        self.index_generator = self._flow_index()

    def _set_index_array(self):
        self.index_array = np.random.permutation(self.n) if self.shuffle else np.arange(self.n)

    def __getitem__(self, idx):
        if idx >= len(self) or idx < -len(self):
            raise BatchIndexError(f"Asked for batch {idx}, but the Sequence has length {len(self)}")
        idx = idx % len(self)
        if self.seed is not None:
            np.random.seed(self.seed + self.total_batches_seen)
        self.total_batches_seen += 1
        if self.index_array is None:
            self._set_index_array()
        index_array = self.index_array[self.batch_size * idx: self.batch_size * (idx + 1)]
        return self._get_batches_of_transformed_samples(index_array)

    def __len__(self):
        return (self.n + self.batch_size - 1) // self.batch_size

    def on_epoch_end(self):
        self._set_index_array()

    def reset(self):
        self.batch_index = 0

    def _flow_index(self):
        self.reset()
        while True:
            if self.seed is not None:
                np.random.seed(self.seed + self.total_batches_seen)
            if self.batch_index == 0:
                self._set_index_array()
            current = 0 if self.n == 0 else (self.batch_index * self.batch_size) % self.n
            if self.n > current + self.batch_size:
                self.batch_index += 1
            else:
                self.batch_index = 0
            self.total_batches_seen += 1
            yield self.index_array[current: current + self.batch_size]

    def __iter__(self):
        return self

    def __next__(self):
        with self.lock:
            index_array = next(self.index_generator)
        return self._get_batches_of_transformed_samples(index_array)

    next = __next__  # Keras 2: generator.next()

    def _get_batches_of_transformed_samples(self, index_array):
        raise NotImplementedError

    def _save_batch(self, batch_x, index_array, high):
        for i, j in enumerate(index_array):
            img = array_to_img(batch_x[i], self.data_format, scale=True)
            fname = f"{self.save_prefix}_{j}_{np.random.randint(high)}.{self.save_format}"
            img.save(os.path.join(self.save_to_dir, fname))


class NumpyArrayIterator(Iterator):
    """Batches of augmented images from a rank-4 array ``x`` (with labels ``y`` if given)."""

    def __init__(self, x, y, image_data_generator, batch_size=32, shuffle=False,
                 sample_weight=None, seed=None, data_format=None, save_to_dir=None,
                 save_prefix="", save_format="png", subset=None, ignore_class_split=False,
                 dtype=None, **kwargs):
        data_format = config.standardize_data_format(data_format)
        self.dtype = dtype or config.floatx()
        if isinstance(x, (tuple, list)):
            x_misc = [np.asarray(x[1])] if not isinstance(x[1], list) else [
                np.asarray(xx) for xx in x[1]]
            x = x[0]
            for xx in x_misc:
                if len(x) != len(xx):
                    raise ValueError(
                        "All of the arrays in `x` should have the same length; got "
                        f"len(x[0]) = {len(x)}, len(x[?]) = {len(xx)}"
                    )
        else:
            x_misc = []
        if y is not None and len(x) != len(y):
            raise ValueError(
                "`x` (images tensor) and `y` (labels) should have the same length; got "
                f"x.shape = {np.asarray(x).shape}, y.shape = {np.asarray(y).shape}"
            )
        if sample_weight is not None and len(x) != len(sample_weight):
            raise ValueError(
                "`x` (images tensor) and `sample_weight` should have the same length; got "
                f"x.shape = {np.asarray(x).shape}, "
                f"sample_weight.shape = {np.asarray(sample_weight).shape}"
            )
        if subset is not None:
            if subset not in ("training", "validation"):
                raise ValueError(f'Invalid subset {subset!r}; expected "training" or "validation"')
            split_idx = int(len(x) * image_data_generator._validation_split)
            if (y is not None and not ignore_class_split
                    and not np.array_equal(np.unique(y[:split_idx]), np.unique(y[split_idx:]))):
                raise ValueError(
                    "Training and validation subsets have different classes after the split. "
                    "If your arrays are sorted by label, shuffle them first (or pass "
                    "ignore_class_split=True)."
                )
            part = slice(None, split_idx) if subset == "validation" else slice(split_idx, None)
            x = x[part]
            x_misc = [np.asarray(xx[part]) for xx in x_misc]
            if y is not None:
                y = y[part]
        self.x = np.asarray(x, dtype=self.dtype)
        self.x_misc = x_misc
        if self.x.ndim != 4:
            raise ValueError(
                "Input data in `NumpyArrayIterator` should have rank 4 (images, rows, cols, "
                f"channels); got an array of shape {self.x.shape}"
            )
        channels_axis = 3 if data_format == "channels_last" else 1
        if self.x.shape[channels_axis] not in (1, 3, 4):
            warnings.warn(
                f'NumpyArrayIterator uses the data format "{data_format}" (channels on axis '
                f"{channels_axis}): expected 1, 3 or 4 channels there, but the array has "
                f"shape {self.x.shape}.", stacklevel=3)
        self.y = np.asarray(y) if y is not None else None
        self.sample_weight = np.asarray(sample_weight) if sample_weight is not None else None
        self.image_data_generator = image_data_generator
        self.data_format = data_format
        self.save_to_dir = save_to_dir
        self.save_prefix = save_prefix
        self.save_format = save_format
        super().__init__(self.x.shape[0], batch_size, shuffle, seed, **kwargs)

    def _get_batches_of_transformed_samples(self, index_array):
        gen = self.image_data_generator
        batch_x = np.zeros((len(index_array),) + self.x.shape[1:], dtype=self.dtype)
        for i, j in enumerate(index_array):
            x = self.x[j]
            params = gen.get_random_transform(x.shape)
            x = gen.apply_transform(x.astype(self.dtype), params)
            batch_x[i] = gen.standardize(x)
        if self.save_to_dir:
            self._save_batch(batch_x, index_array, 10_000)
        batch_x_miscs = [xx[index_array] for xx in self.x_misc]
        first = batch_x if not batch_x_miscs else [batch_x] + batch_x_miscs
        if self.y is None:
            return first
        output = (first, self.y[index_array])
        if self.sample_weight is not None:
            output += (self.sample_weight[index_array],)
        return output


def _iter_valid_files(directory, formats, follow_links):
    for root, _, files in sorted(os.walk(directory, followlinks=follow_links),
                                 key=lambda t: t[0]):
        for fname in sorted(files):
            if fname.lower().endswith(".tiff"):
                warnings.warn('Using ".tiff" files with multiple bands will cause distortion. '
                              "Please verify your output.", stacklevel=4)
            if fname.lower().endswith(formats):
                yield root, fname


def _list_files_in_class(directory, formats, split, class_index, follow_links):
    """(labels, filenames relative to the parent of ``directory``) for one class folder."""
    dirname = os.path.basename(directory)
    files = list(_iter_valid_files(directory, formats, follow_links))
    if split:
        start, stop = int(split[0] * len(files)), int(split[1] * len(files))
        files = files[start:stop]
    filenames = [os.path.join(dirname, os.path.relpath(os.path.join(root, f), directory))
                 for root, f in files]
    return [class_index] * len(filenames), filenames


class BatchFromFilesMixin:
    """Turns file paths into batches: load, resize, augment, standardize, label."""

    def set_processing_attrs(self, image_data_generator, target_size, color_mode, data_format,
                             save_to_dir, save_prefix, save_format, subset, interpolation,
                             keep_aspect_ratio):
        self.image_data_generator = image_data_generator
        self.target_size = tuple(target_size)
        self.keep_aspect_ratio = keep_aspect_ratio
        channels = {"rgba": 4, "rgb": 3, "grayscale": 1}
        if color_mode not in channels:
            raise ValueError(
                f'Invalid color mode: {color_mode!r}; expected "rgb", "rgba", or "grayscale".'
            )
        self.color_mode = color_mode
        self.data_format = data_format
        c = channels[color_mode]
        self.image_shape = (self.target_size + (c,) if data_format == "channels_last"
                            else (c,) + self.target_size)
        self.save_to_dir = save_to_dir
        self.save_prefix = save_prefix
        self.save_format = save_format
        self.interpolation = interpolation
        if subset is not None:
            validation_split = image_data_generator._validation_split
            if subset == "validation":
                split = (0, validation_split)
            elif subset == "training":
                split = (validation_split, 1)
            else:
                raise ValueError(f'Invalid subset {subset!r}; expected "training" or "validation"')
        else:
            split = None
        self.split = split
        self.subset = subset

    def _get_batches_of_transformed_samples(self, index_array):
        batch_x = np.zeros((len(index_array),) + self.image_shape, dtype=self.dtype)
        filepaths = self.filepaths
        gen = self.image_data_generator
        for i, j in enumerate(index_array):
            img = load_img(filepaths[j], color_mode=self.color_mode, target_size=self.target_size,
                           interpolation=self.interpolation,
                           keep_aspect_ratio=self.keep_aspect_ratio)
            x = img_to_array(img, data_format=self.data_format)
            if hasattr(img, "close"):
                img.close()
            if gen:
                params = gen.get_random_transform(x.shape)
                x = gen.apply_transform(x, params)
                x = gen.standardize(x)
            batch_x[i] = x
        if self.save_to_dir:
            self._save_batch(batch_x, index_array, 10_000_000)
        mode = self.class_mode
        if mode == "input":
            batch_y = batch_x.copy()
        elif mode in ("binary", "sparse"):
            batch_y = np.asarray(self.classes[index_array], dtype=self.dtype)
        elif mode == "categorical":
            batch_y = np.zeros((len(batch_x), len(self.class_indices)), dtype=self.dtype)
            batch_y[np.arange(len(batch_x)), self.classes[index_array]] = 1.0
        elif mode == "multi_output":
            batch_y = [output[index_array] for output in self.labels]
        elif mode == "raw":
            batch_y = self.labels[index_array]
        else:
            return batch_x
        if self.sample_weight is None:
            return batch_x, batch_y
        return batch_x, batch_y, self.sample_weight[index_array]


class DirectoryIterator(BatchFromFilesMixin, Iterator):
    """Batches of images read from ``directory/<class>/*.png`` (one sub-folder per class)."""

    allowed_class_modes = {"categorical", "binary", "sparse", "input", None}

    def __init__(self, directory, image_data_generator, target_size=(256, 256), color_mode="rgb",
                 classes=None, class_mode="categorical", batch_size=32, shuffle=True, seed=None,
                 data_format=None, save_to_dir=None, save_prefix="", save_format="png",
                 follow_links=False, subset=None, interpolation="nearest",
                 keep_aspect_ratio=False, dtype=None, **kwargs):
        data_format = config.standardize_data_format(data_format)
        self.set_processing_attrs(image_data_generator, target_size, color_mode, data_format,
                                  save_to_dir, save_prefix, save_format, subset, interpolation,
                                  keep_aspect_ratio)
        directory = os.fspath(directory)
        if not os.path.isdir(directory):
            raise FileNotFoundError(f"flow_from_directory: no such directory: {directory!r}")
        self.directory = directory
        if class_mode not in self.allowed_class_modes:
            raise ValueError(
                f"Invalid class_mode: {class_mode!r}; expected one of "
                f"{sorted(self.allowed_class_modes, key=str)}"
            )
        self.class_mode = class_mode
        self.dtype = dtype or config.floatx()
        if not classes:
            classes = [d for d in sorted(os.listdir(directory))
                       if os.path.isdir(os.path.join(directory, d))]
        classes = list(classes)
        self.num_classes = len(classes)
        self.class_indices = dict(zip(classes, range(len(classes))))
        labels, self.filenames = [], []
        for name in classes:
            part_labels, part_files = _list_files_in_class(
                os.path.join(directory, name), self.white_list_formats, self.split,
                self.class_indices[name], follow_links)
            labels += part_labels
            self.filenames += part_files
        self.samples = len(self.filenames)
        self.classes = np.asarray(labels, dtype="int32")
        print(f"Found {self.samples} images belonging to {self.num_classes} classes.")
        self._filepaths = [os.path.join(directory, f) for f in self.filenames]
        super().__init__(self.samples, batch_size, shuffle, seed, **kwargs)

    @property
    def filepaths(self):
        return self._filepaths

    @property
    def labels(self):
        return self.classes

    @property
    def sample_weight(self):
        return None


class DataFrameIterator(BatchFromFilesMixin, Iterator):
    """Batches of images whose paths (and labels) are columns of a pandas DataFrame."""

    allowed_class_modes = {"binary", "categorical", "input", "multi_output", "raw", "sparse",
                           None}

    def __init__(self, dataframe, directory=None, image_data_generator=None, x_col="filename",
                 y_col="class", weight_col=None, target_size=(256, 256), color_mode="rgb",
                 classes=None, class_mode="categorical", batch_size=32, shuffle=True, seed=None,
                 data_format=None, save_to_dir=None, save_prefix="", save_format="png",
                 subset=None, interpolation="nearest", keep_aspect_ratio=False,
                 validate_filenames=True, dtype=None, **kwargs):
        data_format = config.standardize_data_format(data_format)
        self.set_processing_attrs(image_data_generator, target_size, color_mode, data_format,
                                  save_to_dir, save_prefix, save_format, subset, interpolation,
                                  keep_aspect_ratio)
        if class_mode not in self.allowed_class_modes:
            raise ValueError(
                f"Invalid class_mode: {class_mode!r}; expected one of "
                f"{sorted(self.allowed_class_modes, key=str)}"
            )
        df = dataframe.copy()
        self.directory = directory or ""
        self.class_mode = class_mode
        self.dtype = dtype or config.floatx()
        if class_mode not in ("input", "multi_output", "raw", None):
            if class_mode in ("binary", "categorical", "sparse"):
                def as_str_or_list(v):
                    return [str(c) for c in v] if isinstance(v, (list, tuple)) else str(v)
                if class_mode == "categorical":
                    df[y_col] = df[y_col].apply(as_str_or_list)
                else:
                    df[y_col] = df[y_col].astype(str)
            if classes:
                wanted = set(classes)
                df = df[df[y_col].apply(
                    lambda v: (all(c in wanted for c in v) if isinstance(v, list) else v in wanted)
                )]
            else:
                found = set()
                for v in df[y_col]:
                    found.update(v if isinstance(v, list) else [v])
                classes = sorted(found)
        if validate_filenames:
            paths = df[x_col].map(lambda f: os.path.join(self.directory, f))
            df = df[paths.map(lambda p: p.lower().endswith(WHITE_LIST_FORMATS)
                              and os.path.isfile(p))]
        if self.split:
            n = len(df)
            df = df.iloc[int(self.split[0] * n): int(self.split[1] * n)]
        self.filenames = df[x_col].tolist()
        self._targets = None
        self.class_indices = {}
        if class_mode not in ("input", "multi_output", "raw", None):
            self.class_indices = dict(zip(classes, range(len(classes))))
            if class_mode == "categorical" and any(isinstance(v, list) for v in df[y_col]):
                # Multi-label rows: each label is a list of class names.
                self._multi = [[self.class_indices[c] for c in (v if isinstance(v, list) else [v])]
                               for v in df[y_col]]
                self.classes = np.asarray([m[0] for m in self._multi], dtype="int32")
            else:
                self._multi = None
                self.classes = np.asarray([self.class_indices[v] for v in df[y_col]], "int32")
        elif class_mode == "multi_output":
            self._targets = [np.asarray(df[c].tolist()) for c in y_col]
        elif class_mode == "raw":
            self._targets = df[y_col].values
        self.num_classes = len(self.class_indices)
        self.samples = len(self.filenames)
        self._sample_weight = df[weight_col].values if weight_col else None
        self._filepaths = [os.path.join(self.directory, f) for f in self.filenames]
        if class_mode in ("binary", "categorical", "sparse"):
            print(f"Found {self.samples} validated image filenames belonging to "
                  f"{self.num_classes} classes.")
        else:
            print(f"Found {self.samples} validated image filenames.")
        super().__init__(self.samples, batch_size, shuffle, seed, **kwargs)

    def _get_batches_of_transformed_samples(self, index_array):
        if self.class_mode == "categorical" and getattr(self, "_multi", None):
            mode, self.class_mode = self.class_mode, None
            try:
                batch_x = super()._get_batches_of_transformed_samples(index_array)
            finally:
                self.class_mode = mode
            batch_y = np.zeros((len(index_array), self.num_classes), dtype=self.dtype)
            for i, j in enumerate(index_array):
                batch_y[i, self._multi[j]] = 1.0
            if self._sample_weight is None:
                return batch_x, batch_y
            return batch_x, batch_y, self._sample_weight[index_array]
        return super()._get_batches_of_transformed_samples(index_array)

    @property
    def filepaths(self):
        return self._filepaths

    @property
    def labels(self):
        if self.class_mode in ("multi_output", "raw"):
            return self._targets
        return self.classes

    @property
    def sample_weight(self):
        return self._sample_weight
