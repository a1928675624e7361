"""CutMix: paste a random patch of another image of the batch into each image while training."""

from __future__ import annotations

from lamina.backend import core as backend
from lamina.backend import image as kernels
from lamina.backend import ops
from lamina.backend import random as engine_random
from lamina.layers.preprocessing.image_preprocessing.base_image_layer import (
    BaseImagePreprocessingLayer,
)


class CutMix(BaseImagePreprocessingLayer):
    """Replaces a rectangle of each image by the same rectangle of ``x[perm]``; one-hot
    ``labels`` (dict input) mix by the kept area. The rectangle covers ``1 - w`` of the image,
    ``w ~ Beta(a, a)`` with ``a`` drawn from ``factor``. Unbatched images pass through.

    >>> import numpy as np, lamina
    >>> x = np.stack([np.zeros((8, 8, 1)), np.ones((8, 8, 1))]).astype("float32")
    >>> out = lamina.layers.CutMix(seed=3)({"images": x, "labels": np.eye(2, dtype="float32")})
    >>> [round(v, 4) for v in out["labels"].sum(axis=1).tolist()]
    [1.0, 1.0]
    """

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor=1.0, seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.factor = self._check_factor(factor)
        self.seed = seed

    def _span(self, n, length, ratio):
        size = ratio * length
        start = self._uniform((n,), dtype=self.compute_dtype) * (length - size)
        return start, start + size

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        images = data["images"] if isinstance(data, dict) else data
        shape = tuple(images.shape)
        n = shape[0]
        height, width = self._hw(shape)
        alpha = float(self._uniform((), *self.factor).item()) + 1e-6
        weight = kernels.sample_beta((n,), alpha, alpha, generator=self._rng())
        ratio = ops.sqrt(1.0 - weight)
        x0, x1 = self._span(n, width, ratio)
        y0, y1 = self._span(n, height, ratio)
        first = self.data_format == "channels_first"
        rows = ops.reshape(ops.arange(height, dtype=self.compute_dtype),
                           (1, 1, height, 1) if first else (1, height, 1, 1))
        cols = ops.reshape(ops.arange(width, dtype=self.compute_dtype),
                           (1, 1, 1, width) if first else (1, 1, width, 1))
        c = [ops.reshape(v, (-1, 1, 1, 1)) for v in (x0, x1, y0, y1)]
        masks = ops.broadcast_to((cols >= c[0]) & (cols < c[1]) & (rows >= c[2]) & (rows < c[3]),
                                 shape)
        order = engine_random.permutation(n, seed=self._rng())
        # the label weight is the kept area, as Keras computes it from the box corners
        kept = 1.0 - (x1 - x0) * (y1 - y0) / (width * height)
        return {"permutation_order": order, "batch_masks": masks, "mix_weight": kept}

    def transform_images(self, images, transformation=None, training=True):
        images = backend.cast(backend.convert_to_tensor(images), self.compute_dtype)
        if not training or transformation is None:
            return images
        order = backend.convert_to_tensor(transformation["permutation_order"], "int64")
        masks = backend.convert_to_tensor(transformation["batch_masks"])
        return ops.where(masks, ops.take(images, order, axis=0), images)

    def transform_labels(self, labels, transformation, training=True):
        labels = backend.convert_to_tensor(labels)
        if not training or transformation is None:
            return labels
        if not backend.float_dtype_like(labels):
            labels = backend.cast(labels, self.compute_dtype)
        order = backend.convert_to_tensor(transformation["permutation_order"], "int64")
        weight = ops.reshape(backend.cast(backend.convert_to_tensor(
            transformation["mix_weight"]), backend.dtype_of(labels)), (-1, 1))
        return weight * labels + (1.0 - weight) * ops.take(labels, order, axis=0)

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        return self.transform_images(segmentation_masks, transformation, training)

    def get_config(self):
        cfg = super().get_config()
        cfg.update({"factor": self.factor, "seed": self.seed})
        return cfg
