"""Fuzzing the loaders with hostile files (issue 11): each load under safe mode is refused
with a clear ValueError/TypeError or builds plain data, and a canary proves nothing ran.

Bounded for CI (fixed seed and count); ``benchmarks/fuzz_load.py`` runs every case.
"""

import json
import os
import stat
import zipfile

import h5py
import numpy as np
import pytest

import lamina
import lamina.saving
from lamina.saving import keras_format

from fuzz_support import cases, field_paths, load_case, mutated, saved_members, write_keras, zoo

CI_CASES = 240
SEED = 11


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """``{name: (config, members)}`` for the zoo, saved once."""
    folder = tmp_path_factory.mktemp("zoo")
    out = {}
    for name, model in zoo().items():
        members = saved_members(model, folder)
        out[name] = (json.loads(members["config.json"]), members)
    return out


@pytest.fixture
def canary(tmp_path):
    path = tmp_path / "canary_fuzz_marker"
    yield str(path)
    assert not path.exists(), "a hostile file ran a command during load_model"


def test_the_zoo_loads(saved, tmp_path):
    for name, (config, members) in saved.items():
        model = lamina.saving.load_model(write_keras(tmp_path / f"{name}.keras", members))
        assert model.name == config["config"]["name"]


def test_the_zoo_covers_the_layer_families(saved):
    classes = {e["class_name"] for _, (config, _m) in saved.items()
               for e in _entries(config)}
    for family in ("Dense", "Conv2D", "Conv1D", "SeparableConv2D", "Conv2DTranspose",
                   "MaxPooling2D", "GlobalAveragePooling2D", "BatchNormalization",
                   "LayerNormalization", "GroupNormalization", "LSTM", "GRU", "SimpleRNN",
                   "Bidirectional", "TimeDistributed", "MultiHeadAttention", "Attention",
                   "Add", "Concatenate", "Dot", "Reshape", "Permute", "Flatten", "Embedding",
                   "OpLayer", "Cumsum", "Sequential"):
        assert family in classes, family
    assert all(config.get("compile_config") for name, (config, _m) in saved.items()
               if name != "sequential")


def _entries(config):
    if isinstance(config, dict):
        if "class_name" in config:
            yield config
        for v in config.values():
            yield from _entries(v)
    elif isinstance(config, list):
        for v in config:
            yield from _entries(v)


def test_hostile_names_in_every_field_kind_are_refused_or_data(saved, tmp_path, canary):
    configs = {name: config for name, (config, _m) in saved.items()}
    chosen = cases(configs, CI_CASES, seed=SEED, canary=canary)
    # every field kind that names code is in the sample, not left to chance
    keys = {path[-1] for _, path, _ in chosen}
    assert {"module", "class_name", "registered_name", "function"} <= keys
    outcomes = {}
    for i, (name, path, value) in enumerate(chosen):
        config, members = saved[name]
        file = write_keras(tmp_path / f"case{i}.keras", members, mutated(config, path, value))
        outcome, calls = load_case(file, canary)
        assert calls == [], (name, path, value, calls)
        assert not os.path.exists(canary), (name, path, value)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    assert outcomes.get("ValueError", 0) > 0


@pytest.mark.parametrize("key", ["module", "class_name", "registered_name"])
def test_every_op_and_model_name_field(saved, tmp_path, canary, key):
    """The fields that pick a class, for every entry of one model, with each hostile name."""
    config, members = saved["dense"]
    paths = [p for p in field_paths(config) if p[-1] == key]
    assert len(paths) > 10
    for i, path in enumerate(paths):
        for value in ("torch.os.system", "builtins.eval"):
            file = write_keras(tmp_path / f"c{i}.keras", members, mutated(config, path, value))
            outcome, calls = load_case(file, canary)
            assert calls == [], (path, value, calls)


def test_safe_mode_refuses_lambda_bytecode(tmp_path, canary):
    x = lamina.Input((2,))
    model = lamina.Model(x, lamina.layers.Lambda(lambda t: t * 2.0)(x))
    path = tmp_path / "lambda.keras"
    model.save(path)
    with pytest.raises(ValueError, match="safe mode"):
        lamina.saving.load_model(path)
    assert lamina.saving.load_model(path, safe_mode=False).predict(
        np.ones((1, 2), "float32"), verbose=0).tolist() == [[2.0, 2.0]]


def test_deserialize_keras_object_refuses_lambda_in_safe_mode():
    import base64
    import marshal

    code = base64.b64encode(marshal.dumps((lambda: 1).__code__)).decode()
    marker = {"class_name": "__lambda__", "config": {"value": [code, None, None]}}
    with pytest.raises(ValueError, match="safe mode"):
        lamina.saving.deserialize_keras_object(marker)
    assert lamina.saving.deserialize_keras_object(marker, safe_mode=False)() == 1


# -- HDF5: weights files that point elsewhere, or hold what is not numbers ---------------------


@pytest.fixture
def small_model():
    model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(2)])
    return model


def _weights(tmp_path, model, edit):
    path = tmp_path / "w.weights.h5"
    model.save_weights(path)
    with h5py.File(path, "a") as f:
        edit(f, tmp_path)
    return path


def _external_link(f, tmp_path):
    other = tmp_path / "secret.h5"
    with h5py.File(other, "w") as g:
        g["kernel"] = np.ones((3, 2))
    del f["layers/dense/vars/0"]
    f["layers/dense/vars/0"] = h5py.ExternalLink(str(other), "/kernel")


def _soft_link(f, _tmp_path):
    del f["layers/dense/vars/0"]
    f["layers/dense/vars/0"] = h5py.SoftLink("/layers/dense/vars/1")


def _virtual(f, tmp_path):
    other = tmp_path / "secret.h5"
    with h5py.File(other, "w") as g:
        g["kernel"] = np.ones((3, 2))
    layout = h5py.VirtualLayout(shape=(3, 2), dtype="float32")
    layout[:] = h5py.VirtualSource(str(other), "kernel", shape=(3, 2))
    del f["layers/dense/vars/0"]
    f["layers/dense/vars"].create_virtual_dataset("0", layout)


def _external_storage(f, tmp_path):
    raw = tmp_path / "raw.bin"
    raw.write_bytes(np.ones((3, 2), "float32").tobytes())
    del f["layers/dense/vars/0"]
    f["layers/dense/vars"].create_dataset("0", shape=(3, 2), dtype="float32",
                                          external=[(str(raw), 0, 24)])


def _absurd_shape(f, _tmp_path):
    del f["layers/dense/vars/0"]
    f["layers/dense/vars"].create_dataset("0", shape=(1 << 20, 1 << 20), dtype="float32",
                                          chunks=(1, 1024))


def _strings(f, _tmp_path):
    del f["layers/dense/vars/0"]
    f["layers/dense/vars"].create_dataset("0", data=np.array([[b"os.system"] * 2] * 3))


def _objects(f, _tmp_path):
    del f["layers/dense/vars/0"]
    f["layers/dense/vars"].create_dataset("0", (3, 2), dtype=h5py.string_dtype())


def _group(f, _tmp_path):
    del f["layers/dense/vars/0"]
    f["layers/dense/vars"].create_group("0")


@pytest.mark.parametrize("edit, message", [
    (_external_link, "external link"), (_soft_link, "soft link"), (_virtual, "virtual dataset"),
    (_external_storage, "external files"), (_absurd_shape, "shape"), (_strings, "not numbers"),
    (_objects, "not numbers"), (_group, "group"),
])
def test_hostile_weights_files(tmp_path, small_model, edit, message):
    path = _weights(tmp_path, small_model, edit)
    with pytest.raises(ValueError, match=message):
        small_model.load_weights(path)


def test_hostile_weights_inside_a_keras_file(tmp_path, small_model):
    path = tmp_path / "m.keras"
    small_model.save(path)
    with zipfile.ZipFile(path) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    weights = tmp_path / "inner.h5"
    weights.write_bytes(members["model.weights.h5"])
    with h5py.File(weights, "a") as f:
        _external_link(f, tmp_path)
    members["model.weights.h5"] = weights.read_bytes()
    hostile = write_keras(tmp_path / "hostile.keras", members)
    with pytest.raises(ValueError, match="external link"):
        lamina.saving.load_model(hostile)


def test_hostile_legacy_h5(tmp_path, small_model, canary):
    path = tmp_path / "m.h5"
    small_model.compile(optimizer="adam", loss="mse")
    small_model.save(path)
    with h5py.File(path, "r") as f:
        model_config = json.loads(f.attrs["model_config"])
        training_config = json.loads(f.attrs["training_config"])
    for where, value in [("model", "os.system"), ("training", "builtins.eval"),
                         ("model", "torch.os.system"), ("training", "subprocess.Popen")]:
        for target in (model_config, training_config):
            for p in field_paths(target):
                hostile = tmp_path / "hostile.h5"
                hostile.write_bytes(path.read_bytes())
                with h5py.File(hostile, "a") as f:
                    if target is model_config and where == "model":
                        f.attrs["model_config"] = json.dumps(mutated(model_config, p, value))
                    elif target is training_config and where == "training":
                        f.attrs["training_config"] = json.dumps(mutated(training_config, p, value))
                outcome, calls = load_case(str(hostile), canary)
                assert calls == [], (where, p, value)
    with h5py.File(path, "a") as f:  # and an external link among the legacy weights
        datasets = []
        f["model_weights"].visititems(
            lambda n, obj: datasets.append(n) if isinstance(obj, h5py.Dataset) else None)
        key = "model_weights/" + datasets[0]
        del f[key]
        other = tmp_path / "secret.h5"
        with h5py.File(other, "w") as g:
            g["x"] = np.ones(2)
        f[key] = h5py.ExternalLink(str(other), "/x")
    with pytest.raises(ValueError, match="external link"):
        lamina.saving.load_model(path)


def test_keras2_lambda_bytecode_is_refused_in_safe_mode(tmp_path, small_model):
    path = tmp_path / "m.h5"
    small_model.save(path)
    with h5py.File(path, "a") as f:
        config = json.loads(f.attrs["model_config"])
        config["config"]["layers"].append({"class_name": "Lambda", "config": {
            "name": "evil", "function": ["YQ==", None, None], "function_type": "lambda",
            "module": "os", "arguments": {}}})
        f.attrs["model_config"] = json.dumps(config)
    with pytest.raises(ValueError, match="safe mode"):
        lamina.saving.load_model(path)


# -- zip archives: members no saver writes -----------------------------------------------------


@pytest.fixture
def members(tmp_path, small_model):
    path = tmp_path / "m.keras"
    small_model.save(path)
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def _zip(path, entries):
    with zipfile.ZipFile(path, "w") as zf:
        for info, data in entries:
            zf.writestr(info, data)
    return str(path)


@pytest.mark.parametrize("name, message", [
    ("../evil.txt", "unsafe path"), ("/etc/evil", "unsafe path"),
    ("assets/../../evil", "unsafe path"), ("C:/evil", "unsafe path"),
])
def test_unsafe_member_paths(tmp_path, members, name, message):
    path = _zip(tmp_path / "bad.keras", [*members.items(), (name, b"x")])
    with pytest.raises(ValueError, match=message):
        lamina.saving.load_model(path)


def test_symlink_member(tmp_path, members):
    info = zipfile.ZipInfo("assets/link")
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    path = _zip(tmp_path / "bad.keras", [*members.items(), (info, "/etc/passwd")])
    with pytest.raises(ValueError, match="symbolic link"):
        lamina.saving.load_model(path)


def test_duplicate_member(tmp_path, members):
    hostile = json.dumps({"class_name": "os.system", "config": {}})
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name
        path = _zip(tmp_path / "bad.keras", [*members.items(), ("config.json", hostile)])
    with pytest.raises(ValueError, match="twice"):
        lamina.saving.load_model(path)


def test_zip_bomb(tmp_path, members, monkeypatch):
    monkeypatch.setattr(keras_format, "_EXPANSION_FLOOR", 1 << 16)
    bomb = zipfile.ZipInfo("assets/bomb.bin")
    bomb.compress_type = zipfile.ZIP_DEFLATED
    path = _zip(tmp_path / "bomb.keras", [*members.items(), (bomb, b"\0" * (1 << 22))])
    with pytest.raises(ValueError, match="decompression bomb"):
        lamina.saving.load_model(path)


def test_member_caps(tmp_path, members, monkeypatch):
    monkeypatch.setitem(keras_format.MAX_MEMBER_BYTES, "config.json", 64)
    path = _zip(tmp_path / "big.keras", members.items())
    with pytest.raises(ValueError, match="config.json.*declares"):
        lamina.saving.load_model(path)
    monkeypatch.setitem(keras_format.MAX_MEMBER_BYTES, "config.json", 1 << 28)
    monkeypatch.setattr(keras_format, "MAX_TOTAL_BYTES", 256)
    with pytest.raises(ValueError, match="in all"):
        lamina.saving.load_model(path)


def test_member_longer_than_declared(tmp_path, members):
    path = tmp_path / "m.keras"
    _zip(path, members.items())
    data = bytearray(path.read_bytes())
    config = members["config.json"]
    # the local header (size at +22) and the central directory entry (size at +24 from its
    # start, 46 bytes before the name) declare 10 bytes fewer than are stored
    info = zipfile.ZipFile(path).getinfo("config.json")
    for offset in (info.header_offset + 22, data.rfind(b"config.json") - 46 + 24):
        data[offset:offset + 4] = (len(config) - 10).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="damaged"):
        lamina.saving.load_model(path)
