"""``keras.ops.image``: resize, affine_transform, crop/pad, colour space conversions, ..."""

from lamina.backend import image as _image
from lamina.ops._bind import bind as _bind

__all__ = sorted(_bind(globals(), _image))
