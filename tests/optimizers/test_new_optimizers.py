"""The optimizers added after Adam: lookup by name, use in fit, and saving their state."""

import numpy as np
import pytest

import lamina
from lamina import layers, optimizers

NAMES = ["adamw", "adadelta", "adamax", "nadam", "ftrl", "lion", "lamb"]


def _model(optimizer):
    model = lamina.Sequential(
        [layers.Dense(4, activation="tanh", input_shape=(3,)), layers.Dense(1)]
    )
    model.compile(optimizer=optimizer, loss="mse")
    return model


def _data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 3)).astype("float32")
    return x, x.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("name", NAMES)
def test_get_by_name_and_train(name):
    opt = optimizers.get(name)
    assert type(opt).__name__.lower() == name
    x, y = _data()
    model = _model(opt)
    opt.learning_rate = {"adadelta": 1.0, "ftrl": 0.2}.get(name, 0.01)
    # FTRL sets the weights in closed form (the initial ones are dropped at the first step),
    # so progress is measured from the end of the first epoch.
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    before = model.evaluate(x, y, verbose=0)
    model.fit(x, y, epochs=5, batch_size=8, verbose=0)
    assert model.evaluate(x, y, verbose=0) < before


def test_adamw_needs_a_weight_decay():
    assert optimizers.AdamW().weight_decay == 0.004
    with pytest.raises(ValueError, match="weight_decay"):
        optimizers.AdamW(weight_decay=None)


def test_loss_scale_optimizer_in_fit_matches_the_inner_optimizer():
    x, y = _data()
    plain = _model(optimizers.Adam(0.01))
    scaled = _model(optimizers.LossScaleOptimizer(optimizers.Adam(0.01), dynamic_growth_steps=3))
    scaled.set_weights([np.array(w, copy=True) for w in plain.get_weights()])
    plain.fit(x, y, epochs=2, batch_size=8, verbose=0, shuffle=False)
    scaled.fit(x, y, epochs=2, batch_size=8, verbose=0, shuffle=False)
    for a, b in zip(scaled.get_weights(), plain.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)
    opt = scaled.optimizer
    assert int(opt.iterations.numpy()) == 8
    # 8 finite steps with growth every 3: the scale doubled twice
    assert float(opt.dynamic_scale.numpy()) == 2.0**17
    assert float(opt.learning_rate.numpy()) == pytest.approx(0.01)


def test_loss_scale_optimizer_skips_non_finite_steps():
    v = lamina.backend.core.make_variable(np.ones(3, "float32"), name="v")
    opt = optimizers.LossScaleOptimizer(optimizers.SGD(0.1), initial_scale=8.0)
    opt.apply([lamina.backend.core.convert_to_tensor(np.array([np.nan, 1, 1], "float32"))], [v])
    np.testing.assert_array_equal(v.numpy(), np.ones(3))
    assert float(opt.dynamic_scale.numpy()) == 4.0
    opt.apply([lamina.backend.core.convert_to_tensor(np.full(3, 4.0, "float32"))], [v])
    np.testing.assert_allclose(v.numpy(), np.full(3, 0.9))
    with pytest.raises(ValueError, match="does not support `clipnorm`"):
        optimizers.LossScaleOptimizer(optimizers.SGD(), clipnorm=1.0)


@pytest.mark.parametrize("name", ["nadam", "ftrl", "loss_scale"])
def test_optimizer_state_survives_save_and_load(tmp_path, name):
    x, y = _data()
    opt = (
        optimizers.LossScaleOptimizer(optimizers.Adam(0.01))
        if name == "loss_scale"
        else optimizers.get(name)
    )
    model = _model(opt)
    model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    path = str(tmp_path / "m.keras")
    model.save(path)
    loaded = lamina.models.load_model(path)
    assert type(loaded.optimizer) is type(model.optimizer)
    assert len(loaded.optimizer.variables) == len(model.optimizer.variables)
    for a, b in zip(loaded.optimizer.variables, model.optimizer.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    # and training goes on identically
    model.fit(x, y, epochs=1, batch_size=8, verbose=0, shuffle=False)
    loaded.fit(x, y, epochs=1, batch_size=8, verbose=0, shuffle=False)
    for a, b in zip(loaded.get_weights(), model.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
