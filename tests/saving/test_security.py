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
    """A model with an engine-named op layer between layers (torch.sort has no Keras twin)."""
    x = lamina.Input((4,))
    h = layers.Dense(3)(x)
    return lamina.Model(x, ops.sort(h, axis=-1))


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
    with pytest.raises((ValueError, TypeError), match="sort"):
        lamina.saving.load_model(hostile)


def _frobenius_model():
    x = lamina.Input((3, 4))
    h = layers.Dense(4)(x)
    return lamina.Model(x, ops.norm(h, ord="fro", axis=(1, 2)))  # torch.linalg.norm(ord="fro")


def test_op_node_without_tensors_is_checked_too(saved_op_model, tmp_path):
    """A node with no tensor input would run at once while loading: checked first."""
    def edit(config):
        _op_entry(config)["inbound_nodes"][0]["args"] = ["touch /tmp/x"]

    hostile = tmp_path / "hostile.keras"
    _rewrite(saved_op_model, hostile, edit)
    with pytest.raises(ValueError, match=r"argument 0.*torch\.sort takes no string there"):
        lamina.saving.load_model(hostile)


def test_strings_load_where_the_function_takes_one(tmp_path):
    model = _frobenius_model()
    entry = _op_entry({"config": model.get_config()})
    assert entry["config"]["function"] == "torch.linalg.norm"
    assert entry["inbound_nodes"][0]["kwargs"]["ord"] == "fro"
    path = tmp_path / "norm.keras"
    model.save(path)
    data = np.random.default_rng(1).random((2, 3, 4), dtype=np.float32)
    restored = lamina.saving.load_model(path)
    np.testing.assert_allclose(np.asarray(restored.predict(data, verbose=0)),
                               np.asarray(model.predict(data, verbose=0)), rtol=1e-6)


def test_a_string_where_the_function_takes_none_is_refused(tmp_path):
    path = tmp_path / "norm.keras"
    _frobenius_model().save(path)

    def edit(config):  # a string in `keepdim`, not in `ord` (the one string parameter)
        _op_entry(config)["inbound_nodes"][0]["kwargs"]["keepdim"] = "fro"

    hostile = tmp_path / "hostile.keras"
    _rewrite(path, hostile, edit)
    with pytest.raises(ValueError, match=r"argument 'keepdim'.*takes no string there"):
        lamina.saving.load_model(hostile)


@pytest.mark.parametrize("class_name, module", [
    ("Cond", "keras.src.ops.core"),          # takes functions: not in the table
    ("WhileLoop", "keras.src.ops.core"),
    ("Map", "keras.src.ops.core"),
    ("Add", "keras.src.ops.core"),           # a known op under another module
    ("system", "keras.src.ops.os"),
    ("system", "os"),
])
def test_keras_operations_come_from_a_closed_table(tmp_path, class_name, module):
    x = lamina.Input((4,))
    model = lamina.Model(x, layers.Dense(3)(x) + 1.0)
    path = tmp_path / "add.keras"
    model.save(path)

    def edit(config):
        entry = next(e for e in config["config"]["layers"] if e["class_name"] == "Add")
        entry["class_name"], entry["module"] = class_name, module

    hostile = tmp_path / "hostile.keras"
    _rewrite(path, hostile, edit)
    with pytest.raises(ValueError, match="Refusing|Unknown"):
        lamina.saving.load_model(hostile)


@pytest.mark.parametrize("where", ["config", "args"])
def test_keras_operation_arguments_must_be_data(tmp_path, where):
    x = lamina.Input((3, 4))
    model = lamina.Model(x, ops.cumsum(layers.Dense(4)(x), axis=1))
    path = tmp_path / "cumsum.keras"
    model.save(path)
    hostile_value = {"module": "os", "class_name": "system", "config": "touch x"}

    def edit(config):
        entry = next(e for e in config["config"]["layers"] if e["class_name"] == "Cumsum")
        if where == "config":
            entry["config"]["axis"] = hostile_value
        else:
            entry["inbound_nodes"][0]["args"].append(hostile_value)

    hostile = tmp_path / "hostile.keras"
    _rewrite(path, hostile, edit)
    with pytest.raises(ValueError, match="Cumsum.*not data"):
        lamina.saving.load_model(hostile)


def test_no_import_of_file_strings_in_the_op_lookup():
    """The op lookup is a dictionary: no importlib, no getattr chains on file text."""
    import inspect

    from lamina.backend.torch import symbolic

    source = inspect.getsource(symbolic.function_from_name)
    assert "import" not in source and "getattr" not in source
    assert os.path.exists(symbolic.__file__)


def test_the_op_table_holds_only_tensor_functions():
    import torch

    from lamina.backend.torch.op_table import TABLE

    forbidden = {"save", "load", "from_file", "manual_seed", "seed", "compile", "vmap",
                 "apply_", "map_", "register_hook", "backward", "set_", "share_memory_",
                 "tolist", "numpy", "storage", "untyped_storage", "__reduce_ex__",
                 "__setstate__", "__setitem__", "set_default_device", "use_deterministic_algorithms"}
    for name, fn in TABLE.items():
        attribute = name.rsplit(".", 1)[1]
        assert attribute not in forbidden, name
        assert not (attribute.endswith("_") and not attribute.startswith("__")), name  # in-place
        if name.startswith("lamina.image."):  # lamina's whole-call image kernels, no others
            assert fn.__module__ in ("lamina.backend.torch.image_warps",
                                     "lamina.backend.torch.image_filters"), name
            continue
        assert name.split(".")[1] in ("nn", "linalg", "fft", "special", "Tensor") \
            or name.count(".") == 1, name
        assert fn is not torch.os.system and callable(fn)
