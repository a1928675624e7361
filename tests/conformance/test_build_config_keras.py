"""A layer or subclassed model built with ``build(shape)`` records its build config (as Keras),
so a saved model that was built that way and trained loads with its weights."""

import numpy as np

import lamina


def test_build_records_the_shape_like_keras(keras):
    for lib in (lamina, keras):
        dense = lib.layers.Dense(3)
        dense.build((None, 2))
        assert list(dense.get_build_config()["input_shape"]) == [None, 2]
        again = lib.layers.deserialize(lib.layers.serialize(dense))
        assert again.built and tuple(again.kernel.shape) == (2, 3)


@lamina.saving.register_keras_serializable(package="test_build_config")
class _Sub(lamina.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hidden = lamina.layers.Dense(4, activation="relu")
        self.head = lamina.layers.Dense(1)

    def call(self, x):
        return self.head(self.hidden(x))


def test_subclassed_model_built_with_build_saves_and_loads(tmp_path):
    model = _Sub()
    model.build((None, 3))
    assert list(model.get_build_config()["input_shape"]) == [None, 3]
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.ones((8, 3)), np.ones((8, 1)), verbose=0)
    model.save(tmp_path / "sub.keras")
    loaded = lamina.saving.load_model(tmp_path / "sub.keras")
    assert loaded.built and loaded.hidden.built  # call ran on symbolic inputs of that shape
    x = np.random.default_rng(0).random((2, 3)).astype("float32")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-6)
