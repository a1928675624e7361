"""The rest of Keras' optimizers against real Keras 3: AdamW, Adadelta, Adamax, Nadam, Ftrl,
Lion, Lamb and LossScaleOptimizer. Same variables, same 15 random gradient steps, same numbers
(variables and optimizer state), same variable names and configs."""

import os
import re
import tempfile

os.environ["KERAS_BACKEND"] = "torch"
os.environ.setdefault("KERAS_HOME", tempfile.mkdtemp(prefix="keras_home_"))

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from lamina import optimizers
from lamina.backend import core

SHAPES = [(6, 5), (5,), (3, 2, 2)]
STEPS = 15

CASES = [
    ("AdamW", {}),
    ("AdamW", {"learning_rate": 0.01, "weight_decay": 0.1, "amsgrad": True}),
    ("AdamW", {"learning_rate": 0.01, "clipnorm": 0.5}),
    ("Adadelta", {}),
    ("Adadelta", {"learning_rate": 1.0, "rho": 0.9, "epsilon": 1e-4}),
    ("Adadelta", {"learning_rate": 0.5, "weight_decay": 0.05, "global_clipnorm": 1.0}),
    ("Adamax", {}),
    ("Adamax", {"learning_rate": 0.02, "beta_1": 0.8, "beta_2": 0.95, "epsilon": 1e-3}),
    ("Adamax", {"learning_rate": 0.02, "clipvalue": 0.3, "use_ema": True}),
    ("Nadam", {}),
    ("Nadam", {"learning_rate": 0.01, "beta_1": 0.85, "beta_2": 0.99, "epsilon": 1e-4}),
    ("Nadam", {"learning_rate": 0.01, "weight_decay": 0.1}),
    ("Ftrl", {}),
    ("Ftrl", {"learning_rate": 0.1, "l1_regularization_strength": 0.05}),
    (
        "Ftrl",
        {
            "learning_rate": 0.1,
            "learning_rate_power": -0.7,
            "initial_accumulator_value": 0.5,
            "l1_regularization_strength": 0.01,
            "l2_regularization_strength": 0.02,
            "l2_shrinkage_regularization_strength": 0.03,
            "beta": 0.2,
        },
    ),
    ("Ftrl", {"learning_rate": 0.1, "learning_rate_power": 0.0}),
    ("Lion", {}),
    ("Lion", {"learning_rate": 0.01, "beta_1": 0.8, "beta_2": 0.9}),
    ("Lion", {"learning_rate": 0.01, "weight_decay": 0.1, "clipnorm": 1.0}),
    ("Lamb", {}),
    ("Lamb", {"learning_rate": 0.02, "beta_1": 0.8, "beta_2": 0.95, "epsilon": 1e-4}),
    ("Lamb", {"learning_rate": 0.02, "gradient_accumulation_steps": 2}),
]

CONFIG_CLASSES = ["AdamW", "Adadelta", "Adamax", "Nadam", "Ftrl", "Lion", "Lamb"]


def _ids(case):
    cls, kwargs = case
    return cls + "-" + "-".join(f"{k}={v}" for k, v in kwargs.items())


def _data(seed=0, zero_var=False):
    rng = np.random.default_rng(seed)
    values = [rng.normal(size=s).astype("float32") for s in SHAPES]
    if zero_var:
        values[1][:] = 0.0  # Lamb's trust ratio falls back to 1 on a zero tensor
    grads = [[rng.normal(size=s).astype("float32") for s in SHAPES] for _ in range(STEPS)]
    return values, grads


def _assert_close(actual, expected, what):
    np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=1e-6, err_msg=what)


def _short_path(path):
    # Keras builds inside the optimizer's name scope (lso/adam/v0_momentum) and numbers
    # Nadam's scope-less product variable globally (variable, variable_1, ...).
    return re.sub(r"_\d+$", "", path.rsplit("/", 1)[-1])


def _compare_state(k_opt, l_opt, k_vars, l_vars):
    for k, v in zip(k_vars, l_vars):
        _assert_close(v.numpy(), keras.ops.convert_to_numpy(k), v.name)
    assert len(l_opt.variables) == len(k_opt.variables)
    for k, v in zip(k_opt.variables, l_opt.variables):
        assert _short_path(v.path) == _short_path(k.path)
        assert core.dtype_of(v) == k.dtype, v.path
        assert tuple(v.shape) == tuple(k.shape), v.path
        _assert_close(v.numpy(), keras.ops.convert_to_numpy(k), v.path)


def _run(k_opt, l_opt, values, grads):
    k_vars = [keras.Variable(v, name=f"v{i}") for i, v in enumerate(values)]
    l_vars = [core.make_variable(v, name=f"v{i}") for i, v in enumerate(values)]
    for step, gs in enumerate(grads):
        k_opt.apply([keras.ops.convert_to_tensor(g) for g in gs], k_vars)
        l_opt.apply([core.convert_to_tensor(g) for g in gs], l_vars)
        for k, v in zip(k_vars, l_vars):
            _assert_close(v.numpy(), keras.ops.convert_to_numpy(k), f"step {step}: {v.name}")
    return k_vars, l_vars


@pytest.mark.parametrize("case", CASES, ids=[_ids(c) for c in CASES])
def test_matches_keras(case):
    cls, kwargs = case
    values, grads = _data(zero_var=cls == "Lamb")
    k_opt = getattr(keras.optimizers, cls)(**kwargs)
    l_opt = getattr(optimizers, cls)(**kwargs)
    k_vars, l_vars = _run(k_opt, l_opt, values, grads)
    if kwargs.get("use_ema"):
        k_opt.finalize_variable_values(k_vars)
        l_opt.finalize_variable_values(l_vars)
    _compare_state(k_opt, l_opt, k_vars, l_vars)
    assert float(l_opt.learning_rate) == pytest.approx(float(k_opt.learning_rate), rel=1e-6)


def test_adamw_excluded_variables_are_not_decayed():
    values, grads = _data(3)
    k_opt = keras.optimizers.AdamW(learning_rate=0.01, weight_decay=0.2)
    l_opt = optimizers.AdamW(learning_rate=0.01, weight_decay=0.2)
    k_opt.exclude_from_weight_decay(var_names=["v1"])
    l_opt.exclude_from_weight_decay(var_names=["v1"])
    k_vars, l_vars = _run(k_opt, l_opt, values, grads[:5])
    _compare_state(k_opt, l_opt, k_vars, l_vars)


@pytest.mark.parametrize(
    "inner",
    [("Adam", {"learning_rate": 0.01}), ("SGD", {"learning_rate": 0.1, "momentum": 0.9})],
    ids=["adam", "sgd"],
)
def test_loss_scale_optimizer_matches_keras(inner):
    cls, kwargs = inner
    values, grads = _data(5)
    scale = 64.0
    # Scaled gradients, with an inf and a NaN step that must be skipped (and halve the scale).
    grads = [[g * scale for g in gs] for gs in grads[:9]]
    grads[3][0][0, 0] = np.inf
    grads[6][2][0, 0, 0] = np.nan
    k_opt = keras.optimizers.LossScaleOptimizer(
        getattr(keras.optimizers, cls)(**kwargs), initial_scale=scale, dynamic_growth_steps=2
    )
    l_opt = optimizers.LossScaleOptimizer(
        getattr(optimizers, cls)(**kwargs), initial_scale=scale, dynamic_growth_steps=2
    )
    k_vars, l_vars = _run(k_opt, l_opt, values, grads)
    _compare_state(k_opt, l_opt, k_vars, l_vars)
    assert int(l_opt.iterations.numpy()) == int(keras.ops.convert_to_numpy(k_opt.iterations))
    k_loss = keras.ops.convert_to_numpy(k_opt.scale_loss(keras.ops.convert_to_tensor(2.0)))
    assert float(l_opt.scale_loss(2.0)) == pytest.approx(float(k_loss))


@pytest.mark.parametrize("cls", CONFIG_CLASSES)
def test_config_matches_keras(cls):
    k_cfg = getattr(keras.optimizers, cls)(name="opt").get_config()
    l_cfg = getattr(optimizers, cls)(name="opt").get_config()
    assert list(l_cfg) == list(k_cfg)
    for key, value in k_cfg.items():
        if isinstance(value, float):
            assert l_cfg[key] == pytest.approx(value, rel=1e-6), key
        else:
            assert l_cfg[key] == value, key
    assert getattr(keras.optimizers, cls).from_config(l_cfg).get_config() == k_cfg
    assert getattr(optimizers, cls).from_config(k_cfg).get_config() == l_cfg
    # Default names, as Keras makes them.
    k_name = getattr(keras.optimizers, cls)().name.rstrip("_0123456789")
    assert getattr(optimizers, cls)().name.rstrip("_0123456789") == k_name


def test_loss_scale_optimizer_config_round_trips_with_keras():
    k_opt = keras.optimizers.LossScaleOptimizer(
        keras.optimizers.Adam(name="inner"),
        initial_scale=128.0,
        dynamic_growth_steps=10,
        name="lso",
    )
    l_opt = optimizers.LossScaleOptimizer(
        optimizers.Adam(name="inner"), initial_scale=128.0, dynamic_growth_steps=10, name="lso"
    )
    k_cfg, l_cfg = k_opt.get_config(), l_opt.get_config()
    assert list(l_cfg) == list(k_cfg)
    assert l_cfg["inner_optimizer"]["class_name"] == "Adam"
    assert l_cfg["inner_optimizer"]["config"] == pytest.approx(k_cfg["inner_optimizer"]["config"])
    k_back = keras.optimizers.LossScaleOptimizer.from_config(dict(l_cfg))
    assert k_back.initial_scale == 128.0 and k_back.inner_optimizer.name == "inner"
    l_back = optimizers.deserialize(keras.optimizers.serialize(k_opt))
    assert isinstance(l_back, optimizers.LossScaleOptimizer)
    assert isinstance(l_back.inner_optimizer, optimizers.Adam)
    assert l_back.get_config() == l_cfg
