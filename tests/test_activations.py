"""lamina.activations against NumPy formulas of Keras 3's definitions."""

import math

import numpy as np
import pytest

from lamina import activations
from lamina.backend import core
from lamina.utils import registry

# includes the kinks of the piecewise activations (-1, 1, +-0.5, 0)
X = np.array([-6.0, -3.0, -1.5, -1.0, -0.7, -0.5, -0.2, 0.0, 0.3, 0.5, 0.9, 1.0, 2.5, 7.0])
erf = np.vectorize(math.erf)


def np_sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def np_softplus(x):
    return np.log1p(np.exp(x))


def np_hard_sigmoid(x):
    return np.clip(x + 3.0, 0.0, 6.0) / 6.0


SELU_ALPHA, SELU_SCALE = 1.6732632423543772, 1.0507009873554805

REFERENCES = {
    "relu": lambda x: np.maximum(x, 0),
    "relu6": lambda x: np.clip(x, 0, 6),
    "leaky_relu": lambda x: np.where(x >= 0, x, 0.2 * x),
    "elu": lambda x: np.where(x > 0, x, np.exp(x) - 1),
    "celu": lambda x: np.where(x > 0, x, np.exp(x) - 1),
    "selu": lambda x: SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * (np.exp(x) - 1)),
    "sigmoid": np_sigmoid,
    "log_sigmoid": lambda x: np.log(np_sigmoid(x)),
    "softplus": np_softplus,
    "softsign": lambda x: x / (1 + np.abs(x)),
    "silu": lambda x: x * np_sigmoid(x),
    "swish": lambda x: x * np_sigmoid(x),
    "gelu": lambda x: 0.5 * x * (1 + erf(x / np.sqrt(2))),
    "tanh": np.tanh,
    "tanh_shrink": lambda x: x - np.tanh(x),
    "hard_tanh": lambda x: np.clip(x, -1, 1),
    "hard_sigmoid": np_hard_sigmoid,
    "hard_silu": lambda x: x * np_hard_sigmoid(x),
    "hard_swish": lambda x: x * np_hard_sigmoid(x),
    "hard_shrink": lambda x: np.where(np.abs(x) > 0.5, x, 0.0),
    "soft_shrink": lambda x: np.where(x > 0.5, x - 0.5, np.where(x < -0.5, x + 0.5, 0.0)),
    "sparse_plus": lambda x: np.where(x <= -1, 0.0, np.where(x < 1, (x + 1) ** 2 / 4, x)),
    "sparse_sigmoid": lambda x: np.where(x <= -1, 0.0, np.where(x >= 1, 1.0, 0.5 * (x + 1))),
    "squareplus": lambda x: (x + np.sqrt(x**2 + 4)) / 2,
    "mish": lambda x: x * np.tanh(np_softplus(x)),
    "exponential": np.exp,
    "linear": lambda x: x,
}


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_elementwise_activation_matches_formula(name):
    fn = getattr(activations, name)
    out = core.convert_to_numpy(fn(core.convert_to_tensor(X, "float64")))
    np.testing.assert_allclose(out, REFERENCES[name](X), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_get_by_name_returns_the_module_function(name):
    assert activations.get(name) is getattr(activations, name)


def test_numpy_and_list_inputs_are_accepted_and_keep_float64():
    out = activations.relu(np.array([-1.0, 2.0]))
    assert core.dtype_of(out) == "float64"
    assert activations.sigmoid([0.0]).tolist() == [0.5]


def test_parameterised_defaults_and_arguments():
    x = core.convert_to_tensor(X, "float64")
    np.testing.assert_allclose(
        core.convert_to_numpy(activations.elu(x, alpha=2.0)), np.where(X > 0, X, 2 * (np.exp(X) - 1))
    )
    np.testing.assert_allclose(
        core.convert_to_numpy(activations.celu(x, alpha=2.0)), np.where(X > 0, X, 2 * (np.exp(X / 2) - 1))
    )
    np.testing.assert_allclose(
        core.convert_to_numpy(activations.leaky_relu(x, negative_slope=0.1)), np.where(X >= 0, X, 0.1 * X)
    )
    np.testing.assert_allclose(
        core.convert_to_numpy(activations.squareplus(x, b=1)), (X + np.sqrt(X**2 + 1)) / 2
    )
    np.testing.assert_allclose(
        core.convert_to_numpy(activations.hard_shrink(x, threshold=1.0)), np.where(np.abs(X) > 1, X, 0)
    )
    np.testing.assert_allclose(
        core.convert_to_numpy(activations.soft_shrink(x, threshold=1.0)),
        np.where(X > 1, X - 1, np.where(X < -1, X + 1, 0)),
    )
    np.testing.assert_allclose(
        core.convert_to_numpy(activations.threshold(x, 0.3, -9.0)), np.where(X > 0.3, X, -9.0)
    )


def test_gelu_is_exact_by_default_and_tanh_when_approximate():
    x = core.convert_to_tensor(X, "float64")
    tanh_form = 0.5 * X * (1 + np.tanh(np.sqrt(2 / np.pi) * (X + 0.044715 * X**3)))
    np.testing.assert_allclose(core.convert_to_numpy(activations.gelu(x, approximate=True)), tanh_form, atol=1e-12)
    assert not np.allclose(core.convert_to_numpy(activations.gelu(x)), tanh_form, atol=1e-6, rtol=0)


@pytest.mark.parametrize(
    "kwargs, expected",
    [
        # values worked out by hand from Keras 3's ReLU definition
        ({"max_value": 6.0}, [0.0, 0.0, 0.5, 3.0, 6.0]),
        ({"threshold": 1.0}, [0.0, 0.0, 0.0, 3.0, 8.0]),
        ({"negative_slope": 0.1}, [-0.2, -0.05, 0.5, 3.0, 8.0]),
        ({"negative_slope": 0.1, "max_value": 6.0}, [-0.2, -0.05, 0.5, 3.0, 6.0]),
        ({"negative_slope": 0.1, "max_value": 6.0, "threshold": 1.0}, [-0.3, -0.15, -0.05, 3.0, 6.0]),
        ({"max_value": 2.0, "threshold": 1.0}, [0.0, 0.0, 0.0, 2.0, 2.0]),
    ],
)
def test_relu_options(kwargs, expected):
    out = activations.relu(np.array([-2.0, -0.5, 0.5, 3.0, 8.0]), **kwargs)
    np.testing.assert_allclose(core.convert_to_numpy(out), expected, atol=1e-12)


def test_softmax_and_log_softmax_over_int_tuple_and_all_axes():
    x = np.random.default_rng(0).normal(size=(3, 4, 5))
    t = core.convert_to_tensor(x)
    for axis in (-1, 0, (1, 2), None):
        e = np.exp(x - x.max(axis=axis, keepdims=True))
        ref = e / e.sum(axis=axis, keepdims=True)
        np.testing.assert_allclose(core.convert_to_numpy(activations.softmax(t, axis=axis)), ref, rtol=1e-10)
        np.testing.assert_allclose(core.convert_to_numpy(activations.log_softmax(t, axis=axis)), np.log(ref), rtol=1e-9)


def test_glu_gates_the_first_half_with_the_second():
    x = np.random.default_rng(1).normal(size=(2, 6))
    out = core.convert_to_numpy(activations.glu(core.convert_to_tensor(x)))
    np.testing.assert_allclose(out, x[:, :3] * np_sigmoid(x[:, 3:]))
    out0 = core.convert_to_numpy(activations.glu(core.convert_to_tensor(x.T), axis=0))
    np.testing.assert_allclose(out0, (x[:, :3] * np_sigmoid(x[:, 3:])).T)


def np_sparsemax(z):
    """Martins & Astudillo (2016), one vector at a time."""
    s = np.sort(z)[::-1]
    k = np.arange(1, len(z) + 1)
    cum = np.cumsum(s)
    k_z = k[1 + k * s > cum].max()
    tau = (cum[k_z - 1] - 1) / k_z
    return np.maximum(z - tau, 0)


def test_sparsemax_matches_reference_along_any_axis():
    x = np.random.default_rng(2).normal(size=(4, 7)) * 2
    out = core.convert_to_numpy(activations.sparsemax(core.convert_to_tensor(x)))
    np.testing.assert_allclose(out, np.stack([np_sparsemax(r) for r in x]), atol=1e-12)
    np.testing.assert_allclose(out.sum(-1), 1.0)
    assert (out == 0).any()
    out0 = core.convert_to_numpy(activations.sparsemax(core.convert_to_tensor(x.T), axis=0))
    np.testing.assert_allclose(out0, out.T, atol=1e-12)


def test_get_none_is_linear_and_callables_pass_through():
    assert activations.get(None) is activations.linear
    f = lambda x: x
    assert activations.get(f) is f


def test_unknown_name_raises_value_error_listing_valid_names():
    with pytest.raises(ValueError, match="activation.*'nope'.*relu"):
        activations.get("nope")
    with pytest.raises(ValueError):
        activations.get(3)


def test_serialize_builtins_as_canonical_names():
    assert activations.serialize(activations.relu) == "relu"
    assert activations.serialize(activations.swish) == "silu"
    assert activations.serialize(activations.hard_swish) == "hard_silu"
    assert activations.deserialize("swish") is activations.silu


def test_custom_function_serializes_in_keras_form_and_loads_back():
    @registry.register_keras_serializable(package="test_act")
    def doubled(x):
        return x * 2

    cfg = activations.serialize(doubled)
    assert cfg == {"module": "builtins", "class_name": "function",
                   "config": "test_act>doubled", "registered_name": "function"}
    assert activations.deserialize(cfg) is doubled
    assert activations.get(cfg) is doubled

    def local(x):
        return x

    assert activations.deserialize(activations.serialize(local), custom_objects={"local": local}) is local


def test_keras_function_config_dict_is_understood():
    cfg = {"module": "keras.activations", "class_name": "function", "config": "relu", "registered_name": "relu"}
    assert activations.get(cfg) is activations.relu
