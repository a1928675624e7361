"""RandomCrop: a random ``height x width`` window of images while training."""

from __future__ import annotations

from lamina.backend import core as backend
from lamina.backend import image as kernels
from lamina.layers.preprocessing.image_preprocessing.base_image_layer import (
    BaseImagePreprocessingLayer,
)
from lamina.layers.preprocessing.image_preprocessing.resizing import _check_size


class RandomCrop(BaseImagePreprocessingLayer):
    """Crops one random ``(height, width)`` window (the same for the whole batch) in training.

    At inference, and in training when an image is not larger than the target in both
    dimensions, the largest centred window with the target's aspect ratio is taken and
    resized to the target (bilinear), so the output always has the target size.

    >>> import numpy as np, lamina
    >>> tuple(lamina.layers.RandomCrop(4, 4, seed=1)(np.zeros((2, 8, 8, 3), "float32")).shape)
    (2, 4, 4, 3)
    """

    _USE_BASE_FACTOR = False

    def __init__(self, height, width, seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.height = _check_size(height, "height", "RandomCrop")
        self.width = _check_size(width, "width", "RandomCrop")
        self.seed = seed

    def get_random_transformation(self, data, training=True, seed=None):
        images = data["images"] if isinstance(data, dict) else data
        h, w = self._hw(images.shape)
        if training and h > self.height and w > self.width:
            top = int(self._uniform((), 0, h - self.height + 1).item())
            left = int(self._uniform((), 0, w - self.width + 1).item())
            return top, left, h, w  # Keras gives (top, left); the size is kept for the boxes
        crop_h = max(min(h, int(float(w * self.height) / self.width)), 1)
        crop_w = max(min(w, int(float(h * self.width) / self.height)), 1)
        return int(float(h - crop_h) / 2), int(float(w - crop_w) / 2), h, w

    def transform_images(self, images, transformation, training=True):
        images = backend.cast(images, self.compute_dtype)
        if not training:
            # Keras 3.15's code returns the input uncropped here, against its own docs and
            # compute_output_shape; the documented centred crop keeps models working
            return kernels.resize(images, (self.height, self.width), crop_to_aspect_ratio=True,
                                  data_format=self.data_format)
        top, left = transformation[:2]
        if self.data_format == "channels_first":
            out = images[:, :, top:top + self.height, left:left + self.width]
        else:
            out = images[:, top:top + self.height, left:left + self.width, :]
        if self._hw(out.shape) != (self.height, self.width):
            out = kernels.resize(out, (self.height, self.width), data_format=self.data_format)
        return out

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        if len(transformation) != 4:
            raise ValueError("RandomCrop: boxes need the transformation this layer draws, "
                             "(top, left, input_height, input_width)")
        top, left, h, w = transformation
        if not training:
            ch = max(min(h, int(float(w * self.height) / self.width)), 1)
            cw = max(min(w, int(float(h * self.width) / self.height)), 1)
            window = (ch, cw)
        else:  # the images are sliced at (top, left), then resized if the slice is smaller
            window = (min(self.height, h - top), min(self.width, w - left))
        return self._shifted_and_scaled_boxes(bounding_boxes, (h, w), left, top, window,
                                              (self.height, self.width))

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        return self.transform_images(segmentation_masks, transformation, training)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        h_axis = -2 if self.data_format == "channels_first" else -3
        shape[h_axis], shape[h_axis + 1] = self.height, self.width
        return tuple(shape)

    def get_config(self):
        cfg = super().get_config()
        cfg.update({"height": self.height, "width": self.width, "seed": self.seed})
        return cfg
