"""Pooling layers: windowed and global max / average pooling."""

from lamina.layers.pooling.max_pooling1d import MaxPooling1D
from lamina.layers.pooling.global_max_pooling1d import GlobalMaxPooling1D
from lamina.layers.pooling.max_pooling2d import MaxPooling2D
from lamina.layers.pooling.global_max_pooling2d import GlobalMaxPooling2D
from lamina.layers.pooling.max_pooling3d import MaxPooling3D
from lamina.layers.pooling.global_max_pooling3d import GlobalMaxPooling3D
from lamina.layers.pooling.average_pooling1d import AveragePooling1D
from lamina.layers.pooling.global_average_pooling1d import GlobalAveragePooling1D
from lamina.layers.pooling.average_pooling2d import AveragePooling2D
from lamina.layers.pooling.global_average_pooling2d import GlobalAveragePooling2D
from lamina.layers.pooling.average_pooling3d import AveragePooling3D
from lamina.layers.pooling.global_average_pooling3d import GlobalAveragePooling3D

# Keras 3's public aliases
MaxPool1D = MaxPooling1D
AvgPool1D = AveragePooling1D
GlobalMaxPool1D = GlobalMaxPooling1D
GlobalAvgPool1D = GlobalAveragePooling1D
MaxPool2D = MaxPooling2D
AvgPool2D = AveragePooling2D
GlobalMaxPool2D = GlobalMaxPooling2D
GlobalAvgPool2D = GlobalAveragePooling2D
MaxPool3D = MaxPooling3D
AvgPool3D = AveragePooling3D
GlobalMaxPool3D = GlobalMaxPooling3D
GlobalAvgPool3D = GlobalAveragePooling3D

__all__ = [
    "MaxPooling1D",
    "GlobalMaxPooling1D",
    "MaxPooling2D",
    "GlobalMaxPooling2D",
    "MaxPooling3D",
    "GlobalMaxPooling3D",
    "AveragePooling1D",
    "GlobalAveragePooling1D",
    "AveragePooling2D",
    "GlobalAveragePooling2D",
    "AveragePooling3D",
    "GlobalAveragePooling3D",
    "MaxPool1D",
    "AvgPool1D",
    "GlobalMaxPool1D",
    "GlobalAvgPool1D",
    "MaxPool2D",
    "AvgPool2D",
    "GlobalMaxPool2D",
    "GlobalAvgPool2D",
    "MaxPool3D",
    "AvgPool3D",
    "GlobalMaxPool3D",
    "GlobalAvgPool3D",
]

from lamina.layers.pooling.adaptive_average_pooling1d import AdaptiveAveragePooling1D  # noqa: E402
from lamina.layers.pooling.adaptive_average_pooling2d import AdaptiveAveragePooling2D  # noqa: E402
from lamina.layers.pooling.adaptive_average_pooling3d import AdaptiveAveragePooling3D  # noqa: E402
from lamina.layers.pooling.adaptive_max_pooling1d import AdaptiveMaxPooling1D  # noqa: E402
from lamina.layers.pooling.adaptive_max_pooling2d import AdaptiveMaxPooling2D  # noqa: E402
from lamina.layers.pooling.adaptive_max_pooling3d import AdaptiveMaxPooling3D  # noqa: E402

__all__ += [
    "AdaptiveAveragePooling1D",
    "AdaptiveAveragePooling2D",
    "AdaptiveAveragePooling3D",
    "AdaptiveMaxPooling1D",
    "AdaptiveMaxPooling2D",
    "AdaptiveMaxPooling3D",
]
