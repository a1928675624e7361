"""What a user sees of lamina.optimizers: lookup, configs, errors, state, and the update path."""

import warnings

import numpy as np
import pytest

from lamina import optimizers
from lamina.backend import core
from lamina.optimizers import schedules


def _vars(*shapes, seed=0):
    rng = np.random.default_rng(seed)
    return [
        core.make_variable(rng.normal(size=s).astype("float32"), name=f"w{i}")
        for i, s in enumerate(shapes)
    ]


def _grads(variables, value=0.5):
    return [core.convert_to_tensor(np.full(tuple(v.shape), value, "float32")) for v in variables]


@pytest.mark.parametrize(
    "name, cls",
    [
        ("sgd", optimizers.SGD),
        ("Adam", optimizers.Adam),
        ("RMSPROP", optimizers.RMSprop),
        ("adagrad", optimizers.Adagrad),
    ],
)
def test_get_by_name_any_case(name, cls):
    assert type(optimizers.get(name)) is cls


def test_get_passes_instances_and_none_through():
    opt = optimizers.SGD()
    assert optimizers.get(opt) is opt
    assert optimizers.get(None) is None


def test_get_unknown_lists_valid_names():
    with pytest.raises(ValueError, match="adadelta, adafactor, adagrad, adam, adamax, adamw, ftrl, lamb, lion, muon, nadam, "
                       "rmsprop, schedulefreeadamw, sgd"):
        optimizers.get("adamax_typo")
    with pytest.raises(ValueError, match="Could not interpret"):
        optimizers.get(42)


def test_defaults():
    assert optimizers.SGD().get_config()["learning_rate"] == 0.01
    adam = optimizers.Adam()
    assert (adam.beta_1, adam.beta_2, adam.epsilon, adam.amsgrad) == (0.9, 0.999, 1e-7, False)
    rms = optimizers.RMSprop()
    assert (rms.rho, rms.momentum, rms.epsilon, rms.centered) == (0.9, 0.0, 1e-7, False)
    ada = optimizers.Adagrad()
    assert (ada.initial_accumulator_value, ada.epsilon) == (0.1, 1e-7)
    assert float(ada.learning_rate) == pytest.approx(0.001)


@pytest.mark.parametrize(
    "cls", [optimizers.SGD, optimizers.Adam, optimizers.RMSprop, optimizers.Adagrad]
)
def test_serialize_round_trip(cls):
    opt = cls(learning_rate=0.05, clipnorm=1.0, name="mine")
    data = optimizers.serialize(opt)
    assert data["module"] == "keras.optimizers" and data["registered_name"] is None
    assert data["class_name"] == cls.__name__
    assert data["config"]["learning_rate"] == 0.05
    again = optimizers.deserialize(data)
    assert type(again) is cls and again.get_config() == opt.get_config()
    assert optimizers.get(data).get_config() == opt.get_config()


def test_schedule_serialized_inside_optimizer_config():
    lr = schedules.CosineDecay(0.1, 100, warmup_target=0.2, warmup_steps=10)
    cfg = optimizers.Adam(learning_rate=lr).get_config()
    assert cfg["learning_rate"] == {
        "module": "keras.optimizers.schedules",
        "class_name": "CosineDecay",
        "config": {
            "initial_learning_rate": 0.1,
            "decay_steps": 100,
            "alpha": 0.0,
            "name": "CosineDecay",
            "warmup_target": 0.2,
            "warmup_steps": 10,
        },
        "registered_name": None,
    }
    again = optimizers.Adam.from_config(cfg)
    assert isinstance(again._learning_rate, schedules.CosineDecay)
    assert [v.name for v in again.variables] == ["iteration"]


def test_keras2_config_loads():
    # What tf.keras 2.x wrote into training_config: old and extra keys.
    cfg = {
        "class_name": "Adam",
        "config": {
            "name": "Adam",
            "learning_rate": 0.002,
            "decay": 0.0,
            "beta_1": 0.9,
            "beta_2": 0.999,
            "epsilon": 1e-07,
            "amsgrad": False,
            "jit_compile": True,
            "is_legacy_optimizer": False,
            "some_future_key": 1,
        },
    }
    opt = optimizers.deserialize(cfg)
    assert float(opt.learning_rate) == pytest.approx(0.002) and opt.name == "Adam"


def test_lr_keyword_is_deprecated_alias():
    with pytest.warns(DeprecationWarning, match="learning_rate"):
        opt = optimizers.Adam(lr=0.01)
    assert float(opt.learning_rate) == pytest.approx(0.01)
    assert opt.lr is opt.learning_rate


def test_decay_keyword_refused_with_replacement():
    with pytest.raises(ValueError, match="InverseTimeDecay"):
        optimizers.SGD(learning_rate=0.1, decay=1e-4)
    optimizers.SGD(decay=0.0)  # Keras 2 configs carry decay=0.0: harmless


def test_bad_arguments():
    with pytest.raises(ValueError, match="not recognized"):
        optimizers.Adam(betas=0.9)
    with pytest.raises(ValueError, match="Only one of"):
        optimizers.SGD(clipnorm=1.0, clipvalue=1.0)
    with pytest.raises(ValueError, match="momentum"):
        optimizers.SGD(momentum=1.5)
    with pytest.raises(ValueError, match="learning_rate"):
        optimizers.SGD(learning_rate="fast")
    with pytest.raises(ValueError, match="gradient_accumulation_steps"):
        optimizers.SGD(gradient_accumulation_steps=1)


def test_default_names_are_unique_snake_case():
    a, b = optimizers.RMSprop(), optimizers.RMSprop()
    assert a.name.startswith("rm_sprop") and a.name != b.name


def test_variables_order_and_paths():
    opt = optimizers.Adam(amsgrad=True, name="adam")
    ws = _vars((3, 2), (2,))
    opt.build(ws)
    assert [v.path for v in opt.variables] == [
        "adam/iteration",
        "adam/learning_rate",
        "adam/w0_momentum",
        "adam/w0_velocity",
        "adam/w1_momentum",
        "adam/w1_velocity",
        "adam/w0_velocity_hat",
        "adam/w1_velocity_hat",
    ]
    assert all(not v.trainable for v in opt.variables)


def test_sgd_step_by_hand_and_iterations():
    opt = optimizers.SGD(learning_rate=0.1)
    (w,) = _vars((4,))
    before = w.numpy().copy()
    opt.apply(_grads([w], 1.0), [w])
    opt.apply(_grads([w], 1.0))  # built: variables may be omitted
    np.testing.assert_allclose(w.numpy(), before - 0.2, rtol=1e-6)
    assert int(opt.iterations.numpy()) == 2


def test_apply_gradients_pairs():
    opt = optimizers.SGD(learning_rate=1.0)
    ws = _vars((2,), (3,))
    before = [w.numpy().copy() for w in ws]
    opt.apply_gradients(zip(_grads(ws, 0.25), ws))
    for w, b in zip(ws, before):
        np.testing.assert_allclose(w.numpy(), b - 0.25, rtol=1e-6)


def test_learning_rate_set_and_assign_are_seen():
    opt = optimizers.SGD(learning_rate=0.1)
    (w,) = _vars((2,))
    opt.build([w])
    opt.learning_rate = 0.5
    b = w.numpy().copy()
    opt.apply(_grads([w], 1.0), [w])
    np.testing.assert_allclose(w.numpy(), b - 0.5, rtol=1e-6)
    opt.learning_rate.assign(0.25)  # as Keras 2's K.set_value does
    b = w.numpy().copy()
    opt.apply(_grads([w], 1.0), [w])
    np.testing.assert_allclose(w.numpy(), b - 0.25, rtol=1e-6)
    assert opt.get_config()["learning_rate"] == 0.25


def test_schedule_learning_rate_follows_iterations_and_is_not_settable():
    opt = optimizers.SGD(learning_rate=schedules.PiecewiseConstantDecay([1], [1.0, 0.1]))
    (w,) = _vars((1,))
    b = w.numpy().copy()
    for _ in range(3):
        opt.apply(_grads([w], 1.0), [w])
    np.testing.assert_allclose(w.numpy(), b - 2.1, rtol=1e-6)  # 1.0 through step 1
    assert opt.learning_rate == pytest.approx(0.1)
    with pytest.raises(TypeError, match="not settable"):
        opt.learning_rate = 0.3


def test_callable_learning_rate():
    opt = optimizers.SGD(learning_rate=lambda: 0.5)
    (w,) = _vars((1,))
    b = w.numpy().copy()
    opt.apply(_grads([w], 1.0), [w])
    np.testing.assert_allclose(w.numpy(), b - 0.5, rtol=1e-6)


def test_iterations_assignment_is_seen():
    opt = optimizers.Adam()
    ws = _vars((2,))
    opt.build(ws)
    opt.iterations.assign(41)
    opt.apply(_grads(ws), ws)
    assert int(opt.iterations.numpy()) == 42


def test_unknown_variable_and_unbuilt_errors():
    opt = optimizers.SGD()
    with pytest.raises(ValueError, match="build"):
        opt.apply(_grads(_vars((1,))))
    opt.build(_vars((1,)))
    with pytest.raises(ValueError, match="Unknown variable"):
        opt.apply(_grads(_vars((1,))), _vars((1,)))


def test_missing_gradients_and_non_trainable_are_skipped():
    opt = optimizers.SGD(learning_rate=1.0)
    ws = _vars((2,), (2,), (2,))
    ws[2].trainable = False
    before = [w.numpy().copy() for w in ws]
    g = _grads(ws, 1.0)
    with pytest.warns(UserWarning, match="w1"):
        opt.apply([g[0], None, g[2]], ws)
    np.testing.assert_allclose(ws[0].numpy(), before[0] - 1.0)
    np.testing.assert_array_equal(ws[1].numpy(), before[1])
    np.testing.assert_array_equal(ws[2].numpy(), before[2])
    with pytest.raises(ValueError, match="No gradients"):
        opt.apply([None, None, None], ws)


def test_subset_of_variables_uses_their_own_slots():
    opt = optimizers.SGD(learning_rate=1.0, momentum=0.5)
    ws = _vars((2,), (3,))
    opt.build(ws)
    b1 = ws[1].numpy().copy()
    opt.apply(_grads([ws[1]], 1.0), [ws[1]])
    np.testing.assert_allclose(ws[1].numpy(), b1 - 1.0)
    assert np.all(opt.momentums[0].numpy() == 0) and np.all(opt.momentums[1].numpy() == -1.0)


def test_constraint_applied_after_update():
    opt = optimizers.SGD(learning_rate=1.0)
    (w,) = _vars((3,))
    w._lamina_constraint = lambda v: v * 0.0 + 7.0
    opt.apply(_grads([w]), [w])
    np.testing.assert_array_equal(w.numpy(), np.full(3, 7.0, "float32"))


def test_exclude_from_weight_decay():
    opt = optimizers.SGD(learning_rate=0.1, weight_decay=0.5)
    ws = _vars((2,), (2,))
    opt.exclude_from_weight_decay(var_names=["w1"])
    before = [w.numpy().copy() for w in ws]
    opt.apply(_grads(ws, 0.0), ws)
    np.testing.assert_allclose(ws[0].numpy(), before[0] * (1 - 0.05), rtol=1e-6)
    np.testing.assert_array_equal(ws[1].numpy(), before[1])
    with pytest.raises(ValueError, match="before"):
        opt.exclude_from_weight_decay(var_names=["w0"])


def test_save_and_load_own_variables():
    ws = _vars((3,), (2,))
    opt = optimizers.Adam()
    for _ in range(3):
        opt.apply(_grads(ws), ws)
    store = {}
    opt.save_own_variables(store)
    assert sorted(store, key=int) == [str(i) for i in range(6)]
    other = optimizers.Adam()
    other.build(ws)
    other.load_own_variables(store)
    for a, b in zip(opt.variables, other.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert int(other.iterations.numpy()) == 3
    fresh = optimizers.Adam()
    with pytest.warns(UserWarning, match="Skipping variable loading"):
        fresh.load_own_variables(store)


def test_set_weights_checks_shapes():
    ws = _vars((2,))
    opt = optimizers.SGD(momentum=0.9)
    with pytest.raises(ValueError, match="not yet been built"):
        opt.set_weights([])
    opt.build(ws)
    opt.set_weights([np.array(5), np.array(0.5, "float32"), np.ones(2, "float32")])
    assert int(opt.iterations.numpy()) == 5
    with pytest.raises(ValueError, match="shape"):
        opt.set_weights([np.array(5), np.array(0.5), np.ones(3)])


def test_custom_optimizer_with_update_step():
    class HalfStep(optimizers.Optimizer):
        def __init__(self, learning_rate=0.1, **kwargs):
            super().__init__(learning_rate=learning_rate, **kwargs)

        def update_step(self, gradient, variable, learning_rate):
            variable.assign_sub(gradient * (0.5 * float(learning_rate)))

    (w,) = _vars((2,))
    b = w.numpy().copy()
    opt = HalfStep()
    opt.apply(_grads([w], 1.0), [w])
    np.testing.assert_allclose(w.numpy(), b - 0.05, rtol=1e-6)
    assert opt.name.startswith("half_step")


def test_scale_loss():
    assert optimizers.SGD(loss_scale_factor=4.0).scale_loss(2.0) == 8.0
    assert optimizers.SGD().scale_loss(2.0) == 2.0


def test_no_warning_on_plain_step():
    ws = _vars((2,))
    opt = optimizers.Adam()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt.apply(_grads(ws), ws)


@pytest.mark.parametrize("name", ["SGD", "Adam"])
def test_gradients_of_another_dtype_are_cast_to_the_variable_dtype(name):
    """float16 gradients for float32 variables (a hand-written mixed-precision loop) update
    as their float32 values would, and the variables stay float32."""
    a = _vars((3, 4), seed=1)
    b = [core.make_variable(v.numpy(), "float32", True, f"b{i}") for i, v in enumerate(a)]
    grads32 = [core.convert_to_tensor(np.full((3, 4), 0.25, "float32"))]
    grads16 = [core.cast(g, "float16") for g in grads32]
    opt_a, opt_b = getattr(optimizers, name)(0.1), getattr(optimizers, name)(0.1)
    for _ in range(3):
        opt_a.apply(grads32, a)
        opt_b.apply(grads16, b)
    assert core.dtype_of(b[0]) == "float32"
    np.testing.assert_array_equal(b[0].numpy(), a[0].numpy())
