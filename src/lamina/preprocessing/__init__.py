"""Data preprocessing (``lamina.preprocessing``, served as ``keras.preprocessing``).

``image`` holds Keras 2's ``ImageDataGenerator`` and the image file utilities, ``sequence``
holds ``pad_sequences`` and ``TimeseriesGenerator``, ``text`` holds Keras 2's ``Tokenizer``.

>>> from lamina.preprocessing.image import ImageDataGenerator
>>> from lamina.preprocessing.sequence import pad_sequences
"""

from lamina.preprocessing import image, sequence, text
from lamina.preprocessing.image_dataset import image_dataset_from_directory
from lamina.preprocessing.text_dataset import text_dataset_from_directory
from lamina.preprocessing.timeseries import timeseries_dataset_from_array

__all__ = ["image", "image_dataset_from_directory", "sequence", "text",
           "text_dataset_from_directory", "timeseries_dataset_from_array"]
