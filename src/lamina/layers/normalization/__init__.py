"""normalization layers."""

from lamina.layers.normalization.batch_normalization import BatchNormalization
from lamina.layers.normalization.group_normalization import GroupNormalization
from lamina.layers.normalization.layer_normalization import LayerNormalization
from lamina.layers.normalization.rms_normalization import RMSNormalization
from lamina.layers.normalization.unit_normalization import UnitNormalization

__all__: list[str] = [
    "BatchNormalization", "GroupNormalization", "LayerNormalization", "RMSNormalization",
    "UnitNormalization",
]

from lamina.layers.normalization.spectral_normalization import SpectralNormalization  # noqa: E402

__all__ += ["SpectralNormalization"]
