"""RandomInvert: invert the colours of a random share of images while training."""

from __future__ import annotations

from lamina.backend import core as backend
from lamina.backend import ops
from lamina.layers.preprocessing.image_preprocessing.base_image_layer import (
    BaseImagePreprocessingLayer,
)


class RandomInvert(BaseImagePreprocessingLayer):
    """Replaces ``x`` by ``value_range[1] - x`` with probability ``p``, ``p`` drawn per image
    from ``factor`` (in [0, 1]; a number ``f`` means [0, f]).

    >>> import numpy as np, lamina
    >>> layer = lamina.layers.RandomInvert()
    >>> x = np.array([[[[0.0, 55.0, 255.0]]]], "float32")
    >>> layer.transform_images(x, {"apply_inversion": np.array([True])}).ravel().tolist()
    [255.0, 200.0, 0.0]
    """

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor=1.0, value_range=(0, 255), seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.factor = self._check_factor(factor)
        self.value_range = value_range
        self.seed = seed

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        images = data["images"] if isinstance(data, dict) else data
        n = images.shape[0]
        probability = self._uniform((n,), self.factor[0], self.factor[1])
        return {"apply_inversion": self._uniform((n,)) < probability}

    def transform_images(self, images, transformation, training=True):
        images = backend.convert_to_tensor(images)
        if not training:
            return images
        images = backend.cast(images, self.compute_dtype)
        apply = ops.reshape(backend.convert_to_tensor(transformation["apply_inversion"]),
                            (-1, 1, 1, 1))
        return ops.where(apply, self.value_range[1] - images, images)

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        return bounding_boxes

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        return segmentation_masks

    def get_config(self):
        cfg = super().get_config()
        cfg.update({"factor": self.factor, "value_range": self.value_range, "seed": self.seed})
        return cfg
