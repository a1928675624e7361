"""lamina.regularizers and lamina.constraints against NumPy versions of Keras 3's formulas."""

import numpy as np
import pytest

from lamina import config, constraints, regularizers
from lamina.backend import core

W = np.random.default_rng(0).normal(size=(5, 4))
EPS = 1e-7


def run(fn, w=W):
    return core.convert_to_numpy(fn(core.convert_to_tensor(w)))


# --- regularizers --------------------------------------------------------------------------


def test_l1_l2_l1l2_formulas_and_defaults():
    np.testing.assert_allclose(run(regularizers.L1()), 0.01 * np.abs(W).sum())
    np.testing.assert_allclose(run(regularizers.L2()), 0.01 * np.square(W).sum())
    np.testing.assert_allclose(run(regularizers.L1(0.3)), 0.3 * np.abs(W).sum())
    np.testing.assert_allclose(run(regularizers.L2(l2=0.2)), 0.2 * np.square(W).sum())
    np.testing.assert_allclose(
        run(regularizers.L1L2(l1=0.1, l2=0.2)), 0.1 * np.abs(W).sum() + 0.2 * np.square(W).sum()
    )
    zero = regularizers.L1L2()(core.convert_to_tensor(W))
    assert core.dtype_of(zero) == "float64" and tuple(zero.shape) == () and float(zero) == 0.0


def test_penalty_is_a_scalar_of_the_weight_dtype():
    out = regularizers.L2()(core.convert_to_tensor(W, "float32"))
    assert tuple(out.shape) == () and core.dtype_of(out) == "float32"


def np_orthogonal_penalty(w, factor, mode):
    m = w if mode == "rows" else w.T
    m = m * np.minimum(1 / np.sqrt((m**2).sum(1, keepdims=True)), 1 / EPS)
    p = m @ m.T
    n = m.shape[0]
    return factor * 0.5 * np.abs(p * (1 - np.eye(n))).sum() / (n * (n - 1) / 2)


@pytest.mark.parametrize("mode", ["rows", "columns"])
def test_orthogonal_regularizer(mode):
    reg = regularizers.OrthogonalRegularizer(factor=0.5, mode=mode)
    np.testing.assert_allclose(run(reg), np_orthogonal_penalty(W, 0.5, mode), rtol=1e-10)
    assert abs(float(reg(core.convert_to_tensor(np.eye(3))))) < 1e-12


def test_orthogonal_regularizer_refuses_bad_input():
    with pytest.raises(ValueError, match="rank 2"):
        regularizers.OrthogonalRegularizer()(core.convert_to_tensor(np.ones((2, 2, 2))))
    with pytest.raises(ValueError, match="mode"):
        regularizers.OrthogonalRegularizer(mode="diagonal")


@pytest.mark.parametrize("bad", [-0.1, float("nan"), float("inf"), "0.1"])
def test_factors_must_be_non_negative_finite_numbers(bad):
    with pytest.raises(ValueError, match="l2"):
        regularizers.L2(bad)


def test_regularizer_configs_match_keras3():
    assert regularizers.serialize(regularizers.L2()) == {
        "module": "keras.regularizers", "class_name": "L2", "config": {"l2": 0.01}, "registered_name": None,
    }
    assert regularizers.L1L2().get_config() == {"l1": 0.0, "l2": 0.0}
    assert regularizers.L1(0.5).get_config() == {"l1": 0.5}
    assert regularizers.OrthogonalRegularizer().get_config() == {"factor": 0.01, "mode": "rows"}
    with pytest.raises(NotImplementedError):
        regularizers.Regularizer().get_config()


@pytest.mark.parametrize(
    "reg", [regularizers.L1(0.2), regularizers.L2(0.3), regularizers.L1L2(0.1, 0.4),
            regularizers.OrthogonalRegularizer(0.2, "columns")],
)
def test_regularizer_round_trip(reg):
    back = regularizers.deserialize(regularizers.serialize(reg))
    assert type(back) is type(reg) and back.get_config() == reg.get_config()
    np.testing.assert_allclose(run(back), run(reg))


@pytest.mark.parametrize(
    "name, cls, config",
    [("l1", regularizers.L1, {"l1": 0.01}), ("L1", regularizers.L1, {"l1": 0.01}),
     ("l2", regularizers.L2, {"l2": 0.01}), ("l1_l2", regularizers.L1L2, {"l1": 0.01, "l2": 0.01}),
     ("L1L2", regularizers.L1L2, {"l1": 0.0, "l2": 0.0}),
     ("orthogonal_regularizer", regularizers.OrthogonalRegularizer, {"factor": 0.01, "mode": "rows"})],
)
def test_regularizer_get_by_name(name, cls, config):
    reg = regularizers.get(name)
    assert type(reg) is cls and reg.get_config() == config


def test_regularizer_aliases_and_get_passthrough():
    assert regularizers.l1 is regularizers.L1 and regularizers.l2 is regularizers.L2
    assert regularizers.l1_l2 is regularizers.L1L2
    assert regularizers.orthogonal_regularizer is regularizers.OrthogonalRegularizer
    reg = regularizers.L2()
    assert regularizers.get(reg) is reg
    assert isinstance(regularizers.get(regularizers.L1), regularizers.L1)
    assert regularizers.get(None) is None
    assert regularizers.get({"class_name": "L2", "config": {"l2": 0.5}}).l2 == 0.5
    with pytest.raises(ValueError, match="regularizer.*'l3'.*L1"):
        regularizers.get("l3")


# --- constraints ---------------------------------------------------------------------------


def np_norms(w, axis):
    return np.sqrt((w**2).sum(axis=axis, keepdims=True))


@pytest.mark.parametrize("axis", [0, 1, [0, 1]])
def test_max_norm(axis):
    np_axis = tuple(axis) if isinstance(axis, list) else axis
    norms = np_norms(W, np_axis)
    out = run(constraints.MaxNorm(1.5, axis=axis))
    np.testing.assert_allclose(out, W * np.clip(norms, 0, 1.5) / (EPS + norms), rtol=1e-12)
    assert (np_norms(out, np_axis) <= 1.5 + 1e-6).all()


def test_max_norm_leaves_small_weights_alone():
    small = W / 100
    np.testing.assert_allclose(run(constraints.MaxNorm(), small), small, rtol=1e-5)


@pytest.mark.parametrize("axis", [0, 1])
def test_unit_norm(axis):
    out = run(constraints.UnitNorm(axis=axis))
    np.testing.assert_allclose(out, W / (EPS + np_norms(W, axis)), rtol=1e-12)
    np.testing.assert_allclose(np_norms(out, axis), 1.0, rtol=1e-6)


@pytest.mark.parametrize("rate", [1.0, 0.5])
def test_min_max_norm(rate):
    norms = np_norms(W, 0)
    desired = rate * np.clip(norms, 2.0, 2.5) + (1 - rate) * norms
    ref = W * desired / (EPS + norms)
    np.testing.assert_allclose(run(constraints.MinMaxNorm(2.0, 2.5, rate=rate)), ref, rtol=1e-12)


def test_non_neg():
    np.testing.assert_array_equal(run(constraints.NonNeg()), np.maximum(W, 0))


def test_constraints_follow_the_configured_epsilon():
    old = config.epsilon()
    try:
        config.set_epsilon(0.5)
        np.testing.assert_allclose(run(constraints.UnitNorm()), W / (0.5 + np_norms(W, 0)))
    finally:
        config.set_epsilon(old)


def test_constraint_configs_match_keras3():
    assert constraints.serialize(constraints.MaxNorm()) == {
        "module": "keras.constraints", "class_name": "MaxNorm",
        "config": {"max_value": 2, "axis": 0}, "registered_name": None,
    }
    assert constraints.MinMaxNorm().get_config() == {"min_value": 0.0, "max_value": 1.0, "rate": 1.0, "axis": 0}
    assert constraints.UnitNorm().get_config() == {"axis": 0}
    assert constraints.NonNeg().get_config() == {}


@pytest.mark.parametrize(
    "c", [constraints.MaxNorm(3, axis=1), constraints.MinMaxNorm(0.5, 2.0, 0.7, axis=[0, 1]),
          constraints.NonNeg(), constraints.UnitNorm(axis=1)],
)
def test_constraint_round_trip(c):
    back = constraints.deserialize(constraints.serialize(c))
    assert type(back) is type(c) and back.get_config() == c.get_config()
    np.testing.assert_allclose(run(back), run(c))


@pytest.mark.parametrize(
    "name, cls",
    [("max_norm", constraints.MaxNorm), ("MaxNorm", constraints.MaxNorm),
     ("min_max_norm", constraints.MinMaxNorm), ("non_neg", constraints.NonNeg),
     ("NonNeg", constraints.NonNeg), ("unit_norm", constraints.UnitNorm)],
)
def test_constraint_get_by_name(name, cls):
    assert type(constraints.get(name)) is cls


def test_constraint_aliases_and_get_passthrough():
    assert constraints.max_norm is constraints.MaxNorm and constraints.non_neg is constraints.NonNeg
    assert constraints.min_max_norm is constraints.MinMaxNorm and constraints.unit_norm is constraints.UnitNorm
    c = constraints.NonNeg()
    assert constraints.get(c) is c
    assert constraints.get(None) is None
    assert constraints.get({"class_name": "MaxNorm", "config": {"max_value": 4, "axis": 1}}).max_value == 4
    with pytest.raises(ValueError, match="constraint.*'positive'.*non_neg"):
        constraints.get("positive")
    w = core.convert_to_tensor(W)
    assert constraints.Constraint()(w) is w
