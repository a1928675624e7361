"""``keras.legacy``: Keras 2 APIs kept by Keras 3 (``keras.legacy.saving``)."""

from lamina.legacy import saving

__all__ = ["saving"]
