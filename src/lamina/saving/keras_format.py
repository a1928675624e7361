"""The ``.keras`` format: a zip of ``metadata.json``, ``config.json`` and ``model.weights.h5``.

Files written here load in Keras 3 and files Keras 3 writes load here. Loading builds the
model from its config (nothing is unpickled; Lambda code needs ``safe_mode=False``), assigns
the weights, and, if the model was compiled, compiles it and restores the optimizer's state so
training resumes with the same next step.

>>> model.save("model.keras")                                   # doctest: +SKIP
>>> restored = lamina.saving.load_model("model.keras")          # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import datetime
import inspect
import io
import json
import zipfile
from zlib import error as zlib_error

import h5py

from lamina.models.serialization import deserialize_layer, serialize_model
from lamina.saving import assets, files
from lamina.saving.config_compat import clean_layer_entry
from lamina.saving.weights_h5 import read_weights, write_weights
from lamina.utils import registry

CONFIG_FILENAME = "config.json"
METADATA_FILENAME = "metadata.json"
WEIGHTS_FILENAME = "model.weights.h5"
KERAS_VERSION = "3.16.0"  # the Keras file version these files are written as

_PUBLIC_MODULES = {"lamina.losses": "keras.losses", "lamina.metrics": "keras.metrics"}


def _keras_module(entry):
    """Objects in a compile config name their public Keras module, so Keras can find them."""
    if isinstance(entry, list):
        return [_keras_module(e) for e in entry]
    if isinstance(entry, dict):
        out = {k: _keras_module(v) for k, v in entry.items()}
        module = out.get("module")
        if isinstance(module, str) and "class_name" in out:
            for prefix, public in _PUBLIC_MODULES.items():
                if module.startswith(prefix):
                    out["module"] = public
        return out
    return entry


def model_config(model) -> dict:
    """``config.json``'s content: the serialized model with build and compile configs."""
    config = serialize_model(model)
    if config.get("compile_config"):
        config["compile_config"] = _keras_module(config["compile_config"])
    return config


def save_model(model, filepath, overwrite=True):
    """Write ``model`` as a ``.keras`` zip, atomically (a crash leaves the old file intact)."""
    path = files.fspath(filepath)
    files.check_overwrite(path, overwrite)
    config_json = json.dumps(model_config(model), default=_json_default)
    metadata = {
        "keras_version": KERAS_VERSION,
        "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S"),
    }
    weights = io.BytesIO()
    with h5py.File(weights, "w") as f:
        write_weights(model, f)
    # Keras stores members uncompressed; so do we (fast, and h5 barely compresses).
    with files.atomic_write(path) as tmp, \
            zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr(METADATA_FILENAME, json.dumps(metadata))
        zf.writestr(CONFIG_FILENAME, config_json)
        zf.writestr(WEIGHTS_FILENAME, weights.getvalue())
        for name, data in assets.collect(model):  # e.g. a lookup layer's vocabulary.txt
            zf.writestr(name, data)


def _json_default(obj):
    if hasattr(obj, "tolist"):
        return obj.tolist()
    if hasattr(obj, "get_config"):
        return registry.serialize_object(obj, type(obj).__module__)
    raise TypeError(f"Cannot write {type(obj).__name__} {obj!r} into config.json")


# What a .keras archive may make lamina read into memory (zip-bomb guards: a member can
# declare or inflate to far more than it stores). The weights may be large; config.json and
# metadata.json never are. Tests lower these to check the guards.
MAX_MEMBER_BYTES = {CONFIG_FILENAME: 1 << 28, METADATA_FILENAME: 1 << 20}
MAX_WEIGHTS_BYTES = 1 << 34     # 16 GiB
MAX_TOTAL_BYTES = 1 << 35       # everything read from one archive
MAX_EXPANSION = 100             # a compressed member inflating more than this is a bomb
_EXPANSION_FLOOR = 1 << 26      # ... once it is larger than 64 MiB


def open_zip(path):
    """The .keras archive at ``path``, open for reading, its members checked."""
    try:
        zf = zipfile.ZipFile(path, "r")
    except zipfile.BadZipFile:
        raise ValueError(
            f"{path!r} is not a valid .keras file: it is not a zip archive."
        ) from None
    try:
        _check_archive(zf, path)
    except BaseException:
        zf.close()
        raise
    return zf


def _check_archive(zf, path):
    """Refuse archives no saver writes: duplicate, absolute or ``..`` member names, symlinks,
    members (or a total) declaring more bytes than lamina reads, and decompression bombs."""
    seen, total = set(), 0
    for info in zf.infolist():
        name = info.filename
        parts = name.replace("\\", "/").split("/")
        if name in seen:
            raise ValueError(f"Not allowed: {path!r} holds the member {name!r} twice.")
        seen.add(name)
        if name.startswith(("/", "\\")) or ":" in parts[0] or ".." in parts or "\x00" in name:
            raise ValueError(f"Not allowed: {path!r} holds a member with an unsafe path {name!r}.")
        if (info.external_attr >> 16) & 0o170000 == 0o120000:
            raise ValueError(f"Not allowed: {path!r} holds a symbolic link {name!r}.")
        cap = MAX_WEIGHTS_BYTES if name == WEIGHTS_FILENAME else \
            MAX_MEMBER_BYTES.get(name, MAX_TOTAL_BYTES)
        if info.file_size > cap:
            raise ValueError(
                f"Not allowed: {path!r}: the member {name!r} declares {info.file_size} bytes, "
                f"more than the {cap} lamina reads for it.")
        if info.file_size > _EXPANSION_FLOOR and \
                info.file_size > MAX_EXPANSION * max(info.compress_size, 1):
            raise ValueError(
                f"Not allowed: {path!r}: the member {name!r} declares {info.file_size} bytes "
                f"but stores {info.compress_size}; refusing a potential decompression bomb.")
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise ValueError(
                f"Not allowed: {path!r} declares more than {MAX_TOTAL_BYTES} bytes in all.")


def read_member(zf, path, name):
    """A member's bytes, read no further than its declared (capped) size."""
    if name not in zf.namelist():
        raise ValueError(
            f"{path!r} is not a valid .keras file: it has no {name} "
            f"(it contains {sorted(zf.namelist())})."
        )
    info = zf.getinfo(name)
    cap = MAX_WEIGHTS_BYTES if name == WEIGHTS_FILENAME else MAX_MEMBER_BYTES.get(name, 0)
    try:
        with zf.open(info) as member:  # read at most what the member declares (checked)
            data = member.read(min(cap, info.file_size) + 1)
    except (zipfile.BadZipFile, OSError, EOFError, zlib_error) as e:
        raise ValueError(f"{path!r} is damaged: cannot read {name} ({e}).") from None
    if len(data) > min(cap, info.file_size):
        raise ValueError(f"Not allowed: {path!r}: {name} holds more bytes than it declares.")
    return data


def read_config(path: str) -> dict:
    """The model config stored in a ``.keras`` file."""
    with open_zip(path) as zf:
        raw = read_member(zf, path, CONFIG_FILENAME)
    return _parse_config(raw, path)


def _parse_config(raw, path):
    try:
        config = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as e:
        raise ValueError(f"{path!r} is not a valid .keras file: config.json is not JSON ({e}).") \
            from None
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(
            f"{path!r} is not a valid .keras file: config.json does not describe a model."
        )
    return config


# Raised by code reading a config that lacks an entry, or holds one of the wrong kind: from a
# file, that is a malformed file, said as such (ValueError) with the original error chained.
_MALFORMED = (KeyError, IndexError, AttributeError)


@contextlib.contextmanager
def malformed_config_errors(source: str):
    """Inside the block, a KeyError/IndexError/AttributeError becomes a ValueError naming
    ``source``: the file's config is malformed (the loader's own errors stay as they are)."""
    try:
        yield
    except _MALFORMED as e:
        raise ValueError(
            f"{source}: the saved config is malformed and cannot be loaded "
            f"({type(e).__name__}: {e})."
        ) from e


def model_from_config(config, custom_objects=None, safe_mode=True, source="The file"):
    """Build the (uncompiled) model a saved config describes."""
    with registry.safe_mode_scope(safe_mode), registry.custom_object_scope(custom_objects or {}), \
            malformed_config_errors(source):
        return deserialize_layer(clean_layer_entry(config, custom_objects), custom_objects)


def compile_from_config(model, compile_config, custom_objects=None):
    """``model.compile(**compile_config)``, ignoring keys this ``compile`` does not take."""
    params = inspect.signature(model.compile).parameters
    takes_any = any(p.kind == p.VAR_KEYWORD for p in params.values())
    args = {k: v for k, v in compile_config.items() if takes_any or k in params}
    from lamina import metrics, optimizers

    optimizer = args.get("optimizer")
    if isinstance(optimizer, dict):
        args["optimizer"] = optimizers.deserialize(optimizer, custom_objects)
    # metric objects saved as config dicts (possibly per output, in lists or dicts); compile
    # takes saved loss configs itself (training/compile_utils.losses_from_configs)
    for key, deserialize in (("metrics", metrics.deserialize),
                             ("weighted_metrics", metrics.deserialize)):
        if key in args:
            args[key] = _objects_from_configs(args[key], deserialize, custom_objects)
    with registry.custom_object_scope(custom_objects or {}):
        model.compile(**args)
    if model.built and model.optimizer is not None and not model.optimizer.built:
        # as Keras' compile_from_config: slots exist now, so saved state can be assigned
        model.optimizer.build(model.trainable_weights)


def _objects_from_configs(value, deserialize, custom_objects):
    if isinstance(value, dict) and "class_name" in value:
        return deserialize(value, custom_objects)
    if isinstance(value, dict):
        return {k: _objects_from_configs(v, deserialize, custom_objects) for k, v in value.items()}
    if isinstance(value, list):
        return [_objects_from_configs(v, deserialize, custom_objects) for v in value]
    return value


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Load a ``.keras`` file written by lamina or Keras 3."""
    path = files.fspath(filepath)
    with open_zip(path) as zf:
        config = _parse_config(read_member(zf, path, CONFIG_FILENAME), path)
        names = zf.namelist()
        weights = read_member(zf, path, WEIGHTS_FILENAME) if WEIGHTS_FILENAME in names else None
        if weights is None and "model.weights.npz" in names:
            raise ValueError(
                f"{path!r} stores its weights as model.weights.npz; lamina reads the HDF5 "
                "variant. Re-save the model in Keras with the default weights format."
            )
        if weights is None:
            raise ValueError(f"{path!r} is not a valid .keras file: it has no {WEIGHTS_FILENAME}.")
        asset_files = assets.read_members(zf, repr(path))
    model = model_from_config(config, custom_objects, safe_mode, source=repr(path))
    compile_config = config.get("compile_config") if compile else None
    if compile_config:
        with registry.safe_mode_scope(safe_mode), malformed_config_errors(repr(path)):
            compile_from_config(model, compile_config, custom_objects)
    with files.open_h5(io.BytesIO(weights), f"{WEIGHTS_FILENAME} inside {path!r}") as f:
        read_weights(model, f, source=repr(path))
    assets.restore(model, asset_files)
    return model


def load_weights_from_keras_file(model, filepath, skip_mismatch=False):
    """``model.load_weights("model.keras")``: only the weights of a ``.keras`` file."""
    path = files.fspath(filepath)
    with open_zip(path) as zf:
        weights = read_member(zf, path, WEIGHTS_FILENAME)
    with files.open_h5(io.BytesIO(weights), f"{WEIGHTS_FILENAME} inside {path!r}") as f:
        read_weights(model, f, skip_mismatch=skip_mismatch, source=repr(path))
