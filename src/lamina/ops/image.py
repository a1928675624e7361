"""``keras.ops.image``: resize, affine/perspective/elastic warps, crop/pad, colour spaces,
Sobel edges, SSIM, patches, ... bound from the backend.

>>> import numpy as np
>>> from lamina import ops
>>> tuple(ops.image.resize(np.zeros((1, 4, 4, 3)), (2, 2)).shape)
(1, 2, 2, 3)
"""

from lamina.backend import image as _image
from lamina.backend import image_filters as _image_filters
from lamina.backend import image_warps as _image_warps
from lamina.ops._bind import bind as _bind

_names = _bind(globals(), _image) + _bind(globals(), _image_warps)
_names += _bind(globals(), _image_filters)

__all__ = sorted(_names)
