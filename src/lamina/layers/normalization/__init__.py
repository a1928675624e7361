"""normalization layers."""

from lamina.layers.normalization.batch_normalization import BatchNormalization

__all__: list[str] = ["BatchNormalization"]
