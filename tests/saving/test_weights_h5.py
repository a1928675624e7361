import numpy as np
import pytest

import lamina
from lamina import layers


def test_layout_matches_keras(tmp_path, seq_model, data, h5_tree):
    seq_model.compile("adam", "mse")
    seq_model.fit(*data, epochs=1, verbose=0)
    path = tmp_path / "m.weights.h5"
    seq_model.save_weights(path)
    tree = h5_tree(path)
    assert tree["layers/dense/vars"] == {"name": seq_model.layers[0].name}
    assert tree["layers/dense/vars/0"] == (4, 8)
    assert tree["layers/dense_1/vars/1"] == (1,)
    assert tree["optimizer/vars"] == {"name": seq_model.optimizer.name}
    assert tree["optimizer/vars/0"] == ()  # iterations
    assert tree["optimizer/vars/2"] == (4, 8)
    assert tree["vars"] == {"name": "seq"}


def test_round_trip(tmp_path, seq_model, data, fresh_seq):
    path = tmp_path / "m.weights.h5"
    seq_model.save_weights(path)
    other = fresh_seq()
    other.load_weights(path)
    np.testing.assert_array_equal(other.predict(data[0], verbose=0),
                                  seq_model.predict(data[0], verbose=0))


def test_suffix_required(tmp_path, seq_model):
    with pytest.raises(ValueError, match=r"must end in `\.weights\.h5`"):
        seq_model.save_weights(tmp_path / "m.h5x")


def test_overwrite_false(tmp_path, seq_model):
    path = tmp_path / "m.weights.h5"
    seq_model.save_weights(path)
    with pytest.raises(FileExistsError, match="overwrite"):
        seq_model.save_weights(path, overwrite=False)


def test_unbuilt_model_refused(tmp_path):
    model = lamina.Sequential([layers.Dense(2)])
    with pytest.raises(ValueError, match="not yet been built"):
        model.save_weights(tmp_path / "m.weights.h5")


def test_shape_mismatch_names_layer_and_shapes(tmp_path, seq_model):
    path = tmp_path / "m.weights.h5"
    seq_model.save_weights(path)
    other = lamina.Sequential([lamina.Input((4,)), layers.Dense(9, name="wide"), layers.Dense(1)])
    before = other.get_weights()
    with pytest.raises(ValueError, match=r"wide.*\(4, 9\).*\(4, 8\)"):
        other.load_weights(path)
    for a, b in zip(before, other.get_weights()):  # nothing half-loaded
        np.testing.assert_array_equal(a, b)


def test_skip_mismatch_loads_the_rest(tmp_path, seq_model):
    path = tmp_path / "m.weights.h5"
    seq_model.save_weights(path)
    other = lamina.Sequential([lamina.Input((4,)), layers.Dense(8), layers.Dense(3)])
    with pytest.warns(UserWarning, match="Skipping"):
        other.load_weights(path, skip_mismatch=True)
    np.testing.assert_array_equal(other.layers[0].get_weights()[0],
                                  seq_model.layers[0].get_weights()[0])


def test_nested_functional_layout(tmp_path, h5_tree):
    inner = lamina.Sequential([lamina.Input((4,)), layers.Dense(3)], name="inner")
    a, b = lamina.Input((4,), name="a"), lamina.Input((2,), name="b")
    h = inner(a)
    o1 = layers.Dense(1, name="o1")(layers.Dense(5, name="mid")(h))
    o2 = layers.Dense(2, name="o2")(h)
    model = lamina.Model([a, b], [o1, o2], name="func")
    path = tmp_path / "f.weights.h5"
    model.save_weights(path)
    tree = h5_tree(path)
    assert tree["layers/sequential/layers/dense/vars"] == {"name": inner.layers[0].name}
    assert tree["layers/sequential/vars"] == {"name": "inner"}
    assert tree["layers/input_layer/vars"] == {"name": "a"}
    assert tree["layers/input_layer_1/vars"] == {"name": "b"}
    # Keras orders by depth (mid is deeper than the outputs), then by first visit from o1
    names = [tree[f"layers/{k}/vars"]["name"] for k in ("dense", "dense_1", "dense_2")]
    assert names == ["mid", "o1", "o2"]


def test_subclassed_layout(tmp_path, h5_tree):
    class Sub(lamina.Model):
        def __init__(self):
            super().__init__(name="sub")
            self.hidden = layers.Dense(4)
            self.blocks = [layers.Dense(3), layers.Dense(2)]
            self.out = layers.Dense(1)

        def call(self, x):
            x = self.hidden(x)
            for block in self.blocks:
                x = block(x)
            return self.out(x)

    model = Sub()
    model(np.zeros((1, 4), np.float32))
    path = tmp_path / "s.weights.h5"
    model.save_weights(path)
    tree = h5_tree(path)
    # as Keras 3: attributes sorted; `out` is first met through `layers`, as its 4th Dense
    assert tree["hidden/vars/0"] == (4, 4)
    assert tree["blocks/dense/vars/0"] == (4, 3)
    assert tree["blocks/dense_1/vars/0"] == (3, 2)
    assert tree["layers/dense_3/vars/0"] == (2, 1)
    other = Sub()
    other(np.zeros((1, 4), np.float32))
    other.load_weights(path)
    x = np.ones((2, 4), np.float32)
    np.testing.assert_array_equal(other.predict(x, verbose=0), model.predict(x, verbose=0))


def test_garbage_file_is_clear_error(tmp_path, seq_model):
    path = tmp_path / "bad.weights.h5"
    path.write_bytes(b"not an hdf5 file at all")
    with pytest.raises(ValueError, match="bad.weights.h5"):
        seq_model.load_weights(path)
