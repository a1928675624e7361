"""model.quantize("int8") as Keras 3 does it: same int8 weights and scales, same predictions,
quantized .keras files both ways; keras.quantizers' functions against Keras'."""

import numpy as np
import pytest

import lamina


def _pair(keras, build, rng):
    lm, km = build(lamina), build(keras)
    weights = [rng.normal(size=w.shape).astype("float32") for w in km.get_weights()]
    km.set_weights(weights)
    lm.set_weights(weights)
    return lm, km


def _mlp(lib):
    return lib.Sequential([lib.Input((12,)), lib.layers.Dense(16, activation="relu"),
                           lib.layers.Dense(4, use_bias=False), lib.layers.Dense(3)])


def _embedding_model(lib):
    ids = lib.Input((6,), dtype="int32")
    x = lib.layers.Embedding(30, 8)(ids)
    x = lib.layers.GlobalAveragePooling1D()(x)
    return lib.Model(ids, lib.layers.Dense(2, activation="softmax")(x))


@pytest.mark.parametrize("build, make_x", [
    (_mlp, lambda rng: rng.normal(size=(7, 12)).astype("float32")),
    (_embedding_model, lambda rng: rng.integers(0, 30, (5, 6)).astype("int32")),
])
def test_int8_predictions_and_files_match_keras(keras, rng, tmp_path, build, make_x):
    lm, km = _pair(keras, build, rng)
    x = make_x(rng)
    float_out = lm.predict(x, verbose=0)
    lm.quantize("int8")
    km.quantize("int8")
    want = keras.ops.convert_to_numpy(km.predict(x, verbose=0))
    got = lm.predict(x, verbose=0)
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)
    error = np.abs(got - float_out).max() / np.abs(float_out).max()
    assert 0 < error < 0.05  # int8 is close to the float model, and not identical to it
    for lw, kw in zip(sorted(lm.weights, key=lambda w: w.path),
                      sorted(km.weights, key=lambda w: w.path)):
        assert str(lw.dtype).endswith(str(kw.dtype)), (lw.path, lw.dtype, kw.dtype)
        np.testing.assert_array_equal(lamina.ops.convert_to_numpy(lw),
                                      keras.ops.convert_to_numpy(kw))
    lm.save(tmp_path / "lamina.keras")
    km.save(tmp_path / "keras.keras")
    from_keras = lamina.models.load_model(tmp_path / "keras.keras")
    assert from_keras.layers[-1].quantization_mode == "int8"
    np.testing.assert_allclose(from_keras.predict(x, verbose=0), want, rtol=1e-6, atol=1e-6)
    in_keras = keras.models.load_model(tmp_path / "lamina.keras")
    np.testing.assert_allclose(keras.ops.convert_to_numpy(in_keras.predict(x, verbose=0)),
                               want, rtol=1e-6, atol=1e-6)


def test_custom_config_without_activation_quantization(keras, rng):
    lm, km = _pair(keras, _mlp, rng)
    x = rng.normal(size=(4, 12)).astype("float32")
    km.quantize(config=keras.quantizers.Int8QuantizationConfig(
        weight_quantizer=keras.quantizers.AbsMaxQuantizer(axis=0, value_range=(-100, 100)),
        activation_quantizer=None))
    lm.quantize(config=lamina.quantizers.Int8QuantizationConfig(
        weight_quantizer=lamina.quantizers.AbsMaxQuantizer(axis=0, value_range=(-100, 100)),
        activation_quantizer=None))
    np.testing.assert_allclose(lm.predict(x, verbose=0),
                               keras.ops.convert_to_numpy(km.predict(x, verbose=0)),
                               rtol=1e-5, atol=1e-6)
    assert int(np.abs(lamina.ops.convert_to_numpy(lm.layers[0].kernel)).max()) == 100


def test_filters_unsupported_modes_and_errors():
    model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(4, name="hidden"),
                               lamina.layers.Dense(4, name="hidden_2"),
                               lamina.layers.Dense(2, name="head")])
    model.quantize("int8", filters="^hidden")
    assert [layer.quantization_mode for layer in model.layers] == ["int8", "int8", None]
    other = _mlp(lamina)
    other.quantize("int8", filters=lambda layer: getattr(layer, "units", None) == 3)
    assert [layer.quantization_mode for layer in other.layers] == [None, None, "int8"]
    with pytest.raises(ValueError, match="already quantized"):
        model.layers[0].quantize("int8")
    for mode in ("int4", "float8", "gptq"):
        with pytest.raises(NotImplementedError, match="int8"):
            _mlp(lamina).quantize(mode)
    with pytest.raises(ValueError, match="Invalid quantization mode"):
        _mlp(lamina).quantize("int3")
    with pytest.raises(ValueError, match="built"):
        lamina.layers.Dense(2).quantize("int8")


def test_quantizer_functions_match_keras(keras, rng):
    x = rng.normal(size=(6, 5)).astype("float32")
    for axis in (0, -1, (0, 1)):
        kq, ks = keras.quantizers.abs_max_quantize(x, axis=axis)
        lq, ls = lamina.quantizers.abs_max_quantize(x, axis=axis)
        np.testing.assert_array_equal(lamina.ops.convert_to_numpy(lq),
                                      keras.ops.convert_to_numpy(kq))
        np.testing.assert_allclose(lamina.ops.convert_to_numpy(ls),
                                   keras.ops.convert_to_numpy(ks), rtol=1e-6)
    ints = rng.integers(-8, 8, size=(5, 7)).astype("int8")
    for axis in (0, 1):
        kp = keras.quantizers.pack_int4(ints, axis=axis)
        lp = lamina.quantizers.pack_int4(ints, axis=axis)
        np.testing.assert_array_equal(lamina.ops.convert_to_numpy(lp[0]),
                                      keras.ops.convert_to_numpy(kp[0]))
        assert tuple(lp[1]) == tuple(kp[1]) and lp[2] == kp[2]
        back = lamina.quantizers.unpack_int4(lp[0], lp[2], axis=axis)
        np.testing.assert_array_equal(lamina.ops.convert_to_numpy(back), ints)
    amax = np.array(3.5, "float32")
    np.testing.assert_allclose(
        lamina.ops.convert_to_numpy(lamina.quantizers.compute_float8_scale(amax, 2.0, 448.0)),
        keras.ops.convert_to_numpy(keras.quantizers.compute_float8_scale(amax, 2.0, 448.0)))
    history = np.array([1.0, 2.0, 3.0], "float32")
    np.testing.assert_array_equal(
        lamina.ops.convert_to_numpy(lamina.quantizers.compute_float8_amax_history(x, history)),
        keras.ops.convert_to_numpy(keras.quantizers.compute_float8_amax_history(x, history)))
    config = lamina.quantizers.serialize(lamina.quantizers.Int8QuantizationConfig())
    assert config == keras.quantizers.serialize(keras.quantizers.Int8QuantizationConfig())
