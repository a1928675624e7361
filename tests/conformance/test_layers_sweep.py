"""Layer base API against real Keras 3: variable paths, trainable flags, errors, losses, masks."""

import numpy as np
import pytest

import lamina


def _paths(weights):
    return [(w.path, w.name) for w in weights]


def _unnumbered(pairs):
    """Auto-generated names differ in their counter suffix between sessions; drop it."""
    import re

    return [tuple(re.sub(r"_\d+\b", "", s) if isinstance(s, str) else s for s in p)
            for p in pairs]


def _both(keras, fn):
    return fn(keras), fn(lamina)


def _sequential(K):
    return K.Sequential([K.Input((3,)), K.layers.Dense(2, name="d1"), K.layers.Dense(1, name="d2")],
                        name="seq")


def _deferred(K):
    m = K.Sequential([K.layers.Dense(2, name="d1")], name="seq")
    m(np.ones((1, 3), "float32"))
    return m


def _built(K):
    m = K.Sequential([K.layers.Dense(2, name="d1")], name="seq")
    m.build((None, 3))
    return m


def _functional(K):
    i = K.Input((3,))
    return K.Model(i, K.layers.Dense(2, name="d1")(i), name="fm")


def _nested(K):
    inner = K.Sequential([K.Input((3,)), K.layers.Dense(2, name="d1")], name="inner")
    i = K.Input((3,))
    return K.Model(i, K.layers.Dense(1, name="d2")(inner(i)), name="outer")


def _nested_deferred(K):
    inner = K.Sequential([K.layers.Dense(2, name="d1")], name="inner")
    outer = K.Sequential([inner, K.layers.Dense(1, name="d2")], name="outer")
    outer(np.ones((1, 3), "float32"))
    return outer


def _subclassed(K):
    class Sub(K.Model):
        def __init__(self, **kw):
            super().__init__(**kw)
            self.d1 = K.layers.Dense(2, name="d1")
            self.d2 = K.layers.Dense(1, name="d2")

        def call(self, x):
            return self.d2(self.d1(x))

    m = Sub(name="sub")
    m(np.ones((1, 3), "float32"))
    return m


def _standalone(K):
    d = K.layers.Dense(2, name="d1")
    d(np.ones((1, 3), "float32"))
    return d


def _recurrent(K):
    return K.Sequential([K.Input((4, 2)), K.layers.Bidirectional(K.layers.LSTM(3, name="l"))],
                        name="rn")


@pytest.mark.parametrize("make", [_sequential, _deferred, _built, _functional, _nested,
                                  _nested_deferred, _subclassed, _standalone, _recurrent])
def test_variable_paths_and_names(keras, make):
    k, m = _both(keras, make)
    assert _unnumbered(_paths(m.weights)) == _unnumbered(_paths(k.weights))
    if hasattr(k, "layers"):
        assert _unnumbered([(l.path,) for l in m.layers]) == \
            _unnumbered([(l.path,) for l in k.layers])
    assert m.path == k.path


def test_optimizer_slot_names_after_fit(keras, rng):
    x = rng.normal(size=(4, 3)).astype("float32")
    y = rng.normal(size=(4, 2)).astype("float32")

    def run(K):
        m = K.Sequential([K.Input((3,)), K.layers.Dense(2, name="d1")], name="seq")
        m.compile(optimizer="adam", loss="mse")
        m.fit(x, y, epochs=1, verbose=0)
        return m

    k, m = _both(keras, run)
    assert _unnumbered(_paths(m.optimizer.variables)) == _unnumbered(_paths(k.optimizer.variables))


def test_count_params_unbuilt(keras):
    errors = []
    for K in (keras, lamina):
        with pytest.raises(ValueError) as e:
            K.layers.Dense(2, name="cp").count_params()
        errors.append(str(e.value))
    assert errors[1] == errors[0]


def _outer_layer(K):
    class Outer(K.layers.Layer):
        def __init__(self, **kw):
            super().__init__(**kw)
            self.a = K.layers.Dense(2, name="a")
            self.bn = K.layers.BatchNormalization(name="bn")

        def build(self, shape):
            self.w = self.add_weight(shape=(2,), name="w", trainable=True)
            self.nt = self.add_weight(shape=(2,), name="nt", trainable=False)

        def call(self, x):
            return self.bn(self.a(x)) * self.w + self.nt

    layer = Outer(name="outer")
    layer(np.ones((2, 3), "float32"))
    return layer


def test_trainable_toggling_with_sublayers(keras):
    k, m = _both(keras, _outer_layer)

    def state(layer):
        return ([w.path for w in layer.weights], [w.path for w in layer.trainable_weights],
                [w.path for w in layer.non_trainable_weights], [w.trainable for w in layer.weights])

    assert state(m) == state(k)
    for layer in (k, m):
        layer.trainable = False
    assert state(m) == state(k)
    for layer in (k, m):
        layer.trainable = True
    assert state(m) == state(k)
    for layer in (k, m):
        layer.a.trainable = False
    assert state(m) == state(k)


@pytest.mark.parametrize("weights", [[np.ones((3, 2))], [np.ones((3, 3)), np.ones(2)],
                                     [np.ones((3, 2)), np.ones(3)]])
def test_set_weights_errors(keras, weights):
    errors = []
    for K in (keras, lamina):
        d = K.layers.Dense(2, name="sw")
        d.build((None, 3))
        with pytest.raises(ValueError) as e:
            d.set_weights(weights)
        errors.append(str(e.value))
    assert errors[1] == errors[0]


def test_add_weight_arguments(keras):
    def make(K):
        class AW(K.layers.Layer):
            def build(self, shape):
                self.add_weight(shape=(2, 3), initializer="ones", dtype="float64",
                                trainable=False, name="a")
                self.add_weight(shape=[4], initializer="random_normal", regularizer="l2",
                                constraint="non_neg", name="b")
                self.add_weight(shape=(), name="c")
                self.add_weight(shape=(2,), dtype="int32", trainable=False)
                self.add_weight((1,))

            def call(self, x):
                return x

        layer = AW(name="aw")
        layer(np.ones((1, 1), "float32"))
        return layer

    k, m = _both(keras, make)

    def describe(layer):
        return [(w.path, w.name, tuple(w.shape), keras.backend.standardize_dtype(w.dtype),
                 w.trainable, type(w.constraint).__name__, type(w.regularizer).__name__)
                for w in layer.weights]

    assert _unnumbered(describe(m)) == _unnumbered(describe(k))
    assert len(m.losses) == len(k.losses)
    np.testing.assert_array_equal(m.weights[-2].numpy(), k.weights[-2].numpy())


def test_activity_regularizer_losses_reset_per_call(keras, rng):
    x = rng.normal(size=(4, 3)).astype("float32")
    w = rng.normal(size=(3, 2)).astype("float32")
    out = []
    for K in (keras, lamina):
        d = K.layers.Dense(2, activity_regularizer="l2", name="ar")
        d.build((None, 3))
        d.set_weights([w, np.zeros(2, "float32")])
        d(x)
        first = [float(K.ops.convert_to_numpy(v)) for v in d.losses]
        d(x * 2)
        out.append((first, [float(K.ops.convert_to_numpy(v)) for v in d.losses]))
    np.testing.assert_allclose(out[1][0], out[0][0], rtol=1e-5)
    np.testing.assert_allclose(out[1][1], out[0][1], rtol=1e-5)
    assert len(out[1][1]) == len(out[0][1])


@pytest.mark.parametrize("policy", ["float32", "mixed_float16", "mixed_bfloat16", "bfloat16"])
def test_dtype_attributes(keras, policy):
    k, m = _both(keras, lambda K: K.layers.Dense(2, dtype=policy))
    assert (m.dtype, m.compute_dtype, m.variable_dtype) == \
        (k.dtype, k.compute_dtype, k.variable_dtype)


def test_input_output_in_functional_model(keras):
    def make(K):
        i = K.Input((3,))
        d = K.layers.Dense(2, name="io")
        K.Model(i, d(i))
        return d

    k, m = _both(keras, make)
    assert tuple(m.input.shape) == tuple(k.input.shape)
    assert tuple(m.output.shape) == tuple(k.output.shape)


@pytest.mark.parametrize("symbolic", [False, True])
def test_wrong_last_dimension_error(keras, symbolic):
    errors = []
    for K in (keras, lamina):
        d = K.layers.Dense(2, name="shp")
        d(np.ones((1, 3), "float32"))
        with pytest.raises(ValueError) as e:
            d(K.Input((5,)) if symbolic else np.ones((1, 4), "float32"))
        errors.append(str(e.value))
    assert errors[1] == errors[0]


def test_supports_masking_and_compute_mask(keras):
    def make(K):
        L = K.layers
        return [L.Dense(2), L.Layer(), L.Dropout(0.1), L.Activation("relu"), L.Embedding(3, 2),
                L.Masking(), L.LSTM(2), L.Flatten(), L.Conv1D(2, 1), L.BatchNormalization(),
                L.LayerNormalization(), L.Add(), L.Concatenate(), L.Reshape((2,)),
                L.GlobalAveragePooling1D()]

    k, m = _both(keras, make)
    assert [l.supports_masking for l in m] == [l.supports_masking for l in k]
    x = np.ones((2, 3), "float32")
    mask = np.array([True, False])
    for cls in ("Dense", "Layer"):
        got = getattr(lamina.layers, cls)(*([2] if cls == "Dense" else [])).compute_mask(
            x, lamina.ops.convert_to_tensor(mask))
        want = getattr(keras.layers, cls)(*([2] if cls == "Dense" else [])).compute_mask(
            x, keras.ops.convert_to_tensor(mask))
        assert (got is None) == (want is None)
        if want is not None:
            np.testing.assert_array_equal(np.asarray(got), keras.ops.convert_to_numpy(want))
