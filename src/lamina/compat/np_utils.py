"""``keras.utils.np_utils``: the Keras 2 home of to_categorical and normalize."""

from lamina.utils.numerical import normalize, to_categorical

__all__ = ["normalize", "to_categorical"]
