"""MaxNumBoundingBoxes: pad or cut the boxes of every image to one fixed count."""

from __future__ import annotations

from lamina.backend import core as backend
from lamina.backend import ops
from lamina.layers.preprocessing.image_preprocessing.base_image_layer import (
    BaseImagePreprocessingLayer,
)


class MaxNumBoundingBoxes(BaseImagePreprocessingLayer):
    """Keeps the first ``max_number`` boxes (and labels) of each image and pads with
    ``fill_value`` up to it, so batches of boxes have one shape; images pass through.

    >>> import numpy as np, lamina
    >>> data = {"images": np.zeros((2, 4, 4, 3), "float32"),
    ...         "bounding_boxes": {"boxes": np.ones((2, 1, 4), "float32"),
    ...                            "labels": np.ones((2, 1), "int32")}}
    >>> out = lamina.layers.MaxNumBoundingBoxes(3, bounding_box_format="xyxy")(data)
    >>> out["bounding_boxes"]["labels"].tolist()
    [[1, -1, -1], [1, -1, -1]]
    """

    _USE_BASE_FACTOR = False

    def __init__(self, max_number, fill_value=-1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(max_number, bool) or int(max_number) < 1:
            raise ValueError(f"MaxNumBoundingBoxes: `max_number` must be a positive integer; "
                             f"received max_number={max_number!r}")
        self.max_number = int(max_number)
        self.fill_value = int(fill_value)

    def transform_images(self, images, transformation=None, training=True):
        return backend.convert_to_tensor(images)

    def transform_segmentation_masks(self, segmentation_masks, transformation=None,
                                     training=True):
        return backend.convert_to_tensor(segmentation_masks)

    def _fit(self, x):
        x = x[:, :self.max_number]
        missing = self.max_number - x.shape[1]
        if missing > 0:
            pads = [(0, 0), (0, missing)] + [(0, 0)] * (x.ndim - 2)
            x = ops.pad(x, pads, constant_values=self.fill_value)
        return x

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        extra = set(bounding_boxes) - {"boxes", "labels"}
        if extra:
            raise KeyError(f"MaxNumBoundingBoxes: unsupported keys in bounding_boxes: "
                           f"{sorted(extra)}; only 'boxes' and 'labels' are supported")
        out = dict(bounding_boxes)
        out["boxes"] = self._fit(backend.convert_to_tensor(bounding_boxes["boxes"]))
        if "labels" in bounding_boxes:
            out["labels"] = self._fit(backend.convert_to_tensor(bounding_boxes["labels"]))
        return out

    def compute_output_shape(self, input_shape):
        if isinstance(input_shape, dict) and "bounding_boxes" in input_shape:
            shapes = dict(input_shape)
            boxes = dict(shapes["bounding_boxes"])
            for key in ("boxes", "labels"):
                if key in boxes:
                    shape = list(boxes[key])
                    shape[1] = self.max_number
                    boxes[key] = tuple(shape)
            shapes["bounding_boxes"] = boxes
            return shapes
        return input_shape

    def get_config(self):
        cfg = super().get_config()
        cfg["max_number"] = self.max_number
        return cfg
