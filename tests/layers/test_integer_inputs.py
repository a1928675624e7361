"""Raw integer data (uint8 images, 0/1 vectors) into float layers gives what the same values
as floats give, as Keras' promoting matmul does (and, for convolutions, where Keras on torch
fails)."""

import numpy as np
import pytest

import lamina
from lamina import layers


@pytest.mark.parametrize("make, shape", [
    (lambda: layers.Dense(3), (2, 5)),
    (lambda: layers.Dense(3), (2, 4, 5)),
    (lambda: layers.Conv2D(2, 3), (1, 6, 6, 2)),
    (lambda: layers.Conv1D(2, 3), (1, 6, 2)),
    (lambda: layers.Conv2DTranspose(2, 3), (1, 4, 4, 1)),
    (lambda: layers.DepthwiseConv2D(3), (1, 5, 5, 2)),
    (lambda: layers.SeparableConv2D(2, 3), (1, 5, 5, 2)),
])
@pytest.mark.parametrize("dtype", ["uint8", "int32", "bool"])
def test_integer_input_equals_float_input(make, shape, dtype):
    layer = make()
    x = np.random.default_rng(0).integers(0, 2 if dtype == "bool" else 255, shape).astype(dtype)
    got = lamina.ops.convert_to_numpy(layer(x))
    want = lamina.ops.convert_to_numpy(layer(x.astype("float32")))
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, want, rtol=1e-6)


def test_mlp_trains_on_raw_uint8_images():
    model = lamina.Sequential([layers.Input((8, 8)), layers.Flatten(),
                               layers.Dense(4, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    x = np.random.default_rng(1).integers(0, 255, (32, 8, 8)).astype("uint8")
    history = model.fit(x, np.arange(32) % 4, epochs=2, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    assert model.predict(x[:3], verbose=0).shape == (3, 4)
