"""Resizing: images to a fixed height and width, optionally keeping the aspect ratio."""

from __future__ import annotations

from lamina.backend import image as kernels
from lamina.layers.preprocessing.image_preprocessing.base_image_layer import (
    BaseImagePreprocessingLayer,
)

# torch's interpolate does these three as Keras' torch backend does
_INTERPOLATE = ("bilinear", "nearest", "bicubic")
# separable kernels as tf.image.resize / jax.image.resize do them
_SEPARABLE = ("area", "lanczos3", "lanczos5", "gaussian", "mitchellcubic")


def _check_size(value, name, layer):
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"{layer}: `{name}` must be a positive integer; received {name}={value!r}")
    return value


class Resizing(BaseImagePreprocessingLayer):
    """Resizes images to ``(height, width)``, in training and inference alike.

    ``crop_to_aspect_ratio=True`` first takes the largest centred window with the target's
    aspect ratio; ``pad_to_aspect_ratio=True`` pads with ``fill_value`` to it instead.
    The dtype of the images is kept (integers are rounded).

    >>> import numpy as np, lamina
    >>> tuple(lamina.layers.Resizing(4, 6)(np.zeros((2, 8, 8, 3), "float32")).shape)
    (2, 4, 6, 3)
    """

    _USE_BASE_FACTOR = False

    def __init__(self, height, width, interpolation="bilinear", crop_to_aspect_ratio=False,
                 pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0,
                 antialias=False, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.height = _check_size(height, "height", "Resizing")
        self.width = _check_size(width, "width", "Resizing")
        self.interpolation = self._check_choice("Resizing", "interpolation", interpolation,
                                                _INTERPOLATE + _SEPARABLE)
        if crop_to_aspect_ratio and pad_to_aspect_ratio:
            raise ValueError("Resizing: give crop_to_aspect_ratio=True or "
                             "pad_to_aspect_ratio=True, not both")
        self.crop_to_aspect_ratio = bool(crop_to_aspect_ratio)
        self.pad_to_aspect_ratio = bool(pad_to_aspect_ratio)
        self.fill_mode = self._check_choice("Resizing", "fill_mode", fill_mode, ("constant",))
        self.fill_value = fill_value
        self.antialias = bool(antialias)

    def _resize(self, images, interpolation):
        size = (self.height, self.width)
        if interpolation in _INTERPOLATE:
            return kernels.resize(images, size, interpolation=interpolation,
                                  antialias=self.antialias,
                                  crop_to_aspect_ratio=self.crop_to_aspect_ratio,
                                  pad_to_aspect_ratio=self.pad_to_aspect_ratio,
                                  fill_value=self.fill_value, data_format=self.data_format)
        return kernels.resize_separable(images, size, interpolation, antialias=self.antialias,
                                        crop_to_aspect_ratio=self.crop_to_aspect_ratio,
                                        pad_to_aspect_ratio=self.pad_to_aspect_ratio,
                                        fill_value=self.fill_value, data_format=self.data_format)

    def get_random_transformation(self, data, training=True, seed=None):
        images = data["images"] if isinstance(data, dict) else data
        return self._hw(images.shape)

    def transform_images(self, images, transformation=None, training=True):
        return self._resize(images, self.interpolation)

    def transform_segmentation_masks(self, segmentation_masks, transformation=None,
                                     training=True):
        return self._resize(segmentation_masks, "nearest")

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        h, w = transformation
        th, tw = self.height, self.width
        top = left = 0
        window = (h, w)
        if self.crop_to_aspect_ratio:  # the same window the images are cut to
            window = (max(min(h, int(float(w * th) / tw)), 1),
                      max(min(w, int(float(h * tw) / th)), 1))
            top, left = int(float(h - window[0]) / 2), int(float(w - window[1]) / 2)
        elif self.pad_to_aspect_ratio:  # negative offsets: the padding added
            window = (max(h, int(float(w * th) / tw)), max(w, int(float(h * tw) / th)))
            top, left = -int(float(window[0] - h) / 2), -int(float(window[1] - w) / 2)
        return self._shifted_and_scaled_boxes(bounding_boxes, (h, w), left, top, window,
                                              (th, tw))

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        h_axis = -2 if self.data_format == "channels_first" else -3
        shape[h_axis], shape[h_axis + 1] = self.height, self.width
        return tuple(shape)

    def get_config(self):
        cfg = super().get_config()
        cfg.update({"height": self.height, "width": self.width,
                    "interpolation": self.interpolation,
                    "crop_to_aspect_ratio": self.crop_to_aspect_ratio,
                    "pad_to_aspect_ratio": self.pad_to_aspect_ratio,
                    "fill_mode": self.fill_mode, "fill_value": self.fill_value,
                    "antialias": self.antialias})
        return cfg
