"""RandomGrayscale: turn a random share of images grey while training."""

from __future__ import annotations

from lamina.backend import core as backend
from lamina.backend import image as kernels
from lamina.backend import ops
from lamina.layers.preprocessing.image_preprocessing.base_image_layer import (
    BaseImagePreprocessingLayer,
)


class RandomGrayscale(BaseImagePreprocessingLayer):
    """Replaces each image by its luma (on every channel) with probability ``factor``.

    >>> import numpy as np, lamina
    >>> x = np.array([[[[255.0, 0.0, 0.0]]]], "float32")
    >>> out = lamina.layers.RandomGrayscale(1.0)(x)
    >>> [round(v, 2) for v in out.ravel().tolist()]
    [76.22, 76.22, 76.22]
    """

    _USE_BASE_FACTOR = False

    def __init__(self, factor=0.5, data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        if isinstance(factor, bool) or not isinstance(factor, (int, float)) or not 0 <= factor <= 1:
            raise ValueError(f"RandomGrayscale: `factor` must be a probability in [0, 1]; "
                             f"received factor={factor!r}")
        self.factor = factor
        self.seed = seed

    def get_random_transformation(self, data, training=True, seed=None):
        images = data["images"] if isinstance(data, dict) else data
        return ops.reshape(self._uniform((images.shape[0],)) < self.factor, (-1, 1, 1, 1))

    def transform_images(self, images, transformation, training=True):
        images = backend.convert_to_tensor(images)
        if not training:
            return images
        if transformation is None:
            transformation = self.get_random_transformation(images)
        grey = kernels.rgb_to_grayscale(images, data_format=self.data_format)
        return ops.where(backend.convert_to_tensor(transformation), grey, images)

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        return bounding_boxes

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        return segmentation_masks

    def get_config(self):
        cfg = super().get_config()
        cfg.update({"factor": self.factor, "seed": self.seed})
        return cfg
