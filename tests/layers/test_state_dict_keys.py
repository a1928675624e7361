"""torch's ``state_dict`` of a lamina model: one entry per weight, keys the same in every process."""

import os
import re
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import torch

import lamina
from lamina import layers


def _zoo():
    def nested():
        inner = lamina.Sequential([lamina.Input((6,)), layers.Dense(5), layers.BatchNormalization()])
        x = lamina.Input((6,))
        return lamina.Model(x, layers.Dense(2)(inner(x)))

    def mha():
        q = lamina.Input((4, 8))
        return lamina.Model(q, layers.MultiHeadAttention(2, 4)(q, q))

    return {
        "batchnorm": lambda: lamina.Sequential([lamina.Input((3,)), layers.BatchNormalization()]),
        "lstm_bn_dense": lambda: lamina.Sequential([
            lamina.Input((5, 3)), layers.LSTM(4, return_sequences=True),
            layers.BatchNormalization(), layers.Flatten(), layers.Dense(2)]),
        "gru": lambda: lamina.Sequential([lamina.Input((5, 3)), layers.GRU(4)]),
        "bidirectional": lambda: lamina.Sequential([
            lamina.Input((5, 3)), layers.Bidirectional(layers.LSTM(4))]),
        "mha": mha,
        "conv": lambda: lamina.Sequential([
            lamina.Input((8, 8, 3)), layers.Conv2D(4, 3), layers.BatchNormalization(),
            layers.Flatten(), layers.Dense(2)]),
        "conv_transpose_separable": lambda: lamina.Sequential([
            lamina.Input((8, 8, 3)), layers.SeparableConv2D(4, 3), layers.Conv2DTranspose(2, 3),
            layers.DepthwiseConv2D(3)]),
        "embedding": lambda: lamina.Sequential([
            lamina.Input((4,), dtype="int32"), layers.Embedding(10, 3), layers.LayerNormalization()]),
        "nested": nested,
    }


@pytest.mark.parametrize("kind", sorted(_zoo()))
def test_one_state_dict_entry_per_weight(kind):
    model = _zoo()[kind]()
    state = model.state_dict()
    assert len(state) == len(model.weights), sorted(state)
    # every weight is in it, under a key without hash-like suffixes
    ids = {id(v) for v in model.weights}
    assert {id(p) for p in model.parameters()} == ids
    assert not any(re.search(r"_var\d+_\d+", k) for k in state), sorted(state)


def test_keys_are_named_by_the_attribute():
    bn = layers.BatchNormalization()
    bn.build((None, 3))
    assert list(bn.state_dict()) == ["gamma", "beta", "moving_mean", "moving_variance"]

    class Custom(layers.Layer):
        def build(self, shape):
            self.scale = self.add_weight(shape=(shape[-1],), initializer="ones", name="s")
            self.alias = self.scale  # a second attribute, not a second entry

        def call(self, x):
            return x * self.scale

    layer = Custom()
    layer(np.ones((2, 3), "float32"))
    assert list(layer.state_dict()) == ["scale"]
    assert layer.alias is layer.scale


_SCRIPT = textwrap.dedent("""
    import sys, numpy as np, torch, lamina
    from lamina import layers
    lamina.utils.set_random_seed(int(sys.argv[2]))
    model = lamina.Sequential([lamina.Input((5, 3)), layers.LSTM(4, return_sequences=True),
                               layers.BatchNormalization(), layers.Flatten(), layers.Dense(2)])
    x = np.linspace(-1, 1, 2 * 5 * 3, dtype="float32").reshape(2, 5, 3)
    if sys.argv[1] == "save":
        model.get_layer(index=1).moving_mean.assign(np.arange(4, dtype="float32") / 10)
        torch.save(model.state_dict(), sys.argv[3])
    else:
        model.load_state_dict(torch.load(sys.argv[3]))
    np.save(sys.argv[4], np.asarray(model.predict(x, verbose=0)))
""")


def test_state_dict_loads_in_a_process_with_another_hash_seed(tmp_path):
    script = tmp_path / "run.py"
    script.write_text(_SCRIPT)
    state = tmp_path / "state.pt"
    outs = []
    for mode, hashseed, seed in (("save", "1", 1), ("load", "2", 2)):
        out = tmp_path / f"{mode}.npy"
        env = dict(os.environ, PYTHONHASHSEED=hashseed)
        subprocess.run([sys.executable, str(script), mode, str(seed), str(state), str(out)],
                       check=True, env=env, capture_output=True, timeout=120)
        outs.append(np.load(out))
    np.testing.assert_allclose(outs[0], outs[1], rtol=1e-6, atol=1e-6)
    assert "1.gamma" in str(list(torch.load(state)))


def test_sublayers_first_built_inside_a_shape_only_run_get_real_variables():
    class Chain(layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.first, self.second = layers.Dense(4), layers.Dense(3)

        def call(self, x):
            return self.second(self.first(x))  # second is built on first's shape-only output

    model = lamina.Sequential([lamina.Input((5,)), Chain()])
    assert all(type(v).__name__ == "Variable" for v in model.weights)
    assert len(model.state_dict()) == len(model.weights) == 4
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.ones((4, 5), "float32"), np.zeros((4, 3), "float32"), verbose=0)
    x = np.ones((2, 5), "float32")
    k1, b1, k2, b2 = model.get_weights()
    np.testing.assert_allclose(model.predict(x, verbose=0), (x @ k1 + b1) @ k2 + b2, rtol=1e-5)


def test_a_rebuilt_weight_replaces_the_old_entry():
    class Rebuilt(layers.Layer):
        def build(self, shape):
            self.kernel = self.add_weight(shape=(shape[-1], 2), name="kernel")

        def call(self, x):
            return lamina.ops.matmul(x, self.kernel)

    layer = Rebuilt()
    layer.build((None, 3))
    first = layer.kernel
    layer.build((None, 4))  # a second build makes a new kernel under the same attribute
    assert list(layer.state_dict()) == ["kernel"]
    assert layer.kernel is not first and tuple(layer.state_dict()["kernel"].shape) == (4, 2)
