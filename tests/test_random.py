"""lamina.random: Keras' distributions, seeds and SeedGenerator."""

import numpy as np
import pytest

import lamina
from lamina import ops, random


def np_(x):
    return ops.convert_to_numpy(x)


@pytest.mark.parametrize("draw", [
    lambda s: random.normal((200,), seed=s),
    lambda s: random.uniform((200,), seed=s),
    lambda s: random.truncated_normal((200,), seed=s),
    lambda s: random.randint((200,), 0, 10, seed=s),
    lambda s: random.gamma((200,), 2.0, seed=s),
    lambda s: random.beta((200,), 2.0, 3.0, seed=s),
    lambda s: random.binomial((200,), 10, 0.3, seed=s),
    lambda s: random.categorical(ops.zeros((2, 5)), 50, seed=s),
    lambda s: random.shuffle(ops.arange(50), seed=s),
    lambda s: random.dropout(ops.ones((200,)), 0.5, seed=s),
])
def test_int_seed_repeats_and_seed_generator_moves_on(draw):
    np.testing.assert_array_equal(np_(draw(3)), np_(draw(3)))
    gen = random.SeedGenerator(5)
    a, b = np_(draw(gen)), np_(draw(gen))
    assert not np.array_equal(a, b)
    gen2 = random.SeedGenerator(5)
    np.testing.assert_array_equal(np_(draw(gen2)), a)


def test_unseeded_draws_repeat_under_set_random_seed():
    lamina.utils.set_random_seed(7)
    a = np_(random.normal((5,)))
    g = random.SeedGenerator()
    b = np_(random.uniform((5,), seed=g))
    lamina.utils.set_random_seed(7)
    np.testing.assert_array_equal(np_(random.normal((5,))), a)
    np.testing.assert_array_equal(np_(random.uniform((5,), seed=random.SeedGenerator())), b)


def test_distributions_have_the_right_moments_shapes_and_dtypes():
    n = random.normal((20000,), mean=2.0, stddev=3.0, seed=1)
    assert abs(float(ops.mean(n)) - 2.0) < 0.1 and abs(float(ops.std(n)) - 3.0) < 0.1
    u = np_(random.uniform((20000,), minval=-1.0, maxval=3.0, seed=1))
    assert u.min() >= -1.0 and u.max() < 3.0 and abs(u.mean() - 1.0) < 0.05
    t = np_(random.truncated_normal((20000,), stddev=2.0, seed=1))
    assert np.abs(t).max() <= 4.0
    r = random.randint((1000,), 3, 7, seed=1)
    assert ops.dtype(r) == "int32" and set(np.unique(np_(r))) == {3, 4, 5, 6}
    g = np_(random.gamma((20000,), 3.0, seed=1))
    assert abs(g.mean() - 3.0) < 0.1
    b = np_(random.beta((20000,), 2.0, 6.0, seed=1))
    assert abs(b.mean() - 0.25) < 0.01
    k = np_(random.binomial((20000,), 10, 0.3, seed=1))
    assert abs(k.mean() - 3.0) < 0.1
    c = np_(random.categorical(ops.log(ops.convert_to_tensor([[0.1, 0.9]])), 5000, seed=1))
    assert c.shape == (1, 5000) and abs(c.mean() - 0.9) < 0.03
    s = np_(random.shuffle(ops.arange(100), seed=1))
    assert sorted(s.tolist()) == list(range(100)) and s.tolist() != list(range(100))
    d = np_(random.dropout(ops.ones((10000,)), 0.25, seed=1))
    assert np.allclose(np.unique(d), [0.0, 1.0 / 0.75]) and abs((d == 0).mean() - 0.25) < 0.02
    assert ops.dtype(random.normal((2,), dtype="float64")) == "float64"


def test_bad_seed_is_refused():
    with pytest.raises(ValueError):
        random.normal((2,), seed="x")
