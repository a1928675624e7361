"""``keras.ops.image``: resize, affine/perspective/elastic warps, crop/pad, colour spaces,
Sobel edges, SSIM, patches, ... bound from the backend.

>>> import numpy as np
>>> from lamina import ops
>>> tuple(ops.image.resize(np.zeros((1, 4, 4, 3)), (2, 2)).shape)
(1, 2, 2, 3)
"""

import importlib as _importlib

from lamina.backend import image as _image
from lamina.ops._bind import bind as _bind

# the backend's other image modules, next to its ``image`` (lamina/backend/__init__.py does
# not list them: they are only reached from here)
_package = _image.__name__.rsplit(".", 1)[0]
_names = _bind(globals(), _image)
for _module in ("image_warps", "image_filters"):
    _names += _bind(globals(), _importlib.import_module(f"{_package}.{_module}"))

__all__ = sorted(_names)
