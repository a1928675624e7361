"""LoRA on Dense, Embedding and Conv1D/2D/3D against real Keras 3: outputs, training, files."""

import h5py
import numpy as np
import pytest

import lamina
from lamina import layers

_CASES = {
    # name: (constructor arguments, input shape without batch, integer inputs?)
    "Dense": ((5,), (4,), False),
    "Embedding": ((11, 5), (3,), True),
    "Conv1D": ((4, 3), (9, 2), False),
    "Conv2D": ((4, 3), (7, 6, 2), False),
    "Conv3D": ((3, 2), (5, 4, 4, 2), False),
}

# Keras 3.15's Dense.build and Embedding.build call enable_lora(rank) without the lora_alpha
# given to the constructor, so it silently becomes rank (a scale of 1); its convolutions and
# EinsumDense pass it on. lamina honours lora_alpha everywhere, as Keras documents it.
_DROPS_ALPHA = {"Dense", "Embedding"}


def _inputs(rng, shape, ints, n=6):
    if ints:
        return rng.integers(0, 11, size=(n, *shape)).astype("int32")
    return rng.normal(size=(n, *shape)).astype("float32")


def _pair(keras, name, rank=2, alpha=4.0):
    args, shape, _ = _CASES[name]
    ours = getattr(layers, name)(*args, lora_rank=rank, lora_alpha=alpha)
    theirs = getattr(keras.layers, name)(*args, lora_rank=rank, lora_alpha=alpha)
    ours.build((None, *shape))
    theirs.build((None, *shape))
    if name in _DROPS_ALPHA:
        assert theirs.lora_alpha == rank  # Keras' build replaced the lora_alpha it was given
        theirs.lora_alpha = alpha  # compare the maths with the alpha the user asked for
    return ours, theirs


def _randomize(layer, rng):
    # B starts at zeros; give every weight values so the update shows in the outputs
    layer.set_weights([rng.normal(size=w.shape).astype(w.dtype) for w in layer.get_weights()])


@pytest.mark.parametrize("name", sorted(_CASES))
def test_same_weights_same_outputs(keras, rng, name):
    ours, theirs = _pair(keras, name)
    assert [v.name for v in ours.weights] == [v.name for v in theirs.weights]
    assert [v.name for v in ours.trainable_weights] == [v.name for v in theirs.trainable_weights]
    assert [tuple(v.shape) for v in ours.weights] == [tuple(v.shape) for v in theirs.weights]
    _randomize(theirs, rng)
    ours.set_weights(theirs.get_weights())
    x = _inputs(rng, _CASES[name][1], _CASES[name][2])
    np.testing.assert_allclose(np.asarray(ours(x).detach()), np.asarray(theirs(x).detach()),
                               rtol=1e-5, atol=1e-5)
    target = "embeddings" if name == "Embedding" else "kernel"
    np.testing.assert_allclose(np.asarray(getattr(ours, target).detach()),
                               np.asarray(getattr(theirs, target).detach()),
                               rtol=1e-6, atol=1e-6)
    assert ours.get_config()["lora_rank"] == theirs.get_config()["lora_rank"] == 2
    assert ours.get_config()["lora_alpha"] == theirs.get_config()["lora_alpha"] == 4.0


def test_enable_lora_later_matches_keras(keras, rng):
    ours, theirs = layers.Dense(3), keras.layers.Dense(3)
    ours.build((None, 4))
    theirs.build((None, 4))
    ours.set_weights(theirs.get_weights())
    ours.enable_lora(2)
    theirs.enable_lora(2)
    assert ours.lora_enabled and ours.lora_alpha == theirs.lora_alpha == 2
    assert not ours._kernel.trainable
    assert ours.count_params() == theirs.count_params()
    assert [v.name for v in ours.trainable_weights] == [v.name for v in theirs.trainable_weights]
    # freezing and unfreezing the layer keeps the base kernel frozen (Keras 3.15 makes it
    # trainable again, silently undoing LoRA; lamina keeps what enable_lora asked for)
    ours.trainable = False
    assert ours.trainable_weights == []
    ours.trainable = True
    assert [v.name for v in ours.trainable_weights] == ["bias", "lora_kernel_a", "lora_kernel_b"]


def _models(keras, rng):
    ours = lamina.Sequential([lamina.Input((6,)), layers.Dense(5, activation="relu"),
                              layers.Dense(2)])
    theirs = keras.Sequential([keras.Input((6,)), keras.layers.Dense(5, activation="relu"),
                               keras.layers.Dense(2)])
    ours.set_weights(theirs.get_weights())
    for model in (ours, theirs):
        model.layers[0].enable_lora(3, lora_alpha=6)
    weights = theirs.get_weights()
    weights[2] = rng.normal(size=weights[2].shape).astype("float32") * 0.1  # lora_kernel_a
    weights[3] = rng.normal(size=weights[3].shape).astype("float32") * 0.1  # lora_kernel_b
    theirs.set_weights(weights)
    ours.set_weights(weights)
    return ours, theirs


def test_training_a_lora_model_matches_keras(keras, rng):
    ours, theirs = _models(keras, rng)
    x = rng.normal(size=(16, 6)).astype("float32")
    y = rng.normal(size=(16, 2)).astype("float32")
    ours.compile(optimizer=lamina.optimizers.Adam(0.01), loss="mse")
    theirs.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    base = theirs.get_weights()[0]
    ours.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0)
    theirs.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0)
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
    np.testing.assert_array_equal(ours.get_weights()[0], base)  # the base kernel stayed frozen


def _vars_of(path, layer_name):
    with h5py.File(path, "r") as f:
        return {k: f[f"layers/{layer_name}/vars/{k}"][()] for k in f[f"layers/{layer_name}/vars"]}


def test_weights_file_holds_the_merged_kernel_as_keras_writes_it(keras, rng, tmp_path):
    ours, theirs = _models(keras, rng)
    ours_path, theirs_path = tmp_path / "ours.weights.h5", tmp_path / "theirs.weights.h5"
    ours.save_weights(ours_path)
    theirs.save_weights(theirs_path)
    mine, keras_vars = _vars_of(ours_path, "dense"), _vars_of(theirs_path, "dense")
    assert sorted(mine) == sorted(keras_vars) == ["0", "1"]  # kernel (merged) and bias
    for k in mine:
        np.testing.assert_allclose(mine[k], keras_vars[k], rtol=1e-6, atol=1e-6)
    merged = ours.layers[0].kernel.detach().numpy()
    np.testing.assert_allclose(mine["0"], merged, rtol=1e-6)


@pytest.mark.parametrize("suffix", [".keras", ".weights.h5"])
def test_files_round_trip_both_ways(keras, rng, tmp_path, suffix):
    ours, theirs = _models(keras, rng)
    x = rng.normal(size=(4, 6)).astype("float32")
    expected = theirs.predict(x, verbose=0)
    np.testing.assert_allclose(ours.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-6)
    if suffix == ".keras":
        ours.save(tmp_path / "ours.keras")
        theirs.save(tmp_path / "theirs.keras")
        loaded_by_keras = keras.saving.load_model(tmp_path / "ours.keras")
        loaded_by_us = lamina.saving.load_model(tmp_path / "theirs.keras")
        assert loaded_by_us.layers[0].lora_enabled and loaded_by_keras.layers[0].lora_enabled
    else:
        ours.save_weights(tmp_path / "ours.weights.h5")
        theirs.save_weights(tmp_path / "theirs.weights.h5")
        loaded_by_keras, loaded_by_us = _models(keras, np.random.default_rng(99))[::-1]
        loaded_by_keras.load_weights(tmp_path / "ours.weights.h5")
        loaded_by_us.load_weights(tmp_path / "theirs.weights.h5")
    np.testing.assert_allclose(loaded_by_keras.predict(x, verbose=0), expected, rtol=1e-5,
                               atol=1e-6)
    np.testing.assert_allclose(loaded_by_us.predict(x, verbose=0), expected, rtol=1e-5,
                               atol=1e-6)
    # as in Keras, the loaded update restarts at zero: the merged kernel went into the base
    a = loaded_by_us.layers[0].lora_kernel_a.detach().numpy()
    np.testing.assert_array_equal(a, np.zeros_like(a))


@pytest.mark.parametrize("name", ["Embedding", "Conv2D"])
def test_other_layers_round_trip_through_keras_files(keras, rng, tmp_path, name):
    args, shape, ints = _CASES[name]
    theirs = keras.Sequential([keras.Input(shape, dtype="int32" if ints else "float32"),
                               getattr(keras.layers, name)(*args, lora_rank=2)])
    _randomize(theirs, rng)
    x = _inputs(rng, shape, ints)
    expected = theirs.predict(x, verbose=0)
    theirs.save(tmp_path / "theirs.keras")
    ours = lamina.saving.load_model(tmp_path / "theirs.keras")
    np.testing.assert_allclose(ours.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-5)
    ours.save(tmp_path / "ours.keras")
    back = keras.saving.load_model(tmp_path / "ours.keras")
    np.testing.assert_allclose(back.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-5)
