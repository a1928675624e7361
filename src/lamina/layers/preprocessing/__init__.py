"""Preprocessing layers (``keras.layers.Normalization``, ``Resizing``, ``RandomFlip``, ...).

Two families, each listing its public classes in ``__all__``: the feature layers
(numbers, categories, strings: ``feature.py``'s imports) and the image layers
(``image_preprocessing/``).
"""

from lamina.layers.preprocessing import feature as _feature
from lamina.layers.preprocessing import image_preprocessing as _image

__all__ = list(_feature.__all__) + list(_image.__all__)

for _name in __all__:
    globals()[_name] = getattr(_feature, _name, None) or getattr(_image, _name)
