"""OptimizerMap lookup rules and MultiOptimizer's checks, state and saving."""

import numpy as np
import pytest

import lamina
from lamina import optimizers
from lamina.backend import core


def test_optimizer_map_exact_then_full_regex_then_default():
    adam, sgd, rms = optimizers.Adam(), optimizers.SGD(), optimizers.RMSprop()
    m = optimizers.OptimizerMap(rms)
    m["encoder/layer_0/dense"] = adam
    m["encoder/.*"] = sgd
    assert m["encoder/layer_0/dense"] is adam
    assert m["encoder/layer_0/attention/query"] is sgd
    assert m["decoder/dense"] is rms
    m["enc.*"] = adam
    with pytest.raises(ValueError, match="Multiple optimizers"):
        m["encoder/x"]
    with pytest.raises(ValueError, match="already exists"):
        m["encoder/.*"] = adam
    with pytest.raises(ValueError, match="LossScaleOptimizer"):
        m["x"] = optimizers.LossScaleOptimizer(optimizers.SGD())
    with pytest.raises(TypeError, match="default_optimizer"):
        optimizers.OptimizerMap("sgd")


def test_function_map_and_per_group_updates():
    a = core.make_variable(np.ones(2, "float32"), name="a")
    b = core.make_variable(np.ones(2, "float32"), name="b")
    fast, slow = optimizers.SGD(1.0), optimizers.SGD(0.1)
    opt = optimizers.MultiOptimizer(lambda v: fast if v.name == "a" else slow)
    g = core.convert_to_tensor(np.ones(2, "float32"))
    opt.apply([g, g], [a, b])
    np.testing.assert_allclose(a.numpy(), [0.0, 0.0])
    np.testing.assert_allclose(b.numpy(), [0.9, 0.9])
    assert int(opt.iterations.numpy()) == 1 and int(fast.iterations.numpy()) == 1
    with pytest.raises(ValueError, match="one-to-one"):
        opt.apply([g], [a])
    with pytest.raises(ValueError, match="cannot be saved"):
        opt.get_config()


def test_registered_function_map_saves_and_loads(tmp_path):
    @lamina.saving.register_keras_serializable(package="tests_multi")
    def by_layer(variable):
        return by_layer.opts["enc" in variable.path]

    by_layer.opts = {True: optimizers.Adam(0.01), False: optimizers.SGD(0.1)}
    inp = lamina.Input(shape=(3,))
    out = lamina.layers.Dense(1, name="head")(lamina.layers.Dense(2, name="enc")(inp))
    model = lamina.Model(inp, out)
    model.compile(optimizer=optimizers.MultiOptimizer(by_layer), loss="mse")
    x = np.ones((4, 3), "float32")
    model.fit(x, x[:, :1], verbose=0)
    model.save(tmp_path / "f.keras")
    again = lamina.models.load_model(tmp_path / "f.keras")
    assert isinstance(again.optimizer, optimizers.MultiOptimizer)


def test_loss_scale_factor_goes_to_every_sub_optimizer():
    opt = optimizers.MultiOptimizer(optimizers.OptimizerMap(optimizers.SGD(),
                                                            {"x": optimizers.Adam()}),
                                    loss_scale_factor=4.0)
    assert [o.loss_scale_factor for o in opt.optimizers] == [4.0, 4.0]
    assert float(opt.scale_loss(2.0)) == 8.0
    with pytest.raises(AttributeError, match="sub-optimizers"):
        opt.learning_rate = 0.1
