"""CenterCrop: the central ``height x width`` window of images."""

from __future__ import annotations

from lamina.backend import core as backend
from lamina.backend import image as kernels
from lamina.layers.preprocessing.image_preprocessing.base_image_layer import (
    BaseImagePreprocessingLayer,
)
from lamina.layers.preprocessing.image_preprocessing.resizing import _check_size


class CenterCrop(BaseImagePreprocessingLayer):
    """Crops the centre ``(height, width)`` of images, in training and inference alike.

    An image smaller than the target in either dimension is instead cut to the target's
    aspect ratio and resized (bilinear), as Keras' ``smart_resize`` does.

    >>> import numpy as np, lamina
    >>> tuple(lamina.layers.CenterCrop(2, 3)(np.zeros((5, 5, 1), "float32")).shape)
    (2, 3, 1)
    """

    _USE_BASE_FACTOR = False

    def __init__(self, height, width, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.height = _check_size(height, "height", "CenterCrop")
        self.width = _check_size(width, "width", "CenterCrop")

    def get_random_transformation(self, data, training=True, seed=None):
        images = data["images"] if isinstance(data, dict) else data
        return {"input_shape": tuple(images.shape)}

    def transform_images(self, images, transformation=None, training=True):
        images = backend.cast(images, self.compute_dtype)
        h, w = self._hw(images.shape)
        if h < self.height or w < self.width:
            return kernels.resize(images, (self.height, self.width), crop_to_aspect_ratio=True,
                                  data_format=self.data_format)
        top, left = (h - self.height) // 2, (w - self.width) // 2
        if self.data_format == "channels_first":
            return images[:, :, top:top + self.height, left:left + self.width]
        return images[:, top:top + self.height, left:left + self.width, :]

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        h, w = self._hw(transformation["input_shape"])
        if h < self.height or w < self.width:
            ch = max(min(h, int(float(w * self.height) / self.width)), 1)
            cw = max(min(w, int(float(h * self.width) / self.height)), 1)
            window, top, left = (ch, cw), int(float(h - ch) / 2), int(float(w - cw) / 2)
        else:
            window = (self.height, self.width)
            top, left = (h - self.height) // 2, (w - self.width) // 2
        return self._shifted_and_scaled_boxes(bounding_boxes, (h, w), left, top, window,
                                              (self.height, self.width))

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        return self.transform_images(segmentation_masks, transformation, training)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        if len(shape) not in (3, 4):
            raise ValueError(f"CenterCrop: expected an input shape of rank 3 or 4; "
                             f"received {tuple(input_shape)}")
        h_axis = -2 if self.data_format == "channels_first" else -3
        shape[h_axis], shape[h_axis + 1] = self.height, self.width
        return tuple(shape)

    def get_config(self):
        cfg = super().get_config()
        cfg.update({"height": self.height, "width": self.width})
        return cfg
