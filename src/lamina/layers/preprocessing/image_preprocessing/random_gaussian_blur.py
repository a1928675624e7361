"""RandomGaussianBlur: blur a random share of images with a random Gaussian while training."""

from __future__ import annotations

from lamina.backend import core as backend
from lamina.backend import image as kernels
from lamina.backend import ops
from lamina.layers.preprocessing.image_preprocessing.base_image_layer import (
    BaseImagePreprocessingLayer,
)


class RandomGaussianBlur(BaseImagePreprocessingLayer):
    """Blurs each image with probability ``p`` (drawn from ``factor``) by a ``kernel_size``
    Gaussian whose two sigmas (rows, columns; the same for the batch) are drawn from
    ``sigma``; the result is clipped to ``value_range``.

    >>> import numpy as np, lamina
    >>> layer = lamina.layers.RandomGaussianBlur(kernel_size=3)
    >>> x = np.full((1, 5, 5, 1), 10.0, "float32")
    >>> t = {"should_apply_blur": np.array([True]), "blur_factor": np.array([1.0, 1.0], "float32")}
    >>> out = layer.transform_images(x, t)[0, :, :, 0]
    >>> round(out[2, 2].item(), 4), round(out[0, 0].item(), 4)    # zero padding at the corner
    (10.0, 5.2698)
    """

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor=1.0, kernel_size=3, sigma=1.0, value_range=(0, 255),
                 data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.factor = self._check_factor(factor)
        self.kernel_size = self._odd_sizes(kernel_size)
        self.sigma = self._check_factor(sigma, "sigma")
        self.value_range = value_range
        self.seed = seed

    @staticmethod
    def _odd_sizes(size):
        sizes = list(size) if isinstance(size, (tuple, list)) else [size, size]
        if len(sizes) != 2 or not all(isinstance(s, int) and s > 0 and s % 2 == 1 for s in sizes):
            raise ValueError(f"RandomGaussianBlur: `kernel_size` must be an odd positive integer "
                             f"or a pair of them; received kernel_size={size!r}")
        return tuple(sizes)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        images = data["images"] if isinstance(data, dict) else data
        n = images.shape[0]
        probability = self._uniform((n,), *self.factor)
        apply = self._uniform((n,)) < probability
        # + 1e-6 keeps a zero sigma from dividing by zero
        sigma = self._uniform((2,), *self.sigma, dtype=self.compute_dtype) + 1e-6
        return {"should_apply_blur": apply, "blur_factor": sigma}

    def transform_images(self, images, transformation=None, training=True):
        images = backend.cast(backend.convert_to_tensor(images), self.compute_dtype)
        if not training or transformation is None:
            return images
        sigma = [float(s) for s in backend.convert_to_numpy(
            backend.convert_to_tensor(transformation["blur_factor"]))]
        # zero padding at the borders, as Keras (ops.image.gaussian_blur reflects)
        blurred = kernels.gaussian_blur_zero_padded(images, self.kernel_size, sigma,
                                                    data_format=self.data_format)
        apply = ops.reshape(backend.convert_to_tensor(transformation["should_apply_blur"]),
                            (-1, 1, 1, 1))
        out = ops.where(apply, blurred, images)
        return ops.clip(out, self.value_range[0], self.value_range[1])

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        return bounding_boxes

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        return segmentation_masks

    def get_config(self):
        cfg = super().get_config()
        cfg.update({"factor": self.factor, "kernel_size": self.kernel_size, "sigma": self.sigma,
                    "value_range": self.value_range, "seed": self.seed})
        return cfg
