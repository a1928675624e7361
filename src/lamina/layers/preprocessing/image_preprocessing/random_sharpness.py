"""RandomSharpness: sharpen or soften each image by a random amount while training."""

from __future__ import annotations

from lamina.backend import conv
from lamina.backend import core as backend
from lamina.backend import ops
from lamina.layers.preprocessing.image_preprocessing.base_image_layer import (
    BaseImagePreprocessingLayer,
)
from lamina.layers.preprocessing.image_preprocessing.random_contrast import check_value_range

# PIL's smoothing filter: centre weight 5, the eight neighbours 1, normalised by 13
_SMOOTH = [[1 / 13, 1 / 13, 1 / 13], [1 / 13, 5 / 13, 1 / 13], [1 / 13, 1 / 13, 1 / 13]]


class RandomSharpness(BaseImagePreprocessingLayer):
    """``x + (1 - 2f) * (smooth(x) - x)`` per image, ``f`` drawn from ``factor`` (in [0, 1];
    a number ``f`` means [0, f]): 0.5 keeps the image, below blurs, above sharpens.

    >>> import numpy as np, lamina
    >>> layer = lamina.layers.RandomSharpness(0.5)
    >>> x = np.full((1, 3, 3, 1), 50.0, "float32")
    >>> keep = {"factor": np.array([0.5], "float32")}
    >>> layer.transform_images(x, keep)[0, 1, 1, 0].item()
    50.0
    """

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.factor = self._check_factor(factor)
        self.value_range = sorted(check_value_range(value_range, "RandomSharpness"))
        self.seed = seed

    def get_random_transformation(self, data, training=True, seed=None):
        images = data["images"] if isinstance(data, dict) else data
        return {"factor": self._uniform((images.shape[0],), *self.factor)}

    def transform_images(self, images, transformation=None, training=True):
        images = backend.cast(backend.convert_to_tensor(images), self.compute_dtype)
        if not training:
            return images
        sharpness = ops.reshape(backend.convert_to_tensor(transformation["factor"],
                                                          self.compute_dtype) * 2, (-1, 1, 1, 1))
        if self.data_format == "channels_first":
            images = ops.swapaxes(images, -3, -1)
        channels = images.shape[-1]
        kernel = ops.tile(ops.reshape(backend.convert_to_tensor(_SMOOTH, self.compute_dtype),
                                      (3, 3, 1, 1)), (1, 1, channels, 1))
        # zero-padded borders, as Keras' "same" depthwise convolution
        smooth = conv.depthwise_conv(images, kernel, 1, "same", "channels_last")
        out = ops.clip(images + (1.0 - sharpness) * (smooth - images), *self.value_range)
        return ops.swapaxes(out, -3, -1) if self.data_format == "channels_first" else out

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        return bounding_boxes

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        return segmentation_masks

    def get_config(self):
        cfg = super().get_config()
        cfg.update({"factor": self.factor, "value_range": self.value_range, "seed": self.seed})
        return cfg
