"""TorchModuleWrapper: a torch module inside a lamina model, trained by fit, saved as config +
weights (never pickled) and loaded back through the registry or custom_objects."""

import numpy as np
import pytest
import torch

import lamina
from lamina import layers


class MLP(torch.nn.Sequential):
    """Linear -> ReLU -> Linear, rebuilt from its sizes."""

    def __init__(self, d_in, hidden, d_out):
        super().__init__(torch.nn.Linear(d_in, hidden), torch.nn.ReLU(),
                         torch.nn.Linear(hidden, d_out))
        self.sizes = {"d_in": d_in, "hidden": hidden, "d_out": d_out}

    def get_config(self):
        return dict(self.sizes)


lamina.saving.register_keras_serializable(package="tests_tmw")(MLP)


class Unregistered(torch.nn.Module):
    def __init__(self, n):
        super().__init__()
        self.lin = torch.nn.Linear(n, 1)

    def forward(self, x):
        return self.lin(x)


def _data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 4)).astype("float32")
    return x, (x[:, :1] * 2 - x[:, 1:2]).astype("float32")


def _model(module, **kwargs):
    inp = lamina.Input(shape=(4,))
    hidden = layers.Dense(4, activation="tanh", name="pre")(inp)
    out = layers.TorchModuleWrapper(module, name="torch_part", **kwargs)(hidden)
    return lamina.Model(inp, out)


def _np(x):
    return np.asarray(lamina.ops.convert_to_numpy(x))


def test_parameters_are_the_layers_weights():
    module = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 1))
    layer = layers.TorchModuleWrapper(module)
    assert layer.count_params() == 4 * 8 + 8 + 8 + 1
    assert [tuple(w.shape) for w in layer.trainable_weights] == [(8, 4), (8,), (1, 8), (1,)]
    # the module computes with the very tensors the layer lists (no copies)
    assert all(a is b for a, b in zip(module.parameters(), layer.weights))
    frozen = torch.nn.Linear(3, 2)
    frozen.bias.requires_grad_(False)
    layer = layers.TorchModuleWrapper(frozen)
    assert [w.name for w in layer.trainable_weights] == ["weight"]
    assert [w.name for w in layer.non_trainable_weights] == ["bias"]


def test_fit_trains_the_torch_parameters_and_model_round_trips(tmp_path):
    x, y = _data()
    model = _model(MLP(4, 8, 1))
    before = [w.copy() for w in model.get_weights()]
    model.compile(optimizer=lamina.optimizers.Adam(0.02), loss="mse")
    first = model.evaluate(x, y, verbose=0)
    model.fit(x, y, epochs=10, batch_size=16, verbose=0)
    assert model.evaluate(x, y, verbose=0) < 0.5 * first
    torch_part = model.get_layer("torch_part")
    assert len(model.trainable_weights) == 2 + 4
    changed = [not np.allclose(a, b) for a, b in zip(before, model.get_weights())]
    assert all(changed)
    path = tmp_path / "m.keras"
    model.save(path)
    again = lamina.models.load_model(path)
    np.testing.assert_array_equal(_np(again.predict(x, verbose=0)), _np(model.predict(x, verbose=0)))
    rebuilt = again.get_layer("torch_part").module
    assert type(rebuilt) is MLP and rebuilt.sizes == {"d_in": 4, "hidden": 8, "d_out": 1}
    assert again.get_layer("torch_part").count_params() == torch_part.count_params()


def test_custom_objects_and_module_config_for_a_class_without_get_config(tmp_path):
    x, _ = _data()
    model = _model(Unregistered(4), module_config={"n": 4})
    path = tmp_path / "u.keras"
    model.save(path)
    with pytest.raises(ValueError, match="unknown torch module class 'Unregistered'"):
        lamina.models.load_model(path)
    again = lamina.models.load_model(path, custom_objects={"Unregistered": Unregistered})
    np.testing.assert_array_equal(_np(again.predict(x, verbose=0)), _np(model.predict(x, verbose=0)))


def test_module_without_a_config_cannot_be_saved_and_says_how(tmp_path):
    model = _model(Unregistered(4))
    with pytest.raises(ValueError, match="Unregistered.*module_config"):
        model.save(tmp_path / "x.keras")


def test_batchnorm_buffers_saved_and_eval_mode_in_predict(tmp_path):
    @lamina.saving.register_keras_serializable(package="tests_tmw")
    class Normed(torch.nn.Module):
        def __init__(self, n):
            super().__init__()
            self.n = n
            self.bn = torch.nn.BatchNorm1d(n)

        def forward(self, x):
            return self.bn(x)

        def get_config(self):
            return {"n": self.n}

    x = (np.random.default_rng(1).normal(size=(32, 4)) * 3 + 2).astype("float32")
    inp = lamina.Input(shape=(4,))
    model = lamina.Model(inp, layers.TorchModuleWrapper(Normed(4), name="bn")(inp))
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, x, epochs=2, batch_size=8, verbose=0)
    stats = model.get_layer("bn").module.bn.running_mean.detach().numpy().copy()
    assert np.any(stats != 0)
    # predict runs in eval mode: the running statistics do not move, outputs are repeatable
    first = _np(model.predict(x, verbose=0))
    np.testing.assert_array_equal(model.get_layer("bn").module.bn.running_mean.numpy(), stats)
    model.save(tmp_path / "bn.keras")
    again = lamina.models.load_model(tmp_path / "bn.keras")
    np.testing.assert_allclose(again.get_layer("bn").module.bn.running_mean.numpy(), stats)
    np.testing.assert_array_equal(_np(again.predict(x, verbose=0)), first)


def test_bad_inputs_are_refused():
    with pytest.raises(TypeError, match="torch.nn.Module"):
        layers.TorchModuleWrapper("linear")
    with pytest.raises(ValueError, match="LazyModules"):
        layers.TorchModuleWrapper(torch.nn.LazyLinear(3))
    with pytest.raises(ValueError, match="pickled"):
        layers.TorchModuleWrapper.from_config({"module": "gASV...", "name": "t"})
