"""JaxLayer, FlaxLayer and TFSMLayer exist and say what they need, as Keras 3 on torch does."""

import pytest

from lamina import layers


def test_jax_and_tensorflow_wrappers_refuse_clearly():
    with pytest.raises(ValueError, match="only supported with the JAX backend"):
        layers.JaxLayer(lambda params, x: x)
    with pytest.raises(ValueError, match="FlaxLayer is only supported with the JAX backend"):
        layers.FlaxLayer(object())
    with pytest.raises(NotImplementedError, match="needs TensorFlow"):
        layers.TFSMLayer("saved_model_dir")
