"""A file is data: loading it under safe mode never runs code the file names.

Issue 11: an op layer between layers saves the engine function's dotted name
(``"torch.cumsum"``); the loader used to import and walk any name starting with ``torch.``,
so ``torch.os.system`` with a string argument ran a shell command during ``load_model``.
"""

import json
import os
import zipfile

import numpy as np
import pytest

import lamina
import lamina.saving
from lamina import layers, ops


def _op_model():
    x = lamina.Input((4,))
    h = layers.Dense(3)(x)
    return lamina.Model(x, ops.cumsum(h, axis=1))


def _rewrite(src, dst, edit):
    """Copy the .keras file ``src`` to ``dst`` with ``edit(config)`` applied to config.json."""
    with zipfile.ZipFile(src) as zin:
        members = {n: zin.read(n) for n in zin.namelist()}
    config = json.loads(members["config.json"])
    edit(config)
    members["config.json"] = json.dumps(config).encode()
    with zipfile.ZipFile(dst, "w") as zout:
        for name, data in members.items():
            zout.writestr(name, data)


def _op_entry(config):
    return next(e for e in config["config"]["layers"] if e["class_name"] == "OpLayer")


@pytest.fixture
def saved_op_model(tmp_path):
    path = tmp_path / "ops.keras"
    _op_model().save(path)
    return path


def test_op_model_round_trips(saved_op_model):
    x = np.random.default_rng(0).random((2, 4), dtype=np.float32)
    model = lamina.saving.load_model(saved_op_model)
    again = lamina.saving.load_model(saved_op_model)
    np.testing.assert_allclose(np.asarray(model.predict(x, verbose=0)),
                               np.asarray(again.predict(x, verbose=0)), rtol=1e-6)


@pytest.mark.parametrize("with_tensor", [False, True])
def test_torch_os_system_in_an_op_is_refused(saved_op_model, tmp_path, with_tensor):
    canary = tmp_path / "canary"
    command = f"touch {canary}"

    def edit(config):
        entry = _op_entry(config)
        entry["config"]["function"] = "torch.os.system"
        node = entry["inbound_nodes"][0]
        node["args"] = (node["args"] if with_tensor else []) + [command]
        node["kwargs"] = {}

    hostile = tmp_path / "hostile.keras"
    _rewrite(saved_op_model, hostile, edit)
    with pytest.raises(ValueError, match=r"torch\.os\.system.*safe_mode"):
        lamina.saving.load_model(hostile)
    assert not canary.exists(), "the file's shell command ran during load_model"


def test_torch_save_in_an_op_is_refused(saved_op_model, tmp_path):
    target = tmp_path / "written.pt"

    def edit(config):
        entry = _op_entry(config)
        entry["config"]["function"] = "torch.save"
        node = entry["inbound_nodes"][0]
        node["kwargs"] = {"f": str(target)}

    hostile = tmp_path / "hostile.keras"
    _rewrite(saved_op_model, hostile, edit)
    with pytest.raises(ValueError, match=r"torch\.save"):
        lamina.saving.load_model(hostile)
    assert not target.exists()


@pytest.mark.parametrize("name", [
    "torch.load", "torch.hub.load", "torch.from_file", "torch.os.popen", "torch.Tensor.apply_",
    "torch.Tensor.map_", "torch.Tensor.register_hook", "torch.manual_seed", "torch.compile",
    "torch.jit.load", "torch.utils.cpp_extension.load", "torch.cumsum.__globals__",
    "torch.Tensor.__reduce_ex__", "os.system", "builtins.eval", "torch",
])
def test_names_outside_the_table_are_refused_also_without_safe_mode(
        saved_op_model, tmp_path, name):
    def edit(config):
        _op_entry(config)["config"]["function"] = name

    hostile = tmp_path / "hostile.keras"
    _rewrite(saved_op_model, hostile, edit)
    for safe_mode in (True, False):
        with pytest.raises(ValueError, match="not one of lamina's tensor ops"):
            lamina.saving.load_model(hostile, safe_mode=safe_mode)


@pytest.mark.parametrize("bad", [
    "rm -rf /",                                      # a string where cumsum takes none
    {"class_name": "__lambda__", "config": {}},      # an object marker, not data
    {"module": "os", "class_name": "system"},
    [1, "x"],
])
def test_op_constants_must_be_data(saved_op_model, tmp_path, bad):
    def edit(config):
        _op_entry(config)["inbound_nodes"][0]["kwargs"]["dim"] = bad

    hostile = tmp_path / "hostile.keras"
    _rewrite(saved_op_model, hostile, edit)
    with pytest.raises((ValueError, TypeError), match="cumsum"):
        lamina.saving.load_model(hostile)


def test_strings_load_where_the_function_takes_one(tmp_path):
    x = lamina.Input((4,))
    h = layers.Dense(4)(x)
    y = ops.einsum("bi,bi->b", h, h)  # the equation is a string argument of torch.einsum
    model = lamina.Model(x, y)
    path = tmp_path / "einsum.keras"
    model.save(path)
    data = np.random.default_rng(1).random((3, 4), dtype=np.float32)
    restored = lamina.saving.load_model(path)
    np.testing.assert_allclose(np.asarray(restored.predict(data, verbose=0)),
                               np.asarray(model.predict(data, verbose=0)), rtol=1e-6)


def test_no_import_of_file_strings_in_the_op_lookup():
    """The op lookup is a dictionary: no importlib, no getattr chains on file text."""
    import inspect

    from lamina.backend.torch import symbolic

    source = inspect.getsource(symbolic.function_from_name)
    assert "import" not in source and "getattr" not in source
    assert os.path.exists(symbolic.__file__)
