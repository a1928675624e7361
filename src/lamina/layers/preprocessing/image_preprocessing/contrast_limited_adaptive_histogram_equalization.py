"""ContrastLimitedAdaptiveHistogramEqualization (CLAHE): local histogram equalisation."""

from __future__ import annotations

from lamina.backend import core as backend
from lamina.backend import image as kernels
from lamina.backend import ops
from lamina.layers.preprocessing.image_preprocessing.base_image_layer import (
    BaseImagePreprocessingLayer,
)
from lamina.layers.preprocessing.image_preprocessing.random_contrast import check_value_range


class ContrastLimitedAdaptiveHistogramEqualization(BaseImagePreprocessingLayer):
    """Equalises each tile of a ``tile_grid_size`` grid by its own histogram, clipped at
    ``clip_limit`` times the mean bin count so noise is not amplified, and blends the tiles'
    mappings bilinearly (in training and inference alike). The dtype is kept.

    >>> import numpy as np, lamina
    >>> layer = lamina.layers.ContrastLimitedAdaptiveHistogramEqualization(tile_grid_size=(2, 2))
    >>> tuple(layer(np.full((1, 8, 8, 3), 90.0, "float32")).shape)
    (1, 8, 8, 3)
    """

    _USE_BASE_FACTOR = False

    def __init__(self, value_range=(0, 255), clip_limit=4.0, tile_grid_size=(8, 8),
                 data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        name = "ContrastLimitedAdaptiveHistogramEqualization"
        self.value_range = check_value_range(value_range, name)
        if isinstance(clip_limit, bool) or not isinstance(clip_limit, (int, float)):
            raise ValueError(f"{name}: `clip_limit` must be a number; "
                             f"received clip_limit={clip_limit!r}")
        self.clip_limit = clip_limit
        if not (isinstance(tile_grid_size, (tuple, list)) and len(tile_grid_size) == 2
                and all(isinstance(v, int) and v > 0 for v in tile_grid_size)):
            raise ValueError(f"{name}: `tile_grid_size` must be two positive integers; "
                             f"received tile_grid_size={tile_grid_size!r}")
        self.tile_grid_size = tuple(tile_grid_size)

    def transform_images(self, images, transformation=None, training=True):
        images = backend.convert_to_tensor(images)
        dtype = backend.dtype_of(images)
        first = self.data_format == "channels_first"
        x = ops.transpose(images, (0, 2, 3, 1)) if first else images
        x = self._to_range(backend.cast(x, "float32"), self.value_range, (0, 255))
        x = kernels.clahe(x, self.clip_limit, self.tile_grid_size)
        x = backend.cast(self._to_range(x, (0, 255), self.value_range), dtype)
        return ops.transpose(x, (0, 3, 1, 2)) if first else x

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        return bounding_boxes

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        return segmentation_masks

    def get_config(self):
        cfg = super().get_config()
        cfg.update({"value_range": self.value_range, "clip_limit": self.clip_limit,
                    "tile_grid_size": self.tile_grid_size})
        return cfg
