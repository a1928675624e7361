"""Installing and removing the `keras` alias in a process that already imported real Keras
gives the real Keras back whole: its lazy imports still find the same classes."""

import sys

import numpy as np

from lamina.compat import keras_alias


def test_real_keras_survives_an_alias_install(keras):
    dense_class = keras.layers.Dense
    keras_alias.install()
    try:
        import keras as served

        assert served.__name__ == "keras" and served.Sequential.__module__.startswith("lamina")
    finally:
        keras_alias.uninstall()
    assert sys.modules["keras"] is keras
    assert sys.modules["keras.src.layers"].Dense is dense_class
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    out = keras.ops.convert_to_numpy(model(np.ones((1, 3), "float32")))
    assert out.shape == (1, 2)
    # Keras' own isinstance checks hold (they failed when a second copy of keras was imported)
    assert isinstance(model.layers[0], dense_class)
