from lamina.layers.regularization.dropout import Dropout

__all__ = ["Dropout"]

from lamina.layers.regularization.activity_regularization import (  # noqa: E402
    ActivityRegularization,
)
from lamina.layers.regularization.alpha_dropout import AlphaDropout  # noqa: E402
from lamina.layers.regularization.gaussian_dropout import GaussianDropout  # noqa: E402
from lamina.layers.regularization.gaussian_noise import GaussianNoise  # noqa: E402
from lamina.layers.regularization.spatial_dropout import (  # noqa: E402
    SpatialDropout1D,
    SpatialDropout2D,
    SpatialDropout3D,
)

__all__ += [
    "ActivityRegularization", "AlphaDropout", "GaussianDropout", "GaussianNoise",
    "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D",
]
