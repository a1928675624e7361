"""``keras.legacy.saving``: Keras 2's serialize/deserialize_keras_object (the same functions as
``keras.utils.legacy``)."""

from lamina.utils.legacy import deserialize_keras_object, serialize_keras_object

__all__ = ["deserialize_keras_object", "serialize_keras_object"]
