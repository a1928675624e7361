"""Optimizers against real Keras 3: same variables, same 10 gradient sequences, same numbers."""

import os
import tempfile

os.environ["KERAS_BACKEND"] = "torch"
os.environ.setdefault("KERAS_HOME", tempfile.mkdtemp(prefix="keras_home_"))

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from lamina import optimizers
from lamina.backend import core

SHAPES = [(6, 5), (5,), (3, 2, 2)]
STEPS = 10

SCHEDULES = {
    "exp": (
        "ExponentialDecay",
        {"initial_learning_rate": 0.05, "decay_steps": 3, "decay_rate": 0.7},
    ),
    "exp_stair": (
        "ExponentialDecay",
        {"initial_learning_rate": 0.05, "decay_steps": 3, "decay_rate": 0.7, "staircase": True},
    ),
    "piecewise": ("PiecewiseConstantDecay", {"boundaries": [2, 5], "values": [0.1, 0.05, 0.01]}),
    "poly": ("PolynomialDecay", {"initial_learning_rate": 0.1, "decay_steps": 6, "power": 2.0}),
    "poly_cycle": (
        "PolynomialDecay",
        {"initial_learning_rate": 0.1, "decay_steps": 4, "power": 0.5, "cycle": True},
    ),
    "inverse": (
        "InverseTimeDecay",
        {"initial_learning_rate": 0.1, "decay_steps": 2, "decay_rate": 0.5},
    ),
    "cosine": ("CosineDecay", {"initial_learning_rate": 0.1, "decay_steps": 7, "alpha": 0.1}),
    "cosine_warmup": (
        "CosineDecay",
        {"initial_learning_rate": 0.0, "decay_steps": 5, "warmup_target": 0.1, "warmup_steps": 3},
    ),
    "restarts": ("CosineDecayRestarts", {"initial_learning_rate": 0.1, "first_decay_steps": 2}),
    "restarts_t1": (
        "CosineDecayRestarts",
        {"initial_learning_rate": 0.1, "first_decay_steps": 3, "t_mul": 1.0, "m_mul": 0.5},
    ),
}

CASES = (
    [
        ("SGD", {}),
        ("SGD", {"learning_rate": 0.1, "momentum": 0.9}),
        ("SGD", {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True}),
        ("SGD", {"learning_rate": 0.1, "clipnorm": 0.5}),
        ("SGD", {"learning_rate": 0.1, "clipvalue": 0.3}),
        ("SGD", {"learning_rate": 0.1, "global_clipnorm": 0.5}),
        ("SGD", {"learning_rate": 0.1, "momentum": 0.5, "weight_decay": 0.1}),
        ("Adam", {}),
        ("Adam", {"learning_rate": 0.01, "amsgrad": True}),
        ("Adam", {"learning_rate": 0.01, "beta_1": 0.8, "beta_2": 0.99, "epsilon": 1e-3}),
        ("Adam", {"learning_rate": 0.01, "clipnorm": 0.5}),
        ("Adam", {"learning_rate": 0.01, "global_clipnorm": 0.5}),
        ("Adam", {"learning_rate": 0.01, "clipvalue": 0.2}),
        ("Adam", {"learning_rate": 0.01, "weight_decay": 0.05}),
        (
            "Adam",
            {
                "learning_rate": 0.01,
                "use_ema": True,
                "ema_momentum": 0.9,
                "ema_overwrite_frequency": 3,
            },
        ),
        ("Adam", {"learning_rate": 0.01, "gradient_accumulation_steps": 3}),
        ("Adam", {"learning_rate": 0.01, "loss_scale_factor": 8.0}),
        ("RMSprop", {}),
        ("RMSprop", {"learning_rate": 0.01, "momentum": 0.9}),
        ("RMSprop", {"learning_rate": 0.01, "centered": True}),
        ("RMSprop", {"learning_rate": 0.01, "rho": 0.8, "momentum": 0.5, "centered": True}),
        ("RMSprop", {"learning_rate": 0.01, "clipnorm": 0.5, "weight_decay": 0.1}),
        ("Adagrad", {}),
        ("Adagrad", {"learning_rate": 0.05, "initial_accumulator_value": 0.5, "epsilon": 1e-4}),
        ("Adagrad", {"learning_rate": 0.05, "global_clipnorm": 0.3}),
    ]
    + [("SGD", {"learning_rate": name, "momentum": 0.5}) for name in SCHEDULES]
    + [
        ("Adam", {"learning_rate": "cosine_warmup"}),
        ("Adam", {"learning_rate": "exp", "gradient_accumulation_steps": 2}),
    ]
)


def _ids(case):
    cls, kwargs = case
    return cls + "-" + "-".join(f"{k}={v}" for k, v in kwargs.items())


def _make(module, cls, kwargs):
    kwargs = dict(kwargs)
    lr = kwargs.get("learning_rate")
    if isinstance(lr, str):
        sched_cls, sched_kwargs = SCHEDULES[lr]
        kwargs["learning_rate"] = getattr(module.schedules, sched_cls)(**sched_kwargs)
    return getattr(module, cls)(**kwargs)


def _data(seed=0):
    rng = np.random.default_rng(seed)
    values = [rng.normal(size=s).astype("float32") for s in SHAPES]
    grads = [[rng.normal(size=s).astype("float32") for s in SHAPES] for _ in range(STEPS)]
    return values, grads


def _assert_close(actual, expected, what):
    np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=1e-6, err_msg=what)


@pytest.mark.parametrize("case", CASES, ids=[_ids(c) for c in CASES])
def test_matches_keras(case):
    cls, kwargs = case
    values, grads = _data()
    k_vars = [keras.Variable(v, name=f"v{i}") for i, v in enumerate(values)]
    l_vars = [core.make_variable(v, name=f"v{i}") for i, v in enumerate(values)]
    k_opt = _make(keras.optimizers, cls, kwargs)
    l_opt = _make(optimizers, cls, kwargs)
    for step, gs in enumerate(grads):
        k_opt.apply([keras.ops.convert_to_tensor(g) for g in gs], k_vars)
        l_opt.apply([core.convert_to_tensor(g) for g in gs], l_vars)
        for k, v in zip(k_vars, l_vars):
            _assert_close(v.numpy(), keras.ops.convert_to_numpy(k), f"step {step}: {v.name}")
    if kwargs.get("use_ema"):
        k_opt.finalize_variable_values(k_vars)
        l_opt.finalize_variable_values(l_vars)
        for k, v in zip(k_vars, l_vars):
            _assert_close(v.numpy(), keras.ops.convert_to_numpy(k), f"ema: {v.name}")
    assert len(l_opt.variables) == len(k_opt.variables)
    for k, v in zip(k_opt.variables, l_opt.variables):
        assert v.path.split("/", 1)[1] == k.path.split("/", 1)[1]
        assert core.dtype_of(v) == k.dtype, v.path
        assert tuple(v.shape) == tuple(k.shape), v.path
        _assert_close(v.numpy(), keras.ops.convert_to_numpy(k), v.path)
    assert float(l_opt.learning_rate) == pytest.approx(float(k_opt.learning_rate), rel=1e-6)


def test_missing_gradient_is_skipped_like_keras():
    values, grads = _data(1)
    k_vars = [keras.Variable(v, name=f"v{i}") for i, v in enumerate(values)]
    l_vars = [core.make_variable(v, name=f"v{i}") for i, v in enumerate(values)]
    k_opt, l_opt = keras.optimizers.Adam(0.01), optimizers.Adam(0.01)
    for gs in grads[:3]:
        with pytest.warns(UserWarning):
            k_opt.apply(
                [keras.ops.convert_to_tensor(gs[0]), None, keras.ops.convert_to_tensor(gs[2])],
                k_vars,
            )
        with pytest.warns(UserWarning, match="Gradients do not exist"):
            l_opt.apply(
                [core.convert_to_tensor(gs[0]), None, core.convert_to_tensor(gs[2])], l_vars
            )
    for k, v in zip(k_opt.variables + k_vars, l_opt.variables + l_vars):
        _assert_close(v.numpy(), keras.ops.convert_to_numpy(k), v.name)


@pytest.mark.parametrize("name", list(SCHEDULES))
def test_schedule_values_and_config(name):
    cls, kwargs = SCHEDULES[name]
    k_s = getattr(keras.optimizers.schedules, cls)(**kwargs)
    l_s = getattr(optimizers.schedules, cls)(**kwargs)
    for step in [0, 1, 2, 3, 5, 7, 11, 20]:
        expected = float(keras.ops.convert_to_numpy(k_s(step)))
        assert float(l_s(step)) == pytest.approx(expected, rel=1e-5, abs=1e-7), step
    assert optimizers.schedules.serialize(l_s) == keras.optimizers.schedules.serialize(k_s)


@pytest.mark.parametrize("cls", ["SGD", "Adam", "RMSprop", "Adagrad"])
def test_config_matches_keras(cls):
    k_cfg = getattr(keras.optimizers, cls)(name="opt").get_config()
    l_cfg = getattr(optimizers, cls)(name="opt").get_config()
    assert list(l_cfg) == list(k_cfg)
    for key, value in k_cfg.items():
        if isinstance(value, float):
            assert l_cfg[key] == pytest.approx(value, rel=1e-6), key
        else:
            assert l_cfg[key] == value, key
    # Each reads the other's config.
    assert getattr(keras.optimizers, cls).from_config(l_cfg).get_config() == k_cfg
    assert getattr(optimizers, cls).from_config(k_cfg).get_config() == l_cfg


@pytest.mark.parametrize(
    "kwargs", [{"learning_rate": 0.05}, {"learning_rate": 0.05, "amsgrad": True}]
)
def test_adam_foreach_path_matches_keras(monkeypatch, kwargs):
    # The fused torch kernel is the default; the multi-tensor fallback must agree too.
    from lamina.backend import train_step

    monkeypatch.setattr(train_step, "ADAM_FUSED", False)
    test_matches_keras(("Adam", kwargs))
