"""Adafactor, Muon and ScheduleFreeAdamW: maths by hand, use in fit, arguments refused."""

import numpy as np
import pytest

import lamina
from lamina import layers, optimizers
from lamina.backend import core


def test_adafactor_first_step_by_hand():
    rng = np.random.default_rng(0)
    w0 = rng.normal(size=(3, 4)).astype("float32")
    g = rng.normal(size=(3, 4)).astype("float32")
    var = core.make_variable(w0, name="w")
    optimizers.Adafactor(learning_rate=0.5).apply([core.convert_to_tensor(g)], [var])
    # t = 1: beta = 1 - 1^-0.8 = 0, so r, c are the plain means of g^2; rate min(0.5, 1) = 0.5
    g2 = g.astype("float64") ** 2 + 1e-30
    r, c = g2.mean(axis=1), g2.mean(axis=0)
    v = np.outer(r / r.mean(), c)
    u = g / np.sqrt(v)
    u /= max(1.0, np.sqrt((u ** 2).mean()))
    alpha = max(1e-3, np.sqrt((w0.astype("float64") ** 2).mean())) * 0.5
    np.testing.assert_allclose(var.numpy(), w0 - alpha * u, rtol=1e-5, atol=1e-6)


def test_muon_orthogonalizes_the_update():
    opt = optimizers.Muon()
    x = core.convert_to_tensor(np.random.default_rng(1).normal(size=(8, 5)).astype("float32"))
    o = lamina.ops.convert_to_numpy(opt.zeropower_via_newtonschulz5(x, 10))
    # Newton-Schulz drives every singular value near 1 (Keras' coefficients stop near 0.7-1.2)
    s = np.linalg.svd(o, compute_uv=False)
    assert s.min() > 0.5 and s.max() < 1.3
    with pytest.raises(ValueError, match="at least 2"):
        opt.zeropower_via_newtonschulz5(core.convert_to_tensor(np.ones(3, "float32")), 5)


def test_schedule_free_momentum_starts_at_the_weights():
    var = core.make_variable(np.arange(4, dtype="float32"), name="w")
    opt = optimizers.ScheduleFreeAdamW()
    opt.build([var])
    np.testing.assert_array_equal(opt._momentums[0].numpy(), np.arange(4, dtype="float32"))


@pytest.mark.parametrize("name", ["adafactor", "muon", "schedulefreeadamw"])
def test_get_by_name_and_fit_reduces_loss(name):
    rng = np.random.default_rng(2)
    x = rng.normal(size=(64, 3)).astype("float32")
    y = x @ np.array([[1.0], [-2.0], [0.5]], "float32")
    opt = optimizers.get(name)
    opt.learning_rate = 0.05
    model = lamina.Sequential([layers.Input(shape=(3,)), layers.Dense(8, activation="tanh"),
                               layers.Dense(1)])
    model.compile(optimizer=opt, loss="mse")
    before = model.evaluate(x, y, verbose=0)
    model.fit(x, y, epochs=8, batch_size=16, verbose=0)
    assert model.evaluate(x, y, verbose=0) < 0.7 * before


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="ns_steps"):
        optimizers.Muon(ns_steps=-1)
    with pytest.raises(ValueError, match="warmup_steps"):
        optimizers.ScheduleFreeAdamW(warmup_steps=1.5)
    with pytest.raises(ValueError, match="not recognized"):
        optimizers.Adafactor(beta_1=0.9)
