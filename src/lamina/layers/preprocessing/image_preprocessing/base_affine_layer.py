"""The base of the layers that warp images by an affine map (rotation, zoom, translation)."""

from __future__ import annotations

from lamina.backend import core as backend
from lamina.backend import image as kernels
from lamina.layers.preprocessing.image_preprocessing import bounding_boxes as boxes_lib
from lamina.layers.preprocessing.image_preprocessing.base_image_layer import (
    BaseImagePreprocessingLayer,
)

FILL_MODES = ("reflect", "wrap", "constant", "nearest")
INTERPOLATIONS = ("nearest", "bilinear")


class BaseAffineLayer(BaseImagePreprocessingLayer):
    """Warps images by ``_matrix(transformation, images)``: ``(N, 8)`` output -> input maps.

    Pixels mapped from outside the image are filled as ``fill_mode`` says (``"constant"``
    uses ``fill_value``); masks are warped with nearest-neighbour sampling.
    """

    def _set_warp_arguments(self, fill_mode, interpolation, fill_value):
        name = type(self).__name__
        self.fill_mode = self._check_choice(name, "fill_mode", fill_mode, FILL_MODES)
        self.interpolation = self._check_choice(name, "interpolation", interpolation,
                                                INTERPOLATIONS)
        self.fill_value = fill_value

    def _matrix(self, transformation, shape):
        """The ``(N, 8)`` warps of images of ``shape``."""
        raise NotImplementedError

    def _warp(self, images, transformation, interpolation):
        # the batched kernel: the same numbers as ops.image.affine_transform, ~10x faster
        return kernels.affine_transform_batched(
            images, self._matrix(transformation, images.shape), interpolation=interpolation,
            fill_mode=self.fill_mode, fill_value=self.fill_value, data_format=self.data_format)

    def transform_images(self, images, transformation, training=True):
        images = backend.cast(backend.convert_to_tensor(images), self.compute_dtype)
        if not training or transformation is None:
            return images
        return self._warp(images, transformation, self.interpolation)

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        masks = backend.convert_to_tensor(segmentation_masks)
        if not training or transformation is None:
            return masks
        return self._warp(masks, transformation, "nearest")

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        if not training or transformation is None:
            return bounding_boxes
        shape = transformation.get("input_shape")
        if shape is None:  # Keras' RandomRotation records the size instead
            shape = (1, transformation["image_height"], transformation["image_width"], 1)
            if self.data_format == "channels_first":
                shape = (1, 1, shape[1], shape[2])
        height, width = self._hw(shape)
        boxes = self._boxes_to_xyxy(bounding_boxes, height, width)
        boxes["boxes"] = boxes_lib.warp_boxes(boxes["boxes"], self._matrix(transformation, shape))
        return self._boxes_from_xyxy(boxes, height, width)

    def get_config(self):
        cfg = super().get_config()
        cfg.update({"fill_mode": self.fill_mode, "fill_value": self.fill_value,
                    "interpolation": self.interpolation, "seed": self.seed})
        return cfg
