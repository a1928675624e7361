"""MixUp: blend each image (and its label) with another image of the batch while training."""

from __future__ import annotations

from lamina.backend import core as backend
from lamina.backend import image as kernels
from lamina.backend import ops
from lamina.backend import random as engine_random
from lamina.layers.preprocessing.image_preprocessing.base_image_layer import (
    BaseImagePreprocessingLayer,
)


class MixUp(BaseImagePreprocessingLayer):
    """``w * x + (1 - w) * x[perm]`` for images and for one-hot ``labels`` (dict input),
    ``w ~ Beta(alpha, alpha)`` per image and ``perm`` a shuffle of the batch.

    >>> import numpy as np, lamina
    >>> out = lamina.layers.MixUp(seed=0)({"images": np.ones((4, 2, 2, 1), "float32"),
    ...                                    "labels": np.eye(4, dtype="float32")})
    >>> [round(v, 4) for v in out["labels"].sum(axis=1).tolist()]
    [1.0, 1.0, 1.0, 1.0]
    """

    _USE_BASE_FACTOR = False

    def __init__(self, alpha=0.2, data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or alpha <= 0:
            raise ValueError(f"MixUp: `alpha` must be a positive number; received alpha={alpha!r}")
        self.alpha = alpha
        self.seed = seed

    def get_random_transformation(self, data, training=True, seed=None):
        images = data["images"] if isinstance(data, dict) else data
        n = images.shape[0]
        order = engine_random.permutation(n, seed=self._rng())
        weight = kernels.sample_beta((n,), self.alpha, self.alpha, generator=self._rng())
        return {"mix_weight": weight, "permutation_order": order}

    @staticmethod
    def _mix(x, transformation, weight_shape):
        weight = ops.reshape(backend.cast(backend.convert_to_tensor(
            transformation["mix_weight"]), backend.dtype_of(x)), weight_shape)
        order = backend.convert_to_tensor(transformation["permutation_order"], "int64")
        return weight * x + (1.0 - weight) * ops.take(x, order, axis=0)

    def transform_images(self, images, transformation=None, training=True):
        images = backend.convert_to_tensor(images)
        if not training:
            return images
        return self._mix(backend.cast(images, self.compute_dtype), transformation,
                         (-1, 1, 1, 1))

    def transform_labels(self, labels, transformation, training=True):
        labels = backend.convert_to_tensor(labels)
        if not training:
            return labels
        if not backend.float_dtype_like(labels):
            labels = backend.cast(labels, self.compute_dtype)
        return self._mix(labels, transformation, (-1,) + (1,) * (labels.ndim - 1))

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        masks = backend.convert_to_tensor(segmentation_masks)
        if not training:
            return masks
        return self._mix(backend.cast(masks, self.compute_dtype), transformation, (-1, 1, 1, 1))

    def get_config(self):
        cfg = super().get_config()
        cfg.update({"alpha": self.alpha, "seed": self.seed})
        return cfg
