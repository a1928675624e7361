"""Learning-rate schedules: values by hand, configs, errors."""

import math

import pytest

from lamina.optimizers import schedules


def test_exponential_decay():
    s = schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
    assert s(0) == pytest.approx(0.1) and s(5) == pytest.approx(0.1 * 0.5**0.5)
    stair = schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5, staircase=True)
    assert stair(19) == pytest.approx(0.05)


def test_piecewise_constant_boundaries_inclusive():
    s = schedules.PiecewiseConstantDecay([10, 20], [1.0, 0.5, 0.1])
    assert [s(x) for x in (0, 10, 11, 20, 21)] == [1.0, 1.0, 0.5, 0.5, 0.1]
    with pytest.raises(ValueError, match="1 less"):
        schedules.PiecewiseConstantDecay([1, 2], [1.0])


def test_polynomial_and_inverse_time():
    p = schedules.PolynomialDecay(1.0, 10, end_learning_rate=0.0, power=2.0)
    assert p(5) == pytest.approx(0.25) and p(50) == pytest.approx(0.0)
    c = schedules.PolynomialDecay(1.0, 10, end_learning_rate=0.0, cycle=True)
    assert c(15) == pytest.approx(0.25)
    i = schedules.InverseTimeDecay(1.0, decay_steps=2, decay_rate=1.0, staircase=True)
    assert i(3) == pytest.approx(0.5)


def test_cosine_decay_and_restarts():
    s = schedules.CosineDecay(1.0, 10, alpha=0.1)
    assert s(5) == pytest.approx(0.55) and s(100) == pytest.approx(0.1)
    r = schedules.CosineDecayRestarts(1.0, first_decay_steps=10, t_mul=2.0, m_mul=0.5)
    assert r(10) == pytest.approx(0.5)  # second period starts at half height
    assert r(20) == pytest.approx(0.5 * 0.5 * (1 + math.cos(math.pi * 0.5)))


def test_schedules_take_tensor_steps():
    from lamina.backend import core

    s = schedules.ExponentialDecay(1.0, 1, 0.5)
    assert s(core.convert_to_tensor(2)) == pytest.approx(0.25)


@pytest.mark.parametrize(
    "cls",
    [
        schedules.ExponentialDecay,
        schedules.PolynomialDecay,
        schedules.InverseTimeDecay,
        schedules.CosineDecay,
    ],
)
def test_decay_steps_must_be_positive(cls):
    args = (0.1, 0) if cls in (schedules.PolynomialDecay, schedules.CosineDecay) else (0.1, 0, 0.5)
    with pytest.raises(ValueError, match="decay_steps"):
        cls(*args)


@pytest.mark.parametrize(
    "schedule",
    [
        schedules.ExponentialDecay(0.1, 5, 0.9, staircase=True),
        schedules.PiecewiseConstantDecay([3], [0.1, 0.01]),
        schedules.PolynomialDecay(0.1, 5, cycle=True),
        schedules.InverseTimeDecay(0.1, 5, 0.5),
        schedules.CosineDecay(0.1, 5, warmup_target=0.2, warmup_steps=2),
        schedules.CosineDecayRestarts(0.1, 5, t_mul=1.5),
    ],
)
def test_serialize_round_trip(schedule):
    data = schedules.serialize(schedule)
    assert data["module"] == "keras.optimizers.schedules"
    again = schedules.deserialize(data)
    assert type(again) is type(schedule) and again.get_config() == schedule.get_config()
    assert again(4) == pytest.approx(schedule(4))


def test_custom_schedule_needs_call_and_config():
    class Bare(schedules.LearningRateSchedule):
        pass

    with pytest.raises(NotImplementedError):
        Bare()(0)
    with pytest.raises(ValueError, match="Unknown"):
        schedules.deserialize({"class_name": "Nope", "config": {}})
