"""Image preprocessing (``keras.preprocessing.image``): Keras 2's ``ImageDataGenerator`` and
the image file utilities.

>>> import numpy as np
>>> gen = ImageDataGenerator(rescale=1 / 255, horizontal_flip=True)
>>> x = np.random.randint(0, 256, (8, 16, 16, 3)).astype("float32")
>>> y = np.arange(8)
>>> batch_x, batch_y = next(gen.flow(x, y, batch_size=4, seed=0))
>>> batch_x.shape, float(batch_x.max()) <= 1.0
((4, 16, 16, 3), True)
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from lamina import config
from lamina.preprocessing.affine import (
    apply_affine_transform,
    apply_brightness_shift,
    apply_channel_shift,
    flip_axis,
    random_brightness,
    random_channel_shift,
    random_rotation,
    random_shear,
    random_shift,
    random_zoom,
    transform_matrix_offset_center,
)
from lamina.preprocessing.image_dataset import image_dataset_from_directory
from lamina.preprocessing.image_utils import (
    array_to_img,
    img_to_array,
    load_img,
    save_img,
    smart_resize,
)
from lamina.preprocessing.iterators import (
    DataFrameIterator,
    DirectoryIterator,
    Iterator,
    NumpyArrayIterator,
)


def _not_fitted(what):
    warnings.warn(
        f"This ImageDataGenerator specifies `{what}`, but it hasn't been fit on any training "
        "data. Fit it first by calling `.fit(numpy_data)`.", stacklevel=3)


class ImageDataGenerator:
    """Real-time image augmentation and normalization, batch by batch (Keras 2 API).

    Random transforms (rotation, shifts, shear, zoom, flips, channel and brightness shifts)
    are drawn per image; then ``standardize`` applies ``preprocessing_function``, ``rescale``
    and the sample-wise / feature-wise normalizations (the feature-wise ones need ``fit(x)``).

    ``shear_range`` and ``rotation_range`` are in degrees; ``width_shift_range`` and
    ``height_shift_range`` are fractions of the size when < 1, pixels when >= 1 (or a list of
    allowed values); ``zoom_range`` is ``[1 - z, 1 + z]`` for a number ``z``.

    >>> gen = ImageDataGenerator(rotation_range=20, zoom_range=0.1, validation_split=0.25)
    >>> gen.zoom_range
    [0.9, 1.1]
    """

    def __init__(self, featurewise_center: bool = False, samplewise_center: bool = False,
                 featurewise_std_normalization: bool = False,
                 samplewise_std_normalization: bool = False, zca_whitening: bool = False,
                 zca_epsilon: float = 1e-6, rotation_range: float = 0,
                 width_shift_range=0.0, height_shift_range=0.0, brightness_range=None,
                 shear_range: float = 0.0, zoom_range=0.0, channel_shift_range: float = 0.0,
                 fill_mode: str = "nearest", cval: float = 0.0, horizontal_flip: bool = False,
                 vertical_flip: bool = False, rescale=None, preprocessing_function=None,
                 data_format: str | None = None, validation_split: float = 0.0,
                 interpolation_order: int = 1, dtype: str | None = None):
        data_format = data_format or config.image_data_format()
        if data_format not in ("channels_last", "channels_first"):
            raise ValueError(
                '`data_format` should be "channels_last" (channel after row and column) or '
                f'"channels_first" (channel before row and column); got {data_format!r}'
            )
        if fill_mode not in ("nearest", "constant", "reflect", "wrap"):
            raise ValueError(
                "fill_mode should be one of 'nearest', 'constant', 'reflect', 'wrap'; got "
                f"{fill_mode!r}"
            )
        self.featurewise_center = featurewise_center
        self.samplewise_center = samplewise_center
        self.featurewise_std_normalization = featurewise_std_normalization
        self.samplewise_std_normalization = samplewise_std_normalization
        self.zca_whitening = zca_whitening
        self.zca_epsilon = zca_epsilon
        self.rotation_range = rotation_range
        self.width_shift_range = width_shift_range
        self.height_shift_range = height_shift_range
        self.shear_range = shear_range
        self.zoom_range = zoom_range
        self.channel_shift_range = channel_shift_range
        self.fill_mode = fill_mode
        self.cval = cval
        self.horizontal_flip = horizontal_flip
        self.vertical_flip = vertical_flip
        self.rescale = rescale
        self.preprocessing_function = preprocessing_function
        self.dtype = dtype or config.floatx()
        self.interpolation_order = interpolation_order
        self.data_format = data_format
        if data_format == "channels_first":
            self.channel_axis, self.row_axis, self.col_axis = 1, 2, 3
        else:
            self.channel_axis, self.row_axis, self.col_axis = 3, 1, 2
        if validation_split and not 0 < validation_split < 1:
            raise ValueError(
                f"`validation_split` must be strictly between 0 and 1; got {validation_split}"
            )
        self._validation_split = validation_split
        self.mean = None
        self.std = None
        self.zca_whitening_matrix = None

        if isinstance(zoom_range, (float, int)):
            self.zoom_range = [1 - zoom_range, 1 + zoom_range]
        elif len(zoom_range) == 2 and all(isinstance(v, (float, int)) for v in zoom_range):
            self.zoom_range = [zoom_range[0], zoom_range[1]]
        else:
            raise ValueError(
                f"`zoom_range` should be a float or a tuple or list of two floats; got {zoom_range}"
            )
        if zca_whitening:
            if not featurewise_center:
                self.featurewise_center = True
                warnings.warn("This ImageDataGenerator specifies `zca_whitening`, which "
                              "overrides setting of `featurewise_center`.", stacklevel=2)
            if featurewise_std_normalization:
                self.featurewise_std_normalization = False
                warnings.warn("This ImageDataGenerator specifies `zca_whitening` which overrides "
                              "setting of `featurewise_std_normalization`.", stacklevel=2)
        if featurewise_std_normalization and not featurewise_center:
            self.featurewise_center = True
            warnings.warn("This ImageDataGenerator specifies `featurewise_std_normalization`, "
                          "which overrides setting of `featurewise_center`.", stacklevel=2)
        if samplewise_std_normalization and not samplewise_center:
            self.samplewise_center = True
            warnings.warn("This ImageDataGenerator specifies `samplewise_std_normalization`, "
                          "which overrides setting of `samplewise_center`.", stacklevel=2)
        if brightness_range is not None and (
                not isinstance(brightness_range, (tuple, list)) or len(brightness_range) != 2):
            raise ValueError(
                f"`brightness_range` should be a tuple or list of two floats; got "
                f"{brightness_range}"
            )
        self.brightness_range = brightness_range

    # -- iterators --------------------------------------------------------------------------

    def flow(self, x, y=None, batch_size: int = 32, shuffle: bool = True, sample_weight=None,
             seed: int | None = None, save_to_dir=None, save_prefix: str = "",
             save_format: str = "png", ignore_class_split: bool = False, subset=None):
        """Batches of augmented images from arrays: yields ``x`` or ``(x, y[, weights])``."""
        return NumpyArrayIterator(
            x, y, self, batch_size=batch_size, shuffle=shuffle, sample_weight=sample_weight,
            seed=seed, data_format=self.data_format, save_to_dir=save_to_dir,
            save_prefix=save_prefix, save_format=save_format,
            ignore_class_split=ignore_class_split, subset=subset, dtype=self.dtype)

    def flow_from_directory(self, directory, target_size=(256, 256), color_mode: str = "rgb",
                            classes=None, class_mode: str | None = "categorical",
                            batch_size: int = 32, shuffle: bool = True, seed: int | None = None,
                            save_to_dir=None, save_prefix: str = "", save_format: str = "png",
                            follow_links: bool = False, subset=None,
                            interpolation: str = "nearest", keep_aspect_ratio: bool = False):
        """Batches of augmented images from ``directory/<class name>/<image files>``.

        Classes are the sub-folder names in sorted order (or ``classes``); ``class_mode``
        picks the labels: ``'categorical'`` (one-hot), ``'binary'``, ``'sparse'`` (class
        index), ``'input'`` (the images themselves) or None (images only).
        """
        return DirectoryIterator(
            directory, self, target_size=target_size, color_mode=color_mode,
            keep_aspect_ratio=keep_aspect_ratio, classes=classes, class_mode=class_mode,
            data_format=self.data_format, batch_size=batch_size, shuffle=shuffle, seed=seed,
            save_to_dir=save_to_dir, save_prefix=save_prefix, save_format=save_format,
            follow_links=follow_links, subset=subset, interpolation=interpolation,
            dtype=self.dtype)

    def flow_from_dataframe(self, dataframe, directory=None, x_col: str = "filename",
                            y_col="class", weight_col=None, target_size=(256, 256),
                            color_mode: str = "rgb", classes=None,
                            class_mode: str | None = "categorical", batch_size: int = 32,
                            shuffle: bool = True, seed: int | None = None, save_to_dir=None,
                            save_prefix: str = "", save_format: str = "png", subset=None,
                            interpolation: str = "nearest", validate_filenames: bool = True,
                            **kwargs):
        """Batches of augmented images listed in a pandas DataFrame (paths in ``x_col``)."""
        for old in ("has_ext", "sort", "drop_duplicates"):
            if old in kwargs:
                kwargs.pop(old)
                warnings.warn(f"flow_from_dataframe: `{old}` is deprecated and ignored.",
                              DeprecationWarning, stacklevel=2)
        if class_mode == "other":
            warnings.warn('`class_mode="other"` is deprecated, please use `class_mode="raw"`.',
                          DeprecationWarning, stacklevel=2)
            class_mode = "raw"
        if kwargs:
            raise TypeError(f"flow_from_dataframe: unexpected arguments {sorted(kwargs)}")
        return DataFrameIterator(
            dataframe, directory, self, x_col=x_col, y_col=y_col, weight_col=weight_col,
            target_size=target_size, color_mode=color_mode, classes=classes,
            class_mode=class_mode, data_format=self.data_format, batch_size=batch_size,
            shuffle=shuffle, seed=seed, save_to_dir=save_to_dir, save_prefix=save_prefix,
            save_format=save_format, subset=subset, interpolation=interpolation,
            validate_filenames=validate_filenames, dtype=self.dtype)

    # -- per-image work ---------------------------------------------------------------------

    def standardize(self, x):
        """Apply ``preprocessing_function``, ``rescale`` and the normalizations (in place
        where possible, like Keras; pass ``np.copy(x)`` to keep ``x``)."""
        if self.preprocessing_function:
            x = self.preprocessing_function(x)
        if self.rescale:
            x *= self.rescale
        if self.samplewise_center:
            x -= np.mean(x, keepdims=True)
        if self.samplewise_std_normalization:
            x /= np.std(x, keepdims=True) + 1e-6
        if self.featurewise_center:
            if self.mean is not None:
                x -= self.mean
            else:
                _not_fitted("featurewise_center")
        if self.featurewise_std_normalization:
            if self.std is not None:
                x /= self.std + 1e-6
            else:
                _not_fitted("featurewise_std_normalization")
        if self.zca_whitening:
            if self.zca_whitening_matrix is not None:
                flat_x = x.reshape(-1, math.prod(x.shape[-3:]))
                x = np.reshape(flat_x @ self.zca_whitening_matrix, x.shape)
            else:
                _not_fitted("zca_whitening")
        return x

    @staticmethod
    def _draw_shift(shift_range, size):
        try:  # a list of allowed values (or an int: a number of pixels)
            t = np.random.choice(shift_range)
            t *= np.random.choice([-1, 1])
        except ValueError:  # a float: a fraction
            t = np.random.uniform(-shift_range, shift_range)
        if np.max(shift_range) < 1:
            t *= size
        return t

    def get_random_transform(self, img_shape, seed: int | None = None) -> dict:
        """Random parameters for one image of shape ``img_shape`` (see ``apply_transform``)."""
        img_row_axis = self.row_axis - 1
        img_col_axis = self.col_axis - 1
        if seed is not None:
            np.random.seed(seed)
        theta = (np.random.uniform(-self.rotation_range, self.rotation_range)
                 if self.rotation_range else 0)
        tx = (self._draw_shift(self.height_shift_range, img_shape[img_row_axis])
              if self.height_shift_range else 0)
        ty = (self._draw_shift(self.width_shift_range, img_shape[img_col_axis])
              if self.width_shift_range else 0)
        shear = np.random.uniform(-self.shear_range, self.shear_range) if self.shear_range else 0
        if self.zoom_range[0] == 1 and self.zoom_range[1] == 1:
            zx, zy = 1, 1
        else:
            zx, zy = np.random.uniform(self.zoom_range[0], self.zoom_range[1], 2)
        flip_horizontal = (np.random.random() < 0.5) * self.horizontal_flip
        flip_vertical = (np.random.random() < 0.5) * self.vertical_flip
        channel_shift_intensity = None
        if self.channel_shift_range != 0:
            channel_shift_intensity = np.random.uniform(-self.channel_shift_range,
                                                        self.channel_shift_range)
        brightness = None
        if self.brightness_range is not None:
            brightness = np.random.uniform(self.brightness_range[0], self.brightness_range[1])
        return {"theta": theta, "tx": tx, "ty": ty, "shear": shear, "zx": zx, "zy": zy,
                "flip_horizontal": flip_horizontal, "flip_vertical": flip_vertical,
                "channel_shift_intensity": channel_shift_intensity, "brightness": brightness}

    def apply_transform(self, x, transform_parameters: dict):
        """Transform one rank-3 image by the given parameters: ``theta`` (degrees), ``tx``,
        ``ty`` (pixels), ``shear`` (degrees), ``zx``, ``zy``, ``flip_horizontal``,
        ``flip_vertical``, ``channel_shift_intensity``, ``brightness``."""
        img_row_axis = self.row_axis - 1
        img_col_axis = self.col_axis - 1
        img_channel_axis = self.channel_axis - 1
        p = transform_parameters
        x = apply_affine_transform(
            x, p.get("theta", 0), p.get("tx", 0), p.get("ty", 0), p.get("shear", 0),
            p.get("zx", 1), p.get("zy", 1), row_axis=img_row_axis, col_axis=img_col_axis,
            channel_axis=img_channel_axis, fill_mode=self.fill_mode, cval=self.cval,
            order=self.interpolation_order)
        if p.get("channel_shift_intensity") is not None:
            x = apply_channel_shift(x, p["channel_shift_intensity"], img_channel_axis)
        if p.get("flip_horizontal", False):
            x = flip_axis(x, img_col_axis)
        if p.get("flip_vertical", False):
            x = flip_axis(x, img_row_axis)
        if p.get("brightness") is not None:
            # Keras 2 assumed channels last here (and failed on channels_first images).
            x = np.moveaxis(x, img_channel_axis, -1)
            x = apply_brightness_shift(x, p["brightness"], False)
            x = np.moveaxis(x, -1, img_channel_axis)
        return x

    def random_transform(self, x, seed: int | None = None):
        """One randomly transformed copy of the rank-3 image ``x``."""
        return self.apply_transform(x, self.get_random_transform(x.shape, seed))

    def fit(self, x, augment: bool = False, rounds: int = 1, seed: int | None = None) -> None:
        """Compute the feature-wise mean/std (and the ZCA matrix) from sample images ``x``
        (rank 4), after ``rescale``; ``augment=True`` fits on ``rounds`` augmented copies."""
        x = np.asarray(x, dtype=self.dtype)
        if x.ndim != 4:
            raise ValueError(f"Input to `.fit()` should have rank 4; got shape {x.shape}")
        if x.shape[self.channel_axis] not in (1, 3, 4):
            warnings.warn(
                f'Expected images following the data format "{self.data_format}" (channels '
                f"on axis {self.channel_axis}), i.e. 1, 3 or 4 channels there; got shape "
                f"{x.shape}.", stacklevel=2)
        if seed is not None:
            np.random.seed(seed)
        x = np.copy(x)
        if self.rescale:
            x *= self.rescale
        if augment:
            ax = np.zeros((rounds * x.shape[0],) + x.shape[1:], dtype=self.dtype)
            for r in range(rounds):
                for i in range(x.shape[0]):
                    ax[i + r * x.shape[0]] = self.random_transform(x[i])
            x = ax
        broadcast = [1, 1, 1]
        broadcast[self.channel_axis - 1] = x.shape[self.channel_axis]
        if self.featurewise_center:
            self.mean = np.reshape(np.mean(x, axis=(0, self.row_axis, self.col_axis)), broadcast)
            x -= self.mean
        if self.featurewise_std_normalization:
            self.std = np.reshape(np.std(x, axis=(0, self.row_axis, self.col_axis)), broadcast)
            x /= self.std + 1e-6
        if self.zca_whitening:
            n = len(x)
            flat_x = np.reshape(x, (n, -1))
            u, s, _ = np.linalg.svd(flat_x.T, full_matrices=False)
            s_inv = np.sqrt(n) / (s + self.zca_epsilon)
            self.zca_whitening_matrix = (u * s_inv) @ u.T


__all__ = [
    "DataFrameIterator", "DirectoryIterator", "ImageDataGenerator", "Iterator",
    "NumpyArrayIterator", "apply_affine_transform", "apply_brightness_shift",
    "apply_channel_shift", "array_to_img", "flip_axis", "image_dataset_from_directory",
    "img_to_array", "load_img", "random_brightness", "random_channel_shift", "random_rotation",
    "random_shear", "random_shift", "random_zoom", "save_img", "smart_resize",
    "transform_matrix_offset_center",
]
