"""AugMix: blend an image with a mix of a few randomly augmented copies of itself."""

from __future__ import annotations

from lamina.backend import core as backend
from lamina.backend import image as kernels
from lamina.backend import ops
from lamina.backend import random as engine_random
from lamina.layers.preprocessing.image_preprocessing.base_image_layer import (
    BaseImagePreprocessingLayer,
)
from lamina.layers.preprocessing.image_preprocessing.base_policy_layer import (
    COLOUR,
    GEOMETRIC_AND_TONE,
    build_augmenters,
)


class AugMix(BaseImagePreprocessingLayer):
    """``m * x + (1 - m) * sum_k w_k * chain_k(x)``: ``num_chains`` chains of up to
    ``chain_depth`` random augmentations (each step may be skipped), ``w ~ Dirichlet(alpha)``
    and ``m ~ Beta(alpha, alpha)``; clipped to ``value_range``. ``all_ops=False`` leaves out
    the colour operations (brightness, colour, contrast, sharpness).

    >>> import numpy as np, lamina
    >>> out = lamina.layers.AugMix(seed=0)(np.full((2, 8, 8, 3), 100.0, "float32"))
    >>> tuple(out.shape), bool(out.min() >= 0) and bool(out.max() <= 255)
    ((2, 8, 8, 3), True)
    """

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, value_range=(0, 255), num_chains=3, chain_depth=3, factor=0.3,
                 alpha=1.0, all_ops=True, interpolation="bilinear", seed=None, data_format=None,
                 **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        for name, value in (("num_chains", num_chains), ("chain_depth", chain_depth)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"AugMix: `{name}` must be a positive integer; "
                                 f"received {name}={value!r}")
        if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or alpha <= 0:
            raise ValueError(f"AugMix: `alpha` must be a positive number; received alpha={alpha!r}")
        self.value_range = value_range
        self.num_chains = num_chains
        self.chain_depth = chain_depth
        self.factor = self._check_factor(factor)
        self.alpha = alpha
        self.all_ops = bool(all_ops)
        self.interpolation = interpolation
        self.seed = seed
        self._names = GEOMETRIC_AND_TONE + (COLOUR if self.all_ops else ())
        self._augmenters = build_augmenters(self._names, self.factor, value_range,
                                            interpolation, seed, self.data_format)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        images = data["images"] if isinstance(data, dict) else data
        weights = kernels.sample_dirichlet([self.alpha] * self.num_chains, generator=self._rng())
        keep = kernels.sample_beta((), self.alpha, self.alpha, generator=self._rng())
        # one choice more than there are ops: "skip this step"
        picks = engine_random.randint((self.num_chains, self.chain_depth), 0,
                                      len(self._names) + 1, seed=self._rng())
        chains = []
        for row in backend.convert_to_numpy(picks).tolist():
            chain = []
            for index in row:
                if index < len(self._names):
                    name = self._names[index]
                    chain.append({"layer_name": name, "transformation":
                                  self._augmenters[name].get_random_transformation(images)})
            chains.append(chain)
        return {"chain_mixing_weights": weights, "weight_sample": keep,
                "chain_transforms": chains}

    def transform_images(self, images, transformation, training=True):
        images = backend.cast(backend.convert_to_tensor(images), self.compute_dtype)
        if not training or transformation is None:
            return images
        weights = backend.convert_to_tensor(transformation["chain_mixing_weights"],
                                            self.compute_dtype)
        keep = backend.convert_to_tensor(transformation["weight_sample"], self.compute_dtype)
        mixed = ops.zeros_like(images)
        for k, chain in enumerate(transformation["chain_transforms"]):
            augmented = images
            for step in chain:
                layer = self._augmenters[step["layer_name"]]
                augmented = backend.cast(layer.transform_images(augmented,
                                                                step["transformation"]),
                                         self.compute_dtype)
            mixed = mixed + augmented * weights[k]
        out = keep * images + (1.0 - keep) * mixed
        return ops.clip(out, self.value_range[0], self.value_range[1])

    def get_config(self):
        cfg = super().get_config()
        cfg.update({"value_range": self.value_range, "num_chains": self.num_chains,
                    "chain_depth": self.chain_depth, "factor": self.factor,
                    "alpha": self.alpha, "all_ops": self.all_ops,
                    "interpolation": self.interpolation, "seed": self.seed})
        return cfg
